"""A damaged or crafted qa-index is refused at load, before any kernel indexes its arrays."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.schemas.qa import EncoderIdentity
from mstool.toolkit.errors import InputError
from mstool.toolkit.qa.corpus import Paragraph
from mstool.toolkit.qa.index import build_index, load_index


class OnesEncoder:
    """A stand-in encoder: every text maps to the same unit vector."""

    identity = EncoderIdentity(name="ones", sha256="0", dim=2, max_length=8)

    def encode(self, texts, advance=None):
        return np.ones((len(texts), 2), np.float32) / np.sqrt(2)


@pytest.fixture
def saved_index(tmp_path):
    paragraphs = [Paragraph("Paris", ["Paris is in France."]), Paragraph("France", ["A state in Europe."]),
                  Paragraph("Europe", ["A continent with France in it."])]
    index = build_index(paragraphs, OnesEncoder())
    path = tmp_path / "index.h5"
    index.save(path)
    return path


def test_an_intact_index_loads(saved_index):
    assert load_index(saved_index).size == 3


@pytest.mark.parametrize(("dataset", "value", "message"), [
    ("bm25/doc", lambda a: np.full_like(a, 9_000_000), "bm25/doc holds ids outside"),
    ("bm25/doc", lambda a: np.full_like(a, -1), "bm25/doc holds ids outside"),
    ("bm25/indptr", lambda a: a[::-1].copy(), "bm25/indptr must rise"),
    ("sentences/indptr", lambda a: a + 5, "sentences/indptr must rise"),
    ("graph/indptr", lambda a: a[:-1].copy(), "graph/indptr must rise"),
    ("bm25/doc_len", lambda a: np.full(a.shape, np.nan), "bm25/doc_len must be finite"),
    ("dense/embeddings", lambda a: a[:1].copy(), "dense/embeddings must be finite numbers of shape"),
])
def test_inconsistent_arrays_are_one_line_input_errors(saved_index, dataset, value, message):
    with h5py.File(saved_index, "r+") as h5:
        data = value(h5[dataset][()])
        del h5[dataset]
        h5.create_dataset(dataset, data=data)
    with pytest.raises(InputError, match=message) as err:
        load_index(saved_index)
    assert err.value.where == str(saved_index) and "\n" not in err.value.render()
