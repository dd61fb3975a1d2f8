"""The ``qa-index`` artifact: BM25 postings, dense vectors, sentences and the mention graph.

Build it from paragraphs with :func:`build_index`, save with :meth:`QAIndex.save`,
load with :func:`load_index`; :func:`append_paragraphs` adds new paragraphs and
embeds only those.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from mstool.schemas.qa import EncoderIdentity, QAIndexMeta
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import open_artifact, write_artifact
from mstool.toolkit.qa.ann import AnnIndex
from mstool.toolkit.qa.corpus import Paragraph
from mstool.toolkit.qa.graph import TitleMatcher, build_mention_graph
from mstool.toolkit.qa.index_checks import check_ann_arrays, check_index_arrays
from mstool.toolkit.qa.kernels import bm25_idf, length_norm, postings_from_tokens
from mstool.toolkit.qa.text import terms

_STR = h5py.string_dtype(encoding="utf-8")


@dataclass
class QAIndex:
    """An index held in memory. Paragraph ``i`` has title ``titles[i]`` and sentences
    ``sentences[sent_indptr[i]:sent_indptr[i+1]]``."""

    titles: list[str]
    sentences: list[str]
    sent_indptr: np.ndarray
    vocab: list[str]
    postings_indptr: np.ndarray
    postings_doc: np.ndarray
    postings_tf: np.ndarray
    doc_len: np.ndarray
    embeddings: np.ndarray
    link_indptr: np.ndarray
    link_targets: np.ndarray
    encoder: EncoderIdentity
    k1: float = 0.9
    b: float = 0.4
    sources: list[str] = field(default_factory=list)
    links_explicit: list[list[str]] = field(default_factory=list)
    doc_ids: list[str | None] = field(default_factory=list)
    urls: list[str | None] = field(default_factory=list)
    doc_fields: list[dict] = field(default_factory=list)
    ann: AnnIndex | None = None

    def __post_init__(self) -> None:
        self.term_id = {t: i for i, t in enumerate(self.vocab)}
        self.doc_freq = np.diff(self.postings_indptr)
        self.idf = bm25_idf(self.doc_freq, len(self.titles))
        self.norm = length_norm(self.doc_len, self.b)
        self._matcher: TitleMatcher | None = None

    @property
    def size(self) -> int:
        return len(self.titles)

    @property
    def matcher(self) -> TitleMatcher:
        if self._matcher is None:
            self._matcher = TitleMatcher(self.titles)
        return self._matcher

    def paragraph_sentences(self, i: int) -> list[str]:
        return self.sentences[self.sent_indptr[i]:self.sent_indptr[i + 1]]

    def text(self, i: int) -> str:
        return " ".join(self.paragraph_sentences(i))

    def document(self, i: int) -> dict:
        """The user's identity of paragraph ``i``: id, title, URL and extra fields (None when absent)."""
        return {"id": self.doc_ids[i] if self.doc_ids else None, "title": self.titles[i],
                "url": self.urls[i] if self.urls else None,
                "fields": self.doc_fields[i] if self.doc_fields else {}}

    def paragraph(self, i: int) -> Paragraph:
        """Paragraph ``i`` as read from the corpus (sentences, links, id, URL, fields)."""
        doc = self.document(i)
        return Paragraph(self.titles[i], self.paragraph_sentences(i),
                         self.links_explicit[i] if self.links_explicit else [], doc["id"], doc["url"],
                         doc["fields"])

    def links_of(self, i: int) -> np.ndarray:
        return self.link_targets[self.link_indptr[i]:self.link_indptr[i + 1]]

    def set_bm25(self, k1: float, b: float) -> None:
        """Change k1/b for scoring (the postings do not depend on them)."""
        self.k1, self.b = float(k1), float(b)
        self.norm = length_norm(self.doc_len, self.b)

    def meta(self) -> QAIndexMeta:
        return QAIndexMeta(paragraphs=self.size, vocabulary=len(self.vocab), sentences=len(self.sentences),
                           links=int(self.link_targets.size), encoder=self.encoder, k1=self.k1, b=self.b,
                           sources=self.sources)

    def save(self, path: str | Path, overwrite: bool = True) -> None:
        """Write the index atomically as a ``qa-index`` HDF5 artifact."""
        with write_artifact(path, self.meta(), overwrite=overwrite) as art:
            h5 = art.h5
            h5.create_dataset("titles", data=np.array(self.titles, dtype=object), dtype=_STR)
            h5.create_dataset("sentences/text", data=np.array(self.sentences, dtype=object), dtype=_STR)
            h5.create_dataset("sentences/indptr", data=self.sent_indptr)
            h5.create_dataset("sentences/char_offset", data=_char_offsets(self.sentences, self.sent_indptr))
            h5.create_dataset("bm25/vocab", data=np.array(self.vocab, dtype=object), dtype=_STR)
            h5.create_dataset("bm25/indptr", data=self.postings_indptr)
            h5.create_dataset("bm25/doc", data=self.postings_doc, chunks=True)
            h5.create_dataset("bm25/tf", data=self.postings_tf, chunks=True)
            h5.create_dataset("bm25/doc_len", data=self.doc_len)
            h5.create_dataset("dense/embeddings", data=self.embeddings, chunks=True)
            if self.ann is not None:
                h5.create_dataset("dense/ann/centroids", data=self.ann.centroids)
                h5.create_dataset("dense/ann/sq_ranges", data=self.ann.sq_ranges)
                h5.create_dataset("dense/ann/assignment", data=self.ann.assignment, chunks=True)
            h5.create_dataset("graph/indptr", data=self.link_indptr)
            h5.create_dataset("graph/targets", data=self.link_targets)
            links = ["\t".join(row) for row in self.links_explicit] or [""] * self.size
            h5.create_dataset("graph/explicit_links", data=np.array(links, dtype=object), dtype=_STR)
            for name, values in (("docs/id", self.doc_ids), ("docs/url", self.urls)):
                h5.create_dataset(name, data=np.array([v or "" for v in values] or [""] * self.size,
                                                      dtype=object), dtype=_STR)
            fields = [json.dumps(f, ensure_ascii=False) if f else "" for f in self.doc_fields]
            fields = fields or [""] * self.size
            h5.create_dataset("docs/fields", data=np.array(fields, dtype=object), dtype=_STR)


