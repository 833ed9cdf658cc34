"""The fixed vocabulary of synthetic archives: words, names, topics, stories, publishers.

It is the same for every seed (built from its own fixed random stream), so the
benchmark's published query set can name terms, topics and stories that exist in
every generated archive; the archive seed only decides how they are used. Words
are ranked for a Zipf-like draw: a few function words land in almost every
document, a long tail of real and made-up words in few.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import lru_cache


def _listed(text: str, separator: str | None = None) -> list[str]:
    """Word lists are kept as running text: easier to read and edit than quoted lists."""
    return text.split(separator)


# Ranked first: a few words land in almost every document, stop words and not.
FUNCTION_WORDS = _listed(
    "the people of said in a government and to is new on for by with at as after from "
    "that an are its has was be his their over which have been into more than were "
    "against this during who it not two three says least first"
)

NEWS_WORDS = _listed(
    "killed police government president minister attack protest court election party "
    "officials forces military security state national international united union "
    "report reports year years former leader prime capital city country region north "
    "south east west border troops army rebels opposition vote votes parliament law "
    "bill council members group groups killing killings bomb bombing explosion fire "
    "earthquake flood floods storm hurricane crash plane train ship ferry missile "
    "nuclear oil gas prices market markets bank economy billion million percent trade "
    "deal talks peace ceasefire war conflict violence civilians children women men "
    "students workers strike strikes arrested charged sentenced prison trial judge "
    "supreme chief executive company companies minister's announces announced "
    "agrees approves rejects bans launches wins loses dies elected sworn resigns "
    "accused investigation scandal corruption fraud tax budget debt crisis refugees "
    "migrants aid health hospital disease outbreak vaccine cases deaths dead injured "
    "wounded missing rescue rescued search drought famine climate emissions energy "
    "coal power electricity water river sea island coast mountain village town "
    "province district county authorities ministry agency committee commission "
    "summit meeting visit talks treaty agreement sanctions embassy ambassador "
    "foreign domestic public private federal regional local global world record "
    "largest highest lowest second third fourth months weeks days hours officers "
    "soldiers militants gunmen attackers suspects victims passengers residents "
    "citizens voters demonstrators thousands hundreds dozens several many some "
    "following amid despite before against under while since near outside inside "
    "northern southern eastern western central capital's rally march marches "
    "campaign candidate candidates referendum coalition cabinet mayor governor "
    "senate congress assembly constitution rights freedom media journalist "
    "journalists newspaper television radio internet online website data hackers "
    "cyber satellite space mission rocket launch scientists study researchers "
    "museum festival football olympic games championship team cup final match "
    "season players coach league title medal gold silver bronze tournament "
    "film award prize music album artist author novel actor actress singer"
)

COUNTRIES = _listed(
    "Afghanistan|Albania|Algeria|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|"
    "Bahrain|Bangladesh|Belarus|Belgium|Bolivia|Bosnia and Herzegovina|Brazil|Bulgaria|"
    "Burkina Faso|Cambodia|Cameroon|Canada|Chad|Chile|China|Colombia|Croatia|Cuba|Cyprus|"
    "Denmark|Ecuador|Egypt|Estonia|Ethiopia|Fiji|Finland|France|Georgia|Germany|Ghana|"
    "Greece|Guatemala|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|"
    "Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kosovo|Kuwait|Kyrgyzstan|Laos|"
    "Latvia|Lebanon|Liberia|Libya|Lithuania|Madagascar|Malawi|Malaysia|Mali|Mexico|"
    "Moldova|Mongolia|Morocco|Mozambique|Myanmar|Nauru|Nepal|New Zealand|Nicaragua|"
    "Niger|Nigeria|North Korea|Norway|Pakistan|Panama|Papua New Guinea|Paraguay|Peru|"
    "Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saudi Arabia|Senegal|"
    "Serbia|Sierra Leone|Singapore|Slovakia|Somalia|South Africa|South Korea|"
    "South Sudan|Spain|Sri Lanka|Sudan|Sweden|Switzerland|Syria|Taiwan|Tajikistan|"
    "Tanzania|Thailand|Tunisia|Turkey|Uganda|Ukraine|United Kingdom|United States|"
    "Uruguay|Uzbekistan|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe",
    "|",
)

CITIES = _listed(
    "Aleppo|Almaty|Astana|Athens|Baghdad|Bangkok|Beirut|Berlin|Bogota|Brussels|Cairo|"
    "Caracas|Damascus|Dhaka|Dublin|Geneva|Gothenburg|Havana|Homs|Istanbul|Jakarta|"
    "Johannesburg|Kabul|Karachi|Kyiv|Lagos|Lima|Lisbon|London|Madrid|Manila|Minsk|"
    "Moscow|Mumbai|Nairobi|New Delhi|Oslo|Paris|Quebec|Rome|Santiago|Seoul|Stockholm|"
    "Sydney|Taipei|Taraz|Tehran|Tokyo|Tripoli|Tunis|Vienna|Warsaw|Washington|Yangon",
    "|",
)

FIRST_NAMES = _listed(
    "Ahmed Ali Ana Angela Boris Carlos Daniel David Elena Emmanuel Fatima Francisco "
    "Hassan Ivan Jacob James Jean John Joseph Juan Julia Kim Lucas Luis Maria Mark "
    "Martin Michael Mohamed Nicolas Olga Omar Pedro Peter Rafael Robert Sara Sergei "
    "Theresa Thomas Viktor Wilson Yulia Zulfiya"
)

THEMES = _listed(
    "Islamic terrorism|climate change|human rights|freedom of the press|refugee crisis|"
    "nuclear program|piracy|drug trafficking|cyberattack|space exploration|"
    "public health|same-sex marriage|austerity|inflation|unemployment|wildfire|"
    "avalanche|earthquake|tropical cyclone|doping|phone hacking|corruption|"
    "capital punishment|press freedom|arms trade|election fraud|oil spill|"
    "deforestation|famine|cholera|measles|Ebola|tsunami|volcano|mass shooting",
    "|",
)

STORY_NOUNS = _listed(
    "uprising|civil war|protests|floods|earthquake|election|crisis|referendum|"
    "scandal|insurgency|bombings|drought|strike|negotiations|trial|summit|riots",
    "|",
)

ORGANISATION_FORMS = (
    "Supreme Court of {c}", "Parliament of {c}", "{c} Army", "National Party of {c}",
    "Central Bank of {c}", "{s} Airlines", "{s} Group", "{s} University", "{s} Oil",
)

PUBLISHERS = (
    ("AFP", "www.afp.com"), ("Al Jazeera", "www.aljazeera.com"),
    ("Associated Press", "apnews.com"), ("BBC", "www.bbc.co.uk"),
    ("Bloomberg", "www.bloomberg.com"), ("CBC", "www.cbc.ca"), ("CNN", "www.cnn.com"),
    ("Deutsche Welle", "www.dw.com"), ("Fox News", "www.foxnews.com"),
    ("France 24", "www.france24.com"), ("Los Angeles Times", "www.latimes.com"),
    ("NPR", "www.npr.org"), ("Radio Free Europe", "www.rferl.org"),
    ("Reuters", "www.reuters.com"), ("Sky News", "news.sky.com"),
    ("The Guardian", "www.theguardian.com"), ("The Independent", "www.independent.co.uk"),
    ("The New York Times", "www.nytimes.com"), ("The Telegraph", "www.telegraph.co.uk"),
    ("The Washington Post", "www.washingtonpost.com"), ("Xinhua", "www.xinhuanet.com"),
    ("ABC News", "abcnews.go.com"), ("The Hindu", "www.thehindu.com"),
    ("Euronews", "www.euronews.com"), ("The Straits Times", "www.straitstimes.com"),
)

_ONSETS = _listed("b br c ch d dr f g gr h j k kh l m n p pr r s sh st t tr v w z")
_VOWELS = _listed("a e i o u a e o ia ou")
_CODAS = ["", "", "n", "r", "l", "s", "k", "t", "m", "v", "sh"]
_VOCABULARY_SEED = "chronicle-synthetic-vocabulary-v1"
_ZIPF_EXPONENT = 1.05
_MADE_UP_WORDS = 3500
_SURNAMES = 300
_MADE_PLACES = 200


@dataclass(frozen=True, slots=True)
class Story:
    """A story that recurs: a name, the topics its events carry, the year it starts."""

    name: str
    topics: tuple[str, ...]
    start_year: int


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Ranked words with cumulative Zipf weights, and the topic and story universe."""

    words: tuple[str, ...]
    word_weights: tuple[float, ...]
    topics: tuple[str, ...]
    topic_weights: tuple[float, ...]
    places: tuple[str, ...]
    persons: tuple[str, ...]
    stories: tuple[Story, ...]
    story_weights: tuple[float, ...]
    publishers: tuple[tuple[str, str], ...]


