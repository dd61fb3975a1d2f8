"""Official HotpotQA metrics on hand-worked cases, and the ONNX reader against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.qa.metrics import (
    answer_em,
    answer_f1,
    best_answer_scores,
    joint_scores,
    normalize_answer,
    supporting_fact_scores,
)
from mstool.toolkit.qa.reader import OnnxReader, best_span_indices
from tests.qa.conftest import write_tiny_reader


def test_normalisation_and_answer_scores():
    assert normalize_answer("An  Apple, the pie.") == "apple pie"
    assert answer_em("The Beatles!", "beatles") == 1.0
    f1, p, r = answer_f1("the red big dog", "big red cat")  # tokens: red big dog / big red cat
    assert (p, r) == (pytest.approx(2 / 3), pytest.approx(2 / 3)) and f1 == pytest.approx(2 / 3)
    assert answer_f1("yes", "no")[0] == 0.0
    assert answer_f1("yes sir", "yes")[0] == 0.0  # yes/no must match exactly
    assert answer_f1("no", "no")[0] == 1.0
    assert best_answer_scores("NYC", ["New York City", "NYC"])[:2] == (1.0, 1.0)


def test_supporting_and_joint():
    em, f1, p, r = supporting_fact_scores([("A", 0), ("A", 1), ("B", 2)], [("A", 0), ("B", 2), ("B", 3)])
    assert (em, p, r) == (0.0, pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert f1 == pytest.approx(2 / 3)
    assert supporting_fact_scores([], [("A", 0)]) == (0.0, 0.0, 0.0, 0.0)
    answer = (0.0, 0.5, 0.5, 0.5)
    sp = (0.0, 2 / 3, 2 / 3, 2 / 3)
    jem, jf1 = joint_scores(answer, sp)
    jp = jr = 0.5 * 2 / 3
    assert jem == 0.0 and jf1 == pytest.approx(2 * jp * jr / (jp + jr))


def test_best_span_brute_force():
    rng = np.random.default_rng(0)
    start, end = rng.normal(size=20), rng.normal(size=20)
    allowed = rng.random(20) > 0.3
    s, e, score = best_span_indices(start, end, allowed, 4)
    brute = max((start[i] + end[j], i, j) for i in range(20) for j in range(i, min(i + 4, 20))
                if allowed[i] and allowed[j])
    assert (s, e) == (brute[1], brute[2]) and score == pytest.approx(brute[0])


def test_onnx_reader_matches_numpy(tmp_path):
    start_table, end_table = write_tiny_reader(tmp_path / "reader.onnx")
    reader = OnnxReader(tmp_path / "reader.onnx", max_answer_tokens=5)
    question = "Where was John Backus born?"
    contexts = ["He was born in Philadelphia and studied at Columbia.", "Backus received the Turing Award."]
    best_text, best_score = None, -np.inf
    for context in contexts:
        enc = reader.tokenizer.encode(question, context)
        ids = np.array(enc.ids)
        allowed = np.array([sid == 1 for sid in enc.sequence_ids])
        for i in np.flatnonzero(allowed):
            for j in np.flatnonzero(allowed):
                if i <= j < i + 5:
                    score = float(start_table[ids[i]]) + float(end_table[ids[j]])
                    if score > best_score:
                        best_score = score
                        best_text = context[enc.offsets[i][0]:enc.offsets[j][1]]
    text, score = reader.best_span(question, contexts)
    assert text == best_text and score == pytest.approx(best_score, rel=1e-5)
    assert text and text in " ".join(contexts)
