"""``story:`` and ``topic:`` queries answered from the archive's distinct stories and topics.

A story or topic is a label many documents share whole, and there are few of them
(about 5,000 topics at 100,000 events). A phrase like ``topic:"South Sudan"`` on the
positional ``topic_text`` field checked the words' positions in every document that
has both words; here the words are looked for once in each distinct label (analysed
as the text field analyses it, once per searcher), and the query becomes the union
of the labels that hold them as a run, each a term of the whole-label keyword field.
A phrase can no longer match across two of a document's topics, which it could.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.searching import Searcher

# Text field as the parser produces it -> the keyword field holding the same labels whole.
LABEL_FIELDS = {"story": "stories", "topic_text": "topics"}


class WideOr(wq.Or):
    """A union of many words (a prefix's, a phrase's labels): Whoosh's array union,
    which reads the words' matches a chunk of documents at a time (a binary tree of
    unions fifty words wide took twice as long). Whoosh picks it by itself only for
    small indexes."""

    matcher_type = wq.Or.ARRAY_MATCHER


class Labels:
    """One keyword field's distinct labels, each with its analysed words, and for each
    word the labels that have it (looking through every label took a tenth of a
    millisecond a query)."""

    def __init__(self, searcher: Searcher, text_field: str, keyword_field: str) -> None:
        analyzer = searcher.schema[text_field].analyzer
        self.keyword_field = keyword_field
        self.words: list[tuple[str, tuple[str, ...]]] = []
        self.having: dict[str, list[int]] = {}
        for label in searcher.reader().lexicon(keyword_field):
            text = label.decode("utf-8") if isinstance(label, bytes) else str(label)
            words = tuple(t.text for t in analyzer(text))
            for word in dict.fromkeys(words):
                self.having.setdefault(word, []).append(len(self.words))
            self.words.append((text, words))

    def holding(self, words: tuple[str, ...]) -> list[str]:
        """The labels whose words contain ``words`` as a run (in the field's order)."""
        size = len(words)
        if not size:  # an empty run is in every label
            return [label for label, _ in self.words]
        candidates = min((self.having.get(word, []) for word in words), key=len)
        found = []
        for number in candidates:
            label, have = self.words[number]
            if size == 1:
                found.append(label)
                continue
            for start in range(len(have) - size + 1):
                if have[start:start + size] == words:
                    found.append(label)
                    break
        return found


def _words(node: wq.Query) -> tuple[str, ...] | None:
    if isinstance(node, wq.Term):
        return (str(node.text),)
    if isinstance(node, wq.Phrase) and node.slop == 1:
        return tuple(str(word) for word in node.words)
    return None


def with_labels(q: wq.Query, labels: dict[str, Labels]) -> wq.Query:
    """``q`` with each word or phrase on a story or topic text field replaced by the
    union of the whole labels that hold it (``labels``: by text field)."""
    field = getattr(q, "fieldname", None)
    if field in labels:
        words = _words(q)
        if words is not None:
            found = labels[field].holding(words)
            if not found:
                return wq.NullQuery
            field_name = labels[field].keyword_field
            terms = [wq.Term(field_name, label, boost=q.boost) for label in found]
            return terms[0] if len(terms) == 1 else WideOr(terms)
    if q.is_leaf():
        return q
    return q.apply(lambda child: with_labels(child, labels))


def has_label_query(q: wq.Query) -> bool:
    return any(getattr(leaf, "fieldname", None) in LABEL_FIELDS for leaf in q.leaves())
