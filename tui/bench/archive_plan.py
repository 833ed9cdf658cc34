"""Planning a synthetic archive in memory: events, stories, topics, links, duplicates.

Everything comes from one ``random.Random(seed)`` drawn in a fixed order, and
every collection is a list or an insertion-ordered dict, so a seed always gives
the same archive. Events that only related links point at ("phantoms") get a
headline and a slug but never a page, like most related targets in the real archive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tui.bench.pages import FORMATS_LINE, FORMATS_LIST, PLAIN, SyntheticEvent, event_href
from tui.bench.prose import Prose, slugify
from tui.bench.vocabulary import Vocabulary, vocabulary

FIRST_DAY = date(1999, 1, 1)
LAST_DAY = date(2025, 12, 31)
STORY_SHARE = 0.45
PHANTOM_SHARE = 0.5
ARTICLE_SHARE = 0.1
DUPLICATE_SHARE = 0.06


@dataclass(slots=True)
class PlannedArticle:
    path: str
    title: str
    paragraphs: list[str]
    front_matter: dict[str, str] | None
    padding: str


@dataclass(slots=True)
class ArchivePlan:
    rng: random.Random
    events: list[SyntheticEvent]
    duplicates: dict[int, list[SyntheticEvent]] = field(default_factory=dict)
    articles: list[PlannedArticle] = field(default_factory=list)


class _Planner:
    def __init__(self, events: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocab: Vocabulary = vocabulary()
        self.prose = Prose(self.rng, self.vocab)
        self.count = events
        self.used_paths: set[str] = set()
        rng = self.rng
        first, last = FIRST_DAY.toordinal(), LAST_DAY.toordinal()
        self.first, self.last = first, last
        self.story_start = [
            min(last, date(s.start_year, 1, 1).toordinal() + rng.randrange(365))
            for s in self.vocab.stories
        ]
        self.story_span = [int(rng.triangular(5, 2000, 60)) for _ in self.vocab.stories]
        self.members: dict[bool, dict[str, list[SyntheticEvent]]] = {True: {}, False: {}}

    def _topics(self, base: list[str], extra: int) -> list[str]:
        vocab = self.vocab
        drawn = self.rng.choices(vocab.topics, cum_weights=vocab.topic_weights, k=extra)
        topics: list[str] = []
        for topic in base + drawn:
            if topic not in topics:
                topics.append(topic)
        return topics

    def record(self, number: int, phantom: bool) -> SyntheticEvent:
        rng, vocab = self.rng, self.vocab
        story = ""
        if rng.random() < STORY_SHARE:
            (index,) = rng.choices(range(len(vocab.stories)), cum_weights=vocab.story_weights)
            story = vocab.stories[index].name
            offset = int(rng.random() ** 1.5 * self.story_span[index])
            ordinal = min(self.last, self.story_start[index] + offset)
            topics = self._topics(list(vocab.stories[index].topics), rng.randint(0, 2))
        else:
            ordinal = rng.randint(self.first, self.last)
            topics = self._topics([], rng.randint(1, 4))
        day = date.fromordinal(ordinal)
        while True:
            headline = self.prose.headline(topics)
            event = SyntheticEvent(number, day, headline, slugify(headline), topics, story,
                                   phantom=phantom, has_page=not phantom)
            if event.path not in self.used_paths:
                self.used_paths.add(event.path)
                break
        for topic in topics:
            self.members[phantom].setdefault(topic, []).append(event)
        return event

    def sources(self, event: SyntheticEvent) -> list[tuple[int, str, str]]:
        rng = self.rng
        if rng.random() < 0.05:
            return []
        day = event.day
        sources = []
        for n in range(1, rng.choice((1, 1, 2, 2, 3, 4)) + 1):
            publisher, domain = rng.choice(self.vocab.publishers)
            url = (f"http://{domain}/news/{day.year}/{day.month:02d}/{day.day}/"
                   f"{event.slug[:48].rstrip('-')}-{rng.randrange(10**6, 10**7)}.html")
            if rng.random() < 0.01:
                url += "?id=1&amp;ref=rss"
            sources.append((n, publisher, url))
        if rng.random() < 0.25:
            _, domain = rng.choice(self.vocab.publishers)
            image = f"http://{domain}/images/{rng.getrandbits(64):016x}.jpg"
            sources.append((sources[-1][0], "Cover Image", image))
        return sources

    def related(self, event: SyntheticEvent) -> list[tuple[SyntheticEvent, list[str]]]:
        rng = self.rng
        if rng.random() < 0.1 or not event.topics:
            return []
        chosen: list[tuple[SyntheticEvent, list[str]]] = []
        seen = {event.number}
        for _ in range(rng.randint(2, 10)):
            topic = rng.choice(event.topics)
            missing = rng.random() < PHANTOM_SHARE
            pool = self.members[missing].get(topic) or self.members[not missing].get(topic)
            if not pool:
                continue
            target = pool[rng.randrange(len(pool))]
            if target.number in seen:
                continue
            seen.add(target.number)
            context = [topic] + [t for t in event.topics if t != topic and t in target.topics]
            chosen.append((target, context))
        chosen.sort(key=lambda pair: (pair[0].day, pair[0].number), reverse=True)
        return chosen

    def duplicate(self, event: SyntheticEvent) -> SyntheticEvent | None:
        rng = self.rng
        truncation = len(event.slug) >= 135 and rng.random() < 0.5
        if truncation:
            slug = event.slug[: len(event.slug) - rng.randint(2, 6)].rstrip("-")
            headline = event.headline.replace('"', "''")
        else:
            prefix = event.story if event.story and rng.random() < 0.6 else event.topics[0]
            if rng.random() < 0.3:
                slug = slugify(f"{slugify(prefix)}-p{event.slug}")
                headline = f"{prefix}:{event.headline}"
            else:
                slug = slugify(f"{prefix} {event.headline}")
                headline = f"{prefix}:{rng.choice(('. ', ' '))}{event.headline}"
        copy = SyntheticEvent(event.number, event.day, headline, slug, event.topics, event.story)
        if copy.path in self.used_paths:
            return None
        self.used_paths.add(copy.path)
        copy.summary = event.summary if rng.random() < 0.7 else ""
        copy.sources = [s for s in event.sources if s[1] != "Cover Image"]
        copy.related = event.related[: len(event.related) // 2]
        if truncation:
            stamp = f"{(event.day + timedelta(days=rng.randint(0, 400))).isoformat()} 03:34:28"
            event.changes = [(headline, event_href(copy), f"{stamp} (First version)"),
                             (event.headline, event_href(event), "(Current version)")]
            event.changes_first = rng.random() < 0.5
        return copy

    def article(self, event: SyntheticEvent, used: set[str]) -> PlannedArticle:
        rng = self.rng
        day = event.day
        stem = f"articles/{day.year}/{day.month:02d}/{event.slug[:100].rstrip('-')}"
        path, n = f"{stem}.txt", 2
        while path in used:
            path, n = f"{stem}-{n}.txt", n + 1
        used.add(path)
        title = self.prose.title(event.topics)
        place = rng.choice(self.vocab.places)
        paragraphs = self.prose.article_paragraphs(event.topics, place)
        front_matter: dict[str, str] | None = None
        if rng.random() < 0.6:
            publisher = next((s[1] for s in event.sources if s[1] != "Cover Image"), "Reuters")
            url = event.sources[0][2] if event.sources else f"http://www.reuters.com/{event.slug}"
            front_matter = {"publisher": publisher, "url": url, "date": day.isoformat()}
            if rng.random() < 0.9:
                front_matter["event"] = event.path
        padding = " " * 8 if rng.random() < 0.5 else ""
        return PlannedArticle(path, title, paragraphs, front_matter, padding)


def plan_archive(events: int, seed: int) -> ArchivePlan:
    """Every event, duplicate page and article of one synthetic archive, not yet written."""
    planner = _Planner(events, seed)
    rng = planner.rng
    real = [planner.record(n, phantom=False) for n in range(events)]
    for n in range(events, events + max(1, int(events * PHANTOM_SHARE))):
        planner.record(n, phantom=True)
    plan = ArchivePlan(rng=rng, events=real)
    article_paths: set[str] = set()
    for event in real:
        roll = rng.random()
        event.layout = PLAIN if roll < 0.6 else FORMATS_LINE if roll < 0.9 else FORMATS_LIST
        event.summary = "" if rng.random() < 0.15 else planner.prose.summary(event.topics)
        event.sources = planner.sources(event)
        event.padded_links = rng.random() < 0.02
        event.has_page = rng.random() >= 0.02
        event.on_day_page = not event.has_page or rng.random() >= 0.02
    for event in real:
        event.related = planner.related(event)
        if event.has_page and rng.random() < DUPLICATE_SHARE:
            copy = planner.duplicate(event)
            if copy is not None:
                plan.duplicates[event.number] = [copy]
        if event.has_page and rng.random() < ARTICLE_SHARE:
            plan.articles.append(planner.article(event, article_paths))
    return plan