def _char_offsets(sentences: list[str], indptr: np.ndarray) -> np.ndarray:
    """Start of each sentence inside its paragraph's text (sentences joined by one space).

    >>> _char_offsets(["Ab.", "C.", "Xyz."], np.array([0, 2, 3])).tolist()
    [0, 4, 0]
    """
    ends = np.cumsum(np.fromiter((len(s) + 1 for s in sentences), np.int64, len(sentences)))
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    indptr = np.asarray(indptr, dtype=np.int64)
    paragraph_start = np.append(starts, 0)[indptr[:-1]]  # an empty last paragraph points past the end
    return starts - np.repeat(paragraph_start, np.diff(indptr))


class _TermIds:
    """Term ids of paragraph texts, the vocabulary growing in order of first appearance.

    Equal to :func:`~mstool.toolkit.qa.text.terms` mapped through the vocabulary. Folding,
    tokens and stemming never reach across a space, so each space-separated piece of text is
    analysed once and remembered: at 1,000,000 paragraphs that is minutes shorter.

    >>> ids = _TermIds({})
    >>> ids("The films of Shirley Temple"), ids("Temple films"), sorted(ids.vocab, key=ids.vocab.get)
    ([0, 1, 2], [2, 0], ['film', 'shirley', 'temple'])
    """

    MAX_PIECES = 4_000_000  # forget the remembered pieces past this (a few hundred MB)

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.piece_ids: dict[str, tuple[int, ...]] = {}

    def __call__(self, text: str) -> list[int]:
        ids: list[int] = []
        known = self.piece_ids
        for piece in text.split(" "):
            found = known.get(piece)
            if found is None:
                found = tuple(self.vocab.setdefault(t, len(self.vocab)) for t in terms(piece))
                if len(known) >= self.MAX_PIECES:
                    known.clear()
                known[piece] = found
            ids.extend(found)
        return ids


