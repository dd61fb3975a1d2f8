"""Approximate dense search (``qa index --ann``): exact at full probe, kept by save/load, checked on load."""

from __future__ import annotations

import hashlib

import h5py
import numpy as np
import pytest

pytest.importorskip("faiss")

from mstool.schemas.qa import EncoderIdentity, RetrievalSettings  # noqa: E402
from mstool.toolkit.errors import InputError  # noqa: E402
from mstool.toolkit.qa import PathRetriever, build_index, load_index, read_corpus  # noqa: E402
from mstool.toolkit.qa.ann import build_ann, default_lists  # noqa: E402
from mstool.toolkit.qa.text import terms  # noqa: E402
from tests.conftest import run_cli  # noqa: E402
from tests.qa.conftest import BUNDLED  # noqa: E402


class HashedWords:
    """A deterministic stand-in encoder: the normalised sum of one random vector per term."""

    identity = EncoderIdentity(name="hashed-words", sha256="0", dim=16, max_length=64)

    def encode(self, texts, advance=None):
        out = np.zeros((len(texts), 16), np.float32)
        for row, text in enumerate(texts):
            for term in terms(text):
                seed = int.from_bytes(hashlib.sha256(term.encode()).digest()[:4], "little")
                out[row] += np.random.default_rng(seed).normal(size=16)
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out


def _unit(rng, n, dim):
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_full_probe_equals_exact_search():
    rng = np.random.default_rng(0)
    vectors, queries = _unit(rng, 2000, 24), _unit(rng, 20, 24)
    ann = build_ann(vectors)
    assert ann.lists == default_lists(2000) > 1
    ids, scores = ann.search(queries, k=10, probe=ann.lists)
    exact = vectors @ queries.T
    want = np.argsort(-exact, axis=0, kind="stable")[:10].T
    np.testing.assert_array_equal(ids, want)
    np.testing.assert_allclose(scores, np.take_along_axis(exact.T, want, axis=1), rtol=1e-5)


def test_one_probe_searches_fewer_lists_and_misses_some():
    rng = np.random.default_rng(1)
    vectors, queries = _unit(rng, 2000, 24), _unit(rng, 40, 24)
    ann = build_ann(vectors)
    ids, _ = ann.search(queries, k=10, probe=1)
    want = np.argsort(-(vectors @ queries.T), axis=0)[:10].T
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, want, strict=True)])
    assert 0.0 < recall < 1.0  # random vectors: one list of 44 holds only part of the true top 10


def test_retrieval_with_ann_equals_exact_on_a_small_corpus(tmp_path):
    paragraphs = read_corpus(BUNDLED / "corpus.jsonl")
    exact_index = build_index(paragraphs, HashedWords())
    ann_index = build_index(paragraphs, HashedWords())
    ann_index.ann = build_ann(ann_index.embeddings)
    settings = RetrievalSettings(ann_probe=ann_index.ann.lists, ann_candidates=len(paragraphs))
    exact = PathRetriever(exact_index, HashedWords(), settings)
    approx = PathRetriever(ann_index, HashedWords(), settings)
    for question in ["In which city was the creator of Python born?",
                     "Where is the company that developed Fortran headquartered?"]:
        got, want = approx.retrieve(question), exact.retrieve(question)
        assert [p.paragraphs for p in got] == [p.paragraphs for p in want]
        np.testing.assert_allclose([p.score for p in got], [p.score for p in want], rtol=1e-6)
        np.testing.assert_allclose(approx.first_hop_scores(question)[2], exact.first_hop_scores(question)[2],
                                   rtol=1e-5, atol=1e-6)


def test_ann_kept_through_save_and_load_and_checked(tmp_path):
    index = build_index(read_corpus(BUNDLED / "corpus.jsonl"), HashedWords())
    index.ann = build_ann(index.embeddings)
    path = tmp_path / "i.h5"
    index.save(path)
    loaded = load_index(path)
    np.testing.assert_array_equal(loaded.ann.assignment, index.ann.assignment)
    query = index.embeddings[3]
    got, want = loaded.ann.search(query, 5, loaded.ann.lists), index.ann.search(query, 5, 1)
    assert got[0].tolist() == want[0].tolist()
    with h5py.File(path, "r+") as h5:
        h5["dense/ann/assignment"][0] = 7
    with pytest.raises(InputError, match="dense/ann/assignment holds ids outside"):
        load_index(path)


def test_cli_index_with_ann(tmp_path, tiny_encoder_path):
    lines = (BUNDLED / "corpus.jsonl").read_text().splitlines()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:12]) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[12:]) + "\n")
    out = tmp_path / "i.h5"
    built = run_cli("qa", "index", tmp_path / "a.jsonl", "-o", out, "--encoder", tiny_encoder_path,
                    "--ann", "--json")
    assert built.exit_code == 0, built.stderr
    assert built.json()["ann_lists"] == 1 and load_index(out).ann.assignment.shape == (12,)
    # an index built with --ann keeps it when paragraphs are added
    grown = run_cli("qa", "index", tmp_path / "b.jsonl", "-o", out, "--append",
                    "--encoder", tiny_encoder_path, "--json")
    assert grown.exit_code == 0, grown.stderr
    assert load_index(out).ann.assignment.shape == (len(lines),)
    ask = run_cli("qa", "ask", "Where is the company that developed Fortran headquartered?", "--index", out,
                  "--encoder", tiny_encoder_path, "--json")
    assert ask.exit_code == 0, ask.stderr
    assert ask.json()["paths"][0]["hops"]
