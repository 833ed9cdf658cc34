"""BM25F, as Whoosh scores it, from each segment's field lengths read in one go.

Whoosh's BM25F scorer asks the reader for a document's field length at every
posting, through five calls and a file read; for a word in most documents that was
nearly half of a search. Here each segment's length bytes of a field (one byte a
document, Whoosh's own rounding) are read once per searcher as one block of bytes, and
a field's 256 possible length terms of the formula are worked out once, with the very
operations Whoosh's ``bm25()`` does, so every score is bit for bit Whoosh's.

The lengths are Whoosh's per-document length column (codec ``W3``): the column file
is read whole through the segment's storage, and a sample of documents is checked
against ``doc_field_length`` before it is trusted; any other layout falls back to one
``doc_field_length`` call per document (slow, once per searcher, but right).
"""

from __future__ import annotations

from whoosh import scoring
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length, length_to_byte

# Documents compared with doc_field_length before a length column read whole is used.
_CHECKED = 24


def _length_column_name(fieldname: str) -> str:
    """Whoosh 2.7's name for a field's length column (``whoosh.codec.whoosh3``)."""
    return f"_{fieldname}_len"


def _read_whole_column(reader: IndexReader, fieldname: str) -> bytes | None:
    """A W3 segment's length bytes of ``fieldname`` as one read, or None when the
    segment is not laid out that way (the caller then asks document by document)."""
    count = reader.doc_count_all()
    try:
        if not isinstance(reader.codec(), W3Codec):
            return None
        storage = reader.storage()
        name = W3Codec.column_filename(reader.segment(), _length_column_name(fieldname))
        if not storage.file_exists(name):
            return bytes(count)  # no document has the field
        size = storage.file_length(name)
        if size > count:
            return None
        handle = storage.open_file(name)
        try:
            data = handle.read(size)
        finally:
            handle.close()
    except Exception:  # noqa: BLE001 - any surprise: use the documented per-document calls
        return None
    if len(data) != size:
        return None
    return data + bytes(count - size)  # documents after the last written one have no length


def _length_byte(reader: IndexReader, docnum: int, fieldname: str) -> int:
    return length_to_byte(reader.doc_field_length(docnum, fieldname, 0) or 0)


def segment_length_bytes(reader: IndexReader, fieldname: str) -> bytes:
    """Every document's length byte of ``fieldname`` in one segment's reader."""
    count = reader.doc_count_all()
    data = _read_whole_column(reader, fieldname)
    if data is not None and len(data) == count:
        step = max(1, count // _CHECKED)
        sample = {*range(0, count, step), count - 1} if count else set()
        if all(data[d] == _length_byte(reader, d, fieldname) for d in sample):
            return data
    return bytes(_length_byte(reader, d, fieldname) for d in range(count))


class FieldLengths:
    """One top searcher's length bytes, per leaf segment and field, read at first use."""

    def __init__(self) -> None:
        self._bytes: dict[tuple[int, str], bytes] = {}

    def of(self, leaf: Searcher, fieldname: str) -> bytes:
        key = (id(leaf), fieldname)
        found = self._bytes.get(key)
        if found is None:
            found = self._bytes[key] = segment_length_bytes(leaf.reader(), fieldname)
        return found

    def read_all(self, searcher: Searcher, fieldnames: list[str]) -> None:
        """Read every segment's lengths of ``fieldnames`` now (see ``prepare``)."""
        for leaf, _ in searcher.leaf_searchers():
            for name in fieldnames:
                self.of(leaf, name)


def length_norms(searcher: Searcher, fieldname: str, B: float, K1: float) -> tuple[float, ...]:  # noqa: N803
    """``K1 * ((1 - B) + B * fl / avgfl)`` for each of the 256 length bytes: the
    length half of Whoosh's ``bm25()``, computed as it computes it."""
    avgfl = searcher.get_parent().avg_field_length(fieldname) or 1
    return tuple(K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256))


class _ArrayScorer(scoring.BaseScorer):
    """BM25 of one term in one segment, its document lengths taken from bytes."""

    def __init__(self, searcher: Searcher, fieldname: str, text: bytes, lengths: bytes,
                 norms: tuple[float, ...], K1: float) -> None:  # noqa: N803 - BM25's names
        self.idf = searcher.get_parent().idf(fieldname, text)
        self.lengths = lengths
        self.norms = norms
        self.k1_plus = K1 + 1
        info = searcher.term_info(fieldname, text)
        self._max = self._score(info.max_weight(), length_to_byte(info.min_length()))

    def _score(self, tf: float, length_byte: int) -> float:
        return self.idf * ((tf * self.k1_plus) / (tf + self.norms[length_byte]))

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self._max

    def score(self, matcher) -> float:  # type: ignore[no-untyped-def]
        tf = matcher.weight()
        return self.idf * ((tf * self.k1_plus) / (tf + self.norms[self.lengths[matcher.id()]]))


class ArrayBM25F(scoring.BM25F):
    """Whoosh's BM25F, every scorable field scored from per-segment length bytes."""

    def __init__(self, B: float = 0.75, K1: float = 1.2) -> None:  # noqa: N803
        super().__init__(B=B, K1=K1)
        self.lengths = FieldLengths()
        self._norms: dict[str, tuple[float, ...]] = {}

    def field_B(self, fieldname: str) -> float:  # noqa: N802 - BM25's name
        return self._field_B.get(fieldname, self.B)

    def norms(self, searcher: Searcher, fieldname: str) -> tuple[float, ...]:
        """The field's length terms; the top searcher's statistics, so made once."""
        found = self._norms.get(fieldname)
        if found is None:
            found = self._norms[fieldname] = length_norms(
                searcher, fieldname, self.field_B(fieldname), self.K1)
        return found

    def scorer(self, searcher, fieldname, text, qf=1):  # type: ignore[no-untyped-def]
        if searcher.schema[fieldname].scorable and qf == 1:
            return _ArrayScorer(searcher, fieldname, text, self.lengths.of(searcher, fieldname),
                                self.norms(searcher, fieldname), self.K1)
        return super().scorer(searcher, fieldname, text, qf=qf)
