"""``qa index`` and ``qa eval`` on the Dask engine give the in-process index and scores exactly."""

from __future__ import annotations

import json
import sys

import h5py
import numpy as np
import pytest

from tests.conftest import run_cli
from tests.qa.conftest import BUNDLED

distributed = pytest.importorskip("distributed")

TIMINGS = ("seconds", "questions_per_second", "paragraphs_per_second", "report")


@pytest.fixture(scope="module")
def two_processes():
    """One local cluster of 2 worker processes for the module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _datasets(path) -> dict[str, object]:
    """Every dataset of an HDF5 file: array bytes, or the strings of a string dataset."""
    found = {}

    def keep(name, obj):
        if isinstance(obj, h5py.Dataset):
            values = obj[()]
            found[name] = values.tolist() if values.dtype == object else (values.dtype.str, values.tobytes())

    with h5py.File(path, "r") as h5:
        h5.visititems(keep)
    return found


def test_index_batches_on_workers_are_bit_identical(minilm, two_processes):
    """The workers run the in-process batches (a vector may depend on its batch)."""
    from mstool.toolkit.qa import build_index, read_corpus
    from mstool.toolkit.qa.tasks import EncoderSource, TaskEncoder
    from mstool.toolkit.workers import EngineSpec

    paragraphs = read_corpus(BUNDLED / "corpus.jsonl")
    local = build_index(paragraphs, minilm)
    seen = []
    spread_encoder = TaskEncoder(minilm, EncoderSource.of(None, None), EngineSpec(scheduler=two_processes),
                                 batches_per_task=2)
    spread = build_index(paragraphs, spread_encoder, advance=seen.append)
    assert local.embeddings.tobytes() == spread.embeddings.tobytes()
    assert local.embeddings.shape == (len(paragraphs), 384) and np.isfinite(local.embeddings).all()
    assert sum(seen) == pytest.approx(len(paragraphs))  # the bar counts paragraphs
    with distributed.Client(two_processes) as client:  # the encoding ran on the workers
        cached = client.run(lambda: [str(key[0]) for key in sys.modules["mstool.toolkit.workers"]._CACHE])
    assert any("qa-encoder" in keys for keys in cached.values()), cached


def test_index_command_on_workers_writes_the_same_artifact(tmp_path, tiny_encoder_path, two_processes):
    args = ["qa", "index", BUNDLED / "corpus.jsonl", "--encoder", tiny_encoder_path, "--json"]
    local = run_cli(*args, "-o", tmp_path / "a.h5")
    spread = run_cli(*args, "-o", tmp_path / "b.h5", "--scheduler", two_processes)
    assert local.exit_code == 0 and spread.exit_code == 0, spread.stderr
    assert _datasets(tmp_path / "a.h5") == _datasets(tmp_path / "b.h5")
    assert spread.json()["paragraphs"] == 22


def _eval(tmp_path, name, *args):
    result = run_cli("qa", "eval", BUNDLED / "questions.jsonl", "-o", tmp_path / name, "--json", *args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads((tmp_path / name).read_text())
    return {k: v for k, v in doc["summary"].items() if k not in TIMINGS}, doc["questions"]


def test_eval_question_batches_on_workers_score_the_same(tmp_path, bundled_index_file, two_processes):
    local = _eval(tmp_path, "a.json", "--index", bundled_index_file)
    spread = _eval(tmp_path, "b.json", "--index", bundled_index_file, "--scheduler", two_processes)
    assert local == spread
    assert local[0]["questions"] == 10 and local[0]["path_em_at_1"] >= 90


def test_eval_pooled_index_reaches_the_workers(tmp_path, tiny_encoder_path, two_processes):
    """Without --index the pooled index is saved beside the report for the workers, then removed."""
    local = _eval(tmp_path, "a.json", "--encoder", tiny_encoder_path, "--limit", "9")
    spread = _eval(tmp_path, "b.json", "--encoder", tiny_encoder_path, "--limit", "9",
                   "--scheduler", two_processes)
    assert local == spread and local[0]["questions"] == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
