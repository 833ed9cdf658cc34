"""BM25F, as Whoosh scores it, with the default field's lengths read once per segment.

Whoosh's BM25F scorer asks the reader for a document's field length at every
posting, through five calls; for a word in most documents that was nearly half of a
search. Here a segment's lengths of the default field are read into an array the
first time a word common enough to repay it is scored (a twentieth of the segment's
documents or more), and from then on every word of that field is scored from the
array. The scores are Whoosh's own: the same formula, the same (byte-rounded) lengths.
"""

from __future__ import annotations

from array import array

from whoosh import scoring
from whoosh.searching import Searcher

# A word is common enough to read the segment's lengths for (once) when it is in at least
# this share of the segment's documents.
READ_LENGTHS_SHARE = 0.05


class _SegmentLengths:
    """Per segment (leaf searcher) of one top searcher: its field lengths, once read."""

    def __init__(self, fieldname: str) -> None:
        self.fieldname = fieldname
        self.by_segment: dict[int, array] = {}

    def get(self, searcher: Searcher, doc_frequency: int) -> array | None:
        key = id(searcher)
        found = self.by_segment.get(key)
        count = searcher.doc_count_all()
        if found is None and count and doc_frequency >= READ_LENGTHS_SHARE * count:
            reader = searcher.reader()
            name = self.fieldname
            found = array("I", (reader.doc_field_length(d, name, 0) for d in range(count)))
            self.by_segment[key] = found
        return found


class _ArrayScorer(scoring.BaseScorer):
    """BM25 of one term, its document lengths taken from an array."""

    def __init__(self, searcher: Searcher, fieldname: str, text: bytes, lengths: array,
                 B: float, K1: float) -> None:  # noqa: N803 - BM25's names
        parent = searcher.get_parent()
        self.idf = parent.idf(fieldname, text)
        avgfl = parent.avg_field_length(fieldname) or 1.0
        self.lengths = lengths
        self.k1 = K1
        self.norm0 = K1 * (1 - B)
        self.norm1 = K1 * B / avgfl
        info = searcher.term_info(fieldname, text)
        self._max = self._score(info.max_weight(), info.min_length())

    def _score(self, tf: float, length: int) -> float:
        return self.idf * (tf * (self.k1 + 1)) / (tf + self.norm0 + self.norm1 * length)

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self._max

    def score(self, matcher) -> float:  # type: ignore[no-untyped-def]
        tf = matcher.weight()
        return self.idf * (tf * (self.k1 + 1)) / (
            tf + self.norm0 + self.norm1 * self.lengths[matcher.id()])


class ArrayBM25F(scoring.BM25F):
    """Whoosh's BM25F, scoring ``fieldname`` from per-segment length arrays."""

    def __init__(self, fieldname: str, B: float = 0.75, K1: float = 1.2) -> None:  # noqa: N803
        super().__init__(B=B, K1=K1)
        self.fieldname = fieldname
        self.lengths = _SegmentLengths(fieldname)

    def scorer(self, searcher, fieldname, text, qf=1):  # type: ignore[no-untyped-def]
        if fieldname == self.fieldname and searcher.schema[fieldname].scorable:
            lengths = self.lengths.get(searcher, searcher.doc_frequency(fieldname, text))
            if lengths is not None:
                return _ArrayScorer(searcher, fieldname, text, lengths,
                                    self._field_B.get(fieldname, self.B), self.K1)
        return super().scorer(searcher, fieldname, text, qf=qf)
