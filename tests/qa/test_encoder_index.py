"""Encoder pooling against numpy, index build/save/load/append, corpus readers, mention graph."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qa import Encoder, Paragraph, append_paragraphs, build_index, load_index, read_corpus
from tests.qa.conftest import BUNDLED, write_tiny_encoder


def test_tiny_encoder_is_mean_pooled_unit_vectors(tmp_path):
    table = write_tiny_encoder(tmp_path / "enc.onnx", dim=6, seed=4)
    enc = Encoder(tmp_path / "enc.onnx")
    texts = ["Paris is in France.", "a much longer sentence about the river Seine and its bridges", "x"]
    got = enc.encode(texts, batch_size=2)
    for text, row in zip(texts, got, strict=True):
        ids = enc.tokenizer.encode(text).ids
        expected = table[ids].mean(axis=0)
        np.testing.assert_allclose(row, expected / np.linalg.norm(expected), rtol=1e-5, atol=1e-6)
    assert enc.identity.dim == 6 and enc.identity.name == "enc"


def test_minilm_ranks_paraphrase_above_unrelated(minilm):
    vecs = minilm.encode(["Who wrote the novel?", "The author of the book", "A recipe for tomato soup"])
    assert vecs.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.1


def test_minilm_length_sorted_batches_equal_one_by_one(minilm):
    texts = ["Paris.", "The Seine flows through Paris and empties into the English Channel at Le Havre.",
             "A band from Manchester", "Who directed the 1994 film about a prison escape, and when?",
             "x y z", "Rivers of France: the Loire, the Seine, the Garonne and the Rhone " * 12]
    batched = minilm.encode(texts, batch_size=4)  # padded batches mixing very different lengths
    singles = np.vstack([minilm.encode([t], batch_size=1) for t in texts])
    np.testing.assert_allclose(batched, singles, atol=1e-5)
    lengths = [len(e.ids) for e in minilm.tokenizer.encode_batch(texts)]
    assert max(lengths) == minilm.max_length and min(lengths) < 8  # truncation and padding both occur


def test_index_round_trip_and_append_equal_full_build(tmp_path, tiny_encoder_path):
    enc = Encoder(tiny_encoder_path)
    paragraphs = read_corpus(BUNDLED / "corpus.jsonl")
    full = build_index(paragraphs, enc)
    full.save(tmp_path / "full.h5")
    loaded = load_index(tmp_path / "full.h5")
    assert loaded.titles == full.titles and loaded.sentences == full.sentences
    np.testing.assert_array_equal(loaded.postings_doc, full.postings_doc)
    np.testing.assert_allclose(loaded.embeddings, full.embeddings)
    half = build_index(paragraphs[:10], enc)
    grown = append_paragraphs(half, paragraphs[5:], enc)  # overlap is skipped
    assert grown.titles == full.titles
    np.testing.assert_allclose(grown.embeddings, full.embeddings, atol=1e-6)
    np.testing.assert_array_equal(grown.link_targets, full.link_targets)
    assert sorted(grown.vocab) == sorted(full.vocab)


def test_mention_graph_links_titles(tiny_encoder_path):
    index = build_index(read_corpus(BUNDLED / "corpus.jsonl"), Encoder(tiny_encoder_path))
    title = {t: i for i, t in enumerate(index.titles)}
    links = {index.titles[j] for j in index.links_of(title["Fortran"])}
    assert {"IBM", "John Backus"} <= links
    assert "Bletchley Park" in {index.titles[j] for j in index.links_of(title["Enigma machine"])}
    assert title["Fortran"] not in index.links_of(title["Fortran"])


def test_corpus_formats(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# Mount Blanc\nMount Blanc is high. It is in the Alps.\n")
    (folder / "river_seine.txt").write_text("The Seine flows through Paris.")
    got = read_corpus(folder)
    assert [p.title for p in got] == ["Mount Blanc", "river seine"]
    assert got[0].sentences == ["Mount Blanc is high.", "It is in the Alps."]
    hotpot = tmp_path / "h.json"
    hotpot.write_text(json.dumps([{"question": "q", "answer": "a",
                                   "context": [["T1", ["S one.", " S two."]], ["T2", ["Other."]]]}]))
    assert [(p.title, p.sentences) for p in read_corpus(hotpot)] == [("T1", ["S one.", "S two."]),
                                                                      ("T2", ["Other."])]
    musique = tmp_path / "m.jsonl"
    musique.write_text(json.dumps({"paragraphs": [{"title": "M", "paragraph_text": "Text here."}]}) + "\n")
    assert read_corpus(musique)[0].text == "Text here."


@pytest.mark.parametrize("content, where, message", [
    ("", "c.jsonl", "corpus is empty"),
    ('{"title": "A", "text": "ok."}\n{not json\n', "c.jsonl:2", "not JSON"),
    ('{"title": "A", "text": "ok."}\n\n{"title": "B", "text": "  "}\n', "c.jsonl:3", "has no text"),
    ('{"text": "no title"}\n', "c.jsonl:1", "no 'title'"),
])
def test_bad_corpus(tmp_path, content, where, message):
    path = tmp_path / "c.jsonl"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read_corpus(path)
    assert err.value.where.endswith(where) and message in err.value.message


def test_encoder_identity_mismatch(tmp_path, tiny_encoder_path):
    write_tiny_encoder(tmp_path / "other.onnx", seed=9)
    index = build_index([Paragraph("A", ["Alpha."])], Encoder(tiny_encoder_path))
    with pytest.raises(InputError, match="built with encoder"):
        Encoder(tmp_path / "other.onnx").check_matches(index.encoder, where="idx")
