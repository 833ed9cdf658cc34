"""The second step of a search: the facets (the topics of its best matches, counted)
and the snippets of the hits after the first screen.

The first step (:func:`tui.search.run_search`) lists the hits a person reads first;
this step is what a results page can fill in after they are on screen: reading the
ids of up to :data:`tui.search.FACET_SAMPLE` further matches and every one's topics
took as long as ranking a rare word.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from whoosh.searching import Searcher

from tui.search import SearchResults, TextLookup, TopicLookup
from tui.search_tools import tools
from tui.snippets import FirstWord, Segments

# What cuts a snippet: a text, the words it marks, where the first may start.
Cutter = Callable[[str, frozenset[str], FirstWord | None], Segments]

# Topics a search's facets name at most.
FACETS_SHOWN = 20


def count_facets(ids: list[str], topics_by_id: dict[str, list[str]],
                 ) -> tuple[tuple[str, int], ...]:
    """How many of ``ids`` have each topic (topics that differ only in case are one,
    named as first seen), most frequent first, at most :data:`FACETS_SHOWN`."""
    counts: dict[str, tuple[str, int]] = {}
    for doc_id in ids:
        for topic in topics_by_id.get(doc_id, ()):
            key = topic.casefold()
            name, n = counts.get(key, (topic, 0))
            counts[key] = (name, n + 1)
    ranked = sorted(counts.values(), key=lambda item: (-item[1], item[0].casefold()))
    return tuple(ranked[:FACETS_SHOWN])


def complete(searcher: Searcher, results: SearchResults, texts: TextLookup,
             topics: TopicLookup) -> SearchResults:
    """``results`` of a first step made whole: every hit's topics and snippet, and the
    facets. ``searcher`` must be the one the first step searched
    (``results.second_step.searcher``): the sample is its document numbers."""
    if results.second_step is None:
        return results
    return completed(results, sample_ids(searcher, results), texts, topics,
                     tools(searcher).snippets.cut)


def sample_ids(searcher: Searcher, results: SearchResults) -> list[str]:
    """The ids whose topics the facets count: the listed hits' and the sample's. The one
    part of the second step that needs the searcher (the sample is its document
    numbers), so a caller that shares the searcher holds it only for this."""
    step = results.second_step
    if step is None:
        return [hit.id for hit in results.hits]
    if step.searcher is not searcher:
        raise ValueError("the second step of a search needs the first step's searcher")
    found = tools(searcher)
    return [hit.id for hit in results.hits] + [found.doc_id(searcher, docnum)
                                               for docnum in step.sample]


def completed(results: SearchResults, ids: list[str], texts: TextLookup,
              topics: TopicLookup, cut: Cutter) -> SearchResults:
    """The rest of the second step, from the catalog and ``cut`` alone: the topics of
    ``ids`` (:func:`sample_ids`) counted, and the snippets after the first screen."""
    step = results.second_step
    if step is None:
        return results
    started = time.perf_counter()
    topics_by_id = topics(ids)
    rest = [hit.id for hit in results.hits[step.snipped:]]
    bodies = texts(rest) if rest else {}
    hits = tuple(dataclasses.replace(
        hit, topics=tuple(topics_by_id.get(hit.id, ())),
        snippet=hit.snippet if number < step.snipped else cut(
            bodies.get(hit.id, ""), step.words, step.first_word),
    ) for number, hit in enumerate(results.hits))
    return dataclasses.replace(
        results, hits=hits, facets=count_facets(ids, topics_by_id), second_step=None,
        elapsed=results.elapsed + time.perf_counter() - started)