def _made_up(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return "".join(parts) + rng.choice(_CODAS)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        if name not in seen:
            seen.add(name)
            kept.append(name)
    return kept


def _zipf(count: int, exponent: float = _ZIPF_EXPONENT) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The one fixed vocabulary (same for every archive seed)."""
    rng = random.Random(_VOCABULARY_SEED)
    reserved = set(FUNCTION_WORDS) | set(NEWS_WORDS)
    wanted = _MADE_UP_WORDS + _SURNAMES + _MADE_PLACES
    candidates = _unique([_made_up(rng, rng.choice((1, 2, 2, 3))) for _ in range(wanted * 2)])
    made_up = [w for w in candidates if w not in reserved and len(w) > 3][:wanted]
    # A fixed shuffle of the tail keeps real news words spread through the ranks.
    tail = list(NEWS_WORDS[40:]) + made_up[:_MADE_UP_WORDS]
    rng.shuffle(tail)
    words = _unique(list(FUNCTION_WORDS) + list(NEWS_WORDS[:40]) + tail)
    names = [w.capitalize() for w in made_up[_MADE_UP_WORDS:]]
    surnames, made_places = names[:_SURNAMES], names[_SURNAMES:]
    persons = _unique([f"{rng.choice(FIRST_NAMES)} {rng.choice(surnames)}" for _ in range(500)])
    places = _unique(CITIES + made_places)
    organisations = _unique(
        [
            rng.choice(ORGANISATION_FORMS).format(c=rng.choice(COUNTRIES), s=rng.choice(surnames))
            for _ in range(250)
        ]
    )
    topic_pool = COUNTRIES + THEMES + places[:60] + persons[:250] + organisations
    topics = _unique(topic_pool)
    rng.shuffle(topics)
    # Countries first: they are the topics most events carry, as in the real archive.
    topics = _unique(rng.sample(COUNTRIES, 20) + topics)
    stories = _stories(rng, persons, places)
    return Vocabulary(
        words=tuple(words),
        word_weights=_zipf(len(words)),
        topics=tuple(topics),
        topic_weights=_zipf(len(topics), 0.9),
        places=tuple(places),
        persons=tuple(persons),
        stories=tuple(stories),
        story_weights=_zipf(len(stories), 1.0),
        publishers=PUBLISHERS,
    )


def _stories(rng: random.Random, persons: list[str], places: list[str]) -> list[Story]:
    stories: list[Story] = []
    names: set[str] = set()
    while len(stories) < 400:
        year = rng.randint(1999, 2025)
        country = rng.choice(COUNTRIES)
        form = rng.randrange(4)
        if form == 0:
            name = f"{year} {country} {rng.choice(STORY_NOUNS)}"
            topics = (country, rng.choice(places))
        elif form == 1:
            name = f"{country} {rng.choice(STORY_NOUNS)}"
            topics = (country, rng.choice(THEMES))
        elif form == 2:
            person = rng.choice(persons)
            name = f"{person} {rng.choice(('trial', 'scandal', 'presidency', 'campaign'))}"
            topics = (person, country)
        else:
            other = rng.choice(COUNTRIES)
            name = f"{country}-{other} relations"
            topics = (country, other)
        if name in names or len(set(topics)) < len(topics):
            continue
        names.add(name)
        stories.append(Story(name=name, topics=topics, start_year=year))
    return stories
