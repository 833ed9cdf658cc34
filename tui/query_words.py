"""A query's words and phrases, read from one segment's posting lists at a time.

A :class:`Word` is one term of one field: its postings read whole, in stretches or
document by document (:mod:`tui.posting_lists`), scored with Whoosh's BM25F from the
length bytes (:mod:`tui.ranking`). A :class:`Phrase` (Whoosh's phrase with slop 1) is
its words' documents intersected, the rarest word's positions read in one pass and
the others' for the documents still in the running, scored as Whoosh scores it.
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh.searching import Searcher

from tui.posting_lists import (
    EVERYTHING,
    Segment,
    TermCounts,
    Within,
    raw_matcher,
    read_ids,
    read_positions,
    read_postings,
    seek_each,
)


class Word:
    """One term of one field; a zero boost makes it a filter (Whoosh scores it 0)."""

    def __init__(self, searcher: Searcher, fieldname: str, text: bytes, boost: float,
                 counts: TermCounts) -> None:
        self.fieldname = fieldname
        self.text = text
        self.boost = boost
        self.counts = counts
        field = searcher.schema[fieldname]
        self.scorable = bool(field.scorable)
        self.idf = searcher.idf(fieldname, text) if self.scorable else 0.0
        # what the matcher's value_as("positions") does, without looking it up each time
        self.decode = (field.format.decoder("positions")
                       if field.format and field.format.supports("positions") else None)

    def size(self, segment: Segment) -> int:
        return self.counts.of(segment.reader, self.fieldname, self.text)

    def _postings(self, segment: Segment, within: Within | None, weights: bool = True,
                  ) -> tuple[list[int], list[float], frozenset[int] | None]:
        """The postings read (ids, and weights unless ``weights`` is false), and the
        documents they must still be narrowed to (None: all of them count)."""
        ids: list[int] = []
        tfs: list[float] = []
        reader = segment.reader
        size = self.size(segment)
        if not size:  # not in this segment
            return ids, tfs, None
        m = raw_matcher(reader.postings(self.fieldname, self.text))
        if within is None:
            stretches: Sequence[tuple[int, int]] = EVERYTHING
        elif within.seek(size, reader.doc_count_all()):
            seek_each(m, within.docs, segment, ids, tfs if weights else None)
            return ids, tfs, None
        else:
            stretches = within.stretches()
        if weights:
            read_postings(m, stretches, segment, ids, tfs)
        else:
            read_ids(m, stretches, segment, ids)
        return ids, tfs, None if within is None or within.whole else within.members

    def docs(self, segment: Segment, within: Within | None) -> set[int]:
        ids, _, members = self._postings(segment, within, weights=False)
        return set(ids) if members is None else members.intersection(ids)

    def scores(self, segment: Segment, within: Within | None) -> dict[int, float]:
        ids, tfs, members = self._postings(segment, within)
        found = self.scored(segment, ids, tfs)
        if members is not None:
            found = {d: score for d, score in found.items() if d in members}
        return found

    def scored(self, segment: Segment, ids: Sequence[int], tfs: Sequence[float],
               ) -> dict[int, float]:
        """Whoosh's score of each posting (BM25F; the weight itself for a field that is
        not scorable), times the word's boost."""
        boost = self.boost
        if not self.scorable:  # Whoosh's WeightScorer
            if boost == 1.0:
                return dict(zip(ids, tfs, strict=True))
            return {d: tf * boost for d, tf in zip(ids, tfs, strict=True)}
        weighting = segment.weighting
        lengths = weighting.lengths.of(segment.leaf, self.fieldname)
        norms = weighting.norms(segment.leaf, self.fieldname)
        idf, k1_plus = self.idf, weighting.K1 + 1
        if boost == 1.0:
            return {d: idf * ((tf * k1_plus) / (tf + norms[lengths[d]]))
                    for d, tf in zip(ids, tfs, strict=True)}
        return {d: (idf * ((tf * k1_plus) / (tf + norms[lengths[d]]))) * boost
                for d, tf in zip(ids, tfs, strict=True)}

    def positions(self, segment: Segment, docs: Sequence[int],
                  ) -> dict[int, tuple[float, list[int]]]:
        """The weight and word positions of the word in each of ``docs`` that has it."""
        reader = segment.reader
        found: dict[int, tuple[float, list[int]]] = {}
        if not self.size(segment):
            return found
        m = raw_matcher(reader.postings(self.fieldname, self.text))
        is_active, ident, weight, value, decode = m.is_active, m.id, m.weight, m.value, self.decode
        horizon = segment.horizon
        for doc in docs:
            if doc > horizon or not is_active():
                break
            if ident() < doc:
                m.skip_to(doc)
                if not is_active():
                    break
            if ident() == doc:
                found[doc] = (weight(), decode(value()))
        return found


    def all_positions(self, segment: Segment, within: Within | None,
                      ) -> dict[int, tuple[float, list[int]]]:
        """The weight and word positions of the word in every document :meth:`docs`
        gives, ascending: each wanted document sought, or the stretches that hold them
        read in one pass (as :meth:`_postings` chooses), positions decoded only for
        the wanted ones."""
        found: dict[int, tuple[float, list[int]]] = {}
        size = self.size(segment)
        if not size:
            return found
        reader = segment.reader
        if within is not None and within.seek(size, reader.doc_count_all()):
            return self.positions(segment, within.docs)
        m = raw_matcher(reader.postings(self.fieldname, self.text))
        if within is None:
            read_positions(m, EVERYTHING, segment, self.decode, found)
        else:
            read_positions(m, within.stretches(), segment, self.decode, found,
                           None if within.whole else within.members)
        return found


class Phrase:
    """Words one after the other (Whoosh's phrase with slop 1): the documents holding
    every word are found as for an AND, then each word's positions are read for those
    alone. Scored as Whoosh scores a phrase: the words' scores added (a binary tree)."""

    def __init__(self, words: list[Word], boost: float) -> None:
        self.words = words
        self.boost = boost

    def size(self, segment: Segment) -> int:
        return min(word.size(segment) for word in self.words)

    def scores(self, segment: Segment, within: Within | None) -> dict[int, float]:
        rarest = min(self.words, key=lambda word: word.size(segment))
        known = rarest.all_positions(segment, within)
        candidates = list(known)
        read: list[dict[int, tuple[float, list[int]]]] = []
        for word in self.words:
            if not candidates:
                return {}
            found = known if word is rarest else word.all_positions(segment,
                                                                    Within(candidates))
            read.append(found)
            candidates = [d for d in candidates if d in found]
        matched = []
        for doc in candidates:
            starts = set(read[0][doc][1])
            for offset, found in enumerate(read[1:], 1):
                following = set(found[doc][1])
                starts = {p for p in starts if p + offset in following}
                if not starts:
                    break
            else:
                matched.append(doc)
        parts = [word.scored(segment, matched, [found[d][0] for d in matched])
                 for word, found in zip(self.words, read, strict=True)]
        scores = {d: _tree_sum([part[d] for part in parts]) for d in matched}
        if self.boost != 1.0:
            scores = {d: score * self.boost for d, score in scores.items()}
        return scores

    def docs(self, segment: Segment, within: Within | None) -> set[int]:
        return set(self.scores(segment, within))


def _tree_sum(values: list[float]) -> float:
    """A sum added up as Whoosh's binary tree of matchers adds it (first half, second half)."""
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        return values[0] + values[1]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])