def _analyse(paragraphs: list[Paragraph], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """All paragraphs' term ids in one flat int32 array, and each paragraph's offsets into it."""
    term_ids = _TermIds(vocab)
    tokens = array("i")
    lengths = np.zeros(len(paragraphs), dtype=np.int64)
    for d, para in enumerate(paragraphs):
        ids = term_ids(para.title + " " + para.text)
        tokens.extend(ids)
        lengths[d] = len(ids)
    doc_indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return np.frombuffer(tokens, dtype=np.int32), doc_indptr


def build_index(paragraphs: list[Paragraph], encoder, k1: float = 0.9, b: float = 0.4,
                advance: Callable[[int], None] | None = None, sources: list[str] | None = None,
                previous: QAIndex | None = None) -> QAIndex:
    """Index paragraphs (after ``previous``'s, whose embeddings are reused).

    >>> from mstool.toolkit.qa.corpus import Paragraph
    >>> class Fake:  # any object with identity and encode()
    ...     identity = EncoderIdentity(name="f", sha256="0", dim=2, max_length=8)
    ...     def encode(self, texts, advance=None): return np.ones((len(texts), 2), np.float32)
    >>> paras = [Paragraph("Paris", ["Paris is in France."]), Paragraph("France", ["A state."])]
    >>> idx = build_index(paras, Fake())
    >>> idx.size, idx.links_of(0).tolist()
    (2, [1])
    """
    if not paragraphs and previous is None:
        raise InputError("corpus is empty: no paragraphs to index")
    old = previous
    kept = [old.paragraph(i) for i in range(old.size)] if old else []
    all_paras = kept + list(paragraphs)
    vocab: dict[str, int] = {}
    tokens, doc_indptr = _analyse(all_paras, vocab)
    indptr, docs, tfs = postings_from_tokens(tokens, doc_indptr, len(vocab))
    new_vectors = encoder.encode([p.title + ". " + p.text for p in paragraphs], advance=advance)
    embeddings = np.vstack([old.embeddings, new_vectors]) if old else new_vectors
    explicit = [p.links for p in all_paras]
    titles = [p.title for p in all_paras]
    link_indptr, link_targets = build_mention_graph(titles, [p.text for p in all_paras], explicit)
    sent_counts = [len(p.sentences) for p in all_paras]
    return QAIndex(
        titles=titles, sentences=[s for p in all_paras for s in p.sentences],
        sent_indptr=np.concatenate([[0], np.cumsum(sent_counts)]).astype(np.int64),
        vocab=sorted(vocab, key=vocab.get), postings_indptr=indptr, postings_doc=docs, postings_tf=tfs,
        doc_len=np.diff(doc_indptr).astype(np.int32),
        embeddings=embeddings.astype(np.float32, copy=False),
        link_indptr=link_indptr, link_targets=link_targets, encoder=encoder.identity, k1=k1, b=b,
        sources=(old.sources if old else []) + list(sources or []), links_explicit=explicit,
        doc_ids=[p.doc_id for p in all_paras], urls=[p.url for p in all_paras],
        doc_fields=[p.fields for p in all_paras])


def _strings(ds) -> list[str]:
    return [s.decode() if isinstance(s, bytes) else str(s) for s in ds[()]]


def _documents(h5, size: int) -> dict:
    """Ids, URLs and fields of an index (indexes written before they were kept have none)."""
    if "docs" not in h5:
        return {"doc_ids": [None] * size, "urls": [None] * size, "doc_fields": [{}] * size}
    return {"doc_ids": [v or None for v in _strings(h5["docs/id"])],
            "urls": [v or None for v in _strings(h5["docs/url"])],
            "doc_fields": [json.loads(v) if v else {} for v in _strings(h5["docs/fields"])]}


def _ann_arrays(h5) -> dict:
    """The approximate-search arrays of an index built with ``--ann`` (empty when it has none)."""
    if "dense/ann" not in h5:
        return {}
    return {name: h5[f"dense/ann/{name}"][()] for name in ("centroids", "sq_ranges", "assignment")}


def load_index(path: str | Path) -> QAIndex:
    """Read a ``qa-index`` artifact written by :meth:`QAIndex.save`."""
    with open_artifact(path, kind="qa-index") as (h5, info):
        meta: QAIndexMeta = info.meta
        try:
            explicit = [s.split("\t") if s else [] for s in _strings(h5["graph/explicit_links"])]
            docs = _documents(h5, len(explicit))
            arrays = dict(
                titles=_strings(h5["titles"]), sentences=_strings(h5["sentences/text"]),
                sent_indptr=h5["sentences/indptr"][()], vocab=_strings(h5["bm25/vocab"]),
                postings_indptr=h5["bm25/indptr"][()], postings_doc=h5["bm25/doc"][()],
                postings_tf=h5["bm25/tf"][()], doc_len=h5["bm25/doc_len"][()],
                embeddings=h5["dense/embeddings"][()], link_indptr=h5["graph/indptr"][()],
                link_targets=h5["graph/targets"][()], links_explicit=explicit, **docs)
            ann = _ann_arrays(h5)
            check_index_arrays(arrays, str(path))
            if ann:
                check_ann_arrays(ann, arrays["embeddings"], str(path))
                ann = AnnIndex(arrays["embeddings"], **ann)
            return QAIndex(encoder=meta.encoder, k1=meta.k1, b=meta.b, sources=list(meta.sources),
                           ann=ann or None, **arrays)
        except KeyError as err:
            raise InputError(f"qa-index is missing dataset ({err})", where=str(path)) from err
        except (ValueError, TypeError, AttributeError) as err:  # undecodable strings or fields
            raise InputError(f"qa-index holds a malformed value ({err})", where=str(path)) from err


def append_paragraphs(index: QAIndex, paragraphs: list[Paragraph], encoder,
                      advance: Callable[[int], None] | None = None, source: str | None = None) -> QAIndex:
    """A new index with ``paragraphs`` added (ones already present by title and text are skipped).

    A new paragraph whose document id is already in the index raises :class:`InputError`.
    """
    encoder.check_matches(index.encoder, where="--append")
    present = {(t, index.text(i)) for i, t in enumerate(index.titles)}
    fresh = [p for p in paragraphs if (p.title, p.text) not in present]
    taken = {d for d in index.doc_ids if d is not None}
    for para in fresh:
        if para.doc_id in taken:
            raise InputError(f"duplicate document id '{para.doc_id}' (already in the index)",
                             where=source or "--append")
    return build_index(fresh, encoder, index.k1, index.b, advance=advance,
                       sources=[source] if source else [], previous=index)
