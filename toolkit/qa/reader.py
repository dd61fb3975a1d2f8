"""A user's extractive reader: a SQuAD-style ONNX model giving start and end logits per token.

The question and each context are encoded as a WordPiece pair; the best span
maximises start + end logit over context tokens, no longer than ``max_answer_tokens``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qa.encoder import load_tokenizer


def best_span_indices(start: np.ndarray, end: np.ndarray, allowed: np.ndarray, max_len: int
                      ) -> tuple[int, int, float]:
    """(start, end, score) of the best span with start <= end < start + max_len inside ``allowed``.

    >>> best_span_indices(np.array([0., 5, 1]), np.array([0., 1, 4]), np.array([False, True, True]), 3)
    (1, 2, 9.0)
    """
    best = (-1, -1, -np.inf)
    positions = np.flatnonzero(allowed)
    for s in positions:
        window = positions[(positions >= s) & (positions < s + max_len)]
        if window.size == 0:
            continue
        e = window[np.argmax(end[window])]
        score = float(start[s] + end[e])
        if score > best[2]:
            best = (int(s), int(e), score)
    return best


# Inputs a SQuAD-style extractive model exported from transformers takes (the first is required).
READER_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxReader:
    """Run an ONNX extractive QA model (inputs input_ids [, attention_mask, token_type_ids])."""

    def __init__(self, model_path: str | Path, tokenizer_path: str | Path | None = None,
                 max_length: int = 384, max_answer_tokens: int = 12) -> None:
        import onnxruntime as ort

        path = Path(model_path)
        if not path.is_file():
            raise InputError("no such reader model file", where=str(path))
        try:
            self.session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own exception types
            reason = str(err).splitlines()[0]
            raise InputError(f"cannot load ONNX reader ({reason})", where=str(path)) from err
        outputs = [o.name for o in self.session.get_outputs()]
        if len(outputs) < 2:
            raise InputError("reader must output start and end logits", where=str(path))
        self.start_name = next((o for o in outputs if "start" in o), outputs[0])
        self.end_name = next((o for o in outputs if "end" in o), outputs[1])
        self.input_names = {i.name for i in self.session.get_inputs()}
        unknown = sorted(self.input_names - set(READER_INPUTS))
        if "input_ids" not in self.input_names or unknown:
            raise InputError(f"reader inputs {sorted(self.input_names)} are not SQuAD-style: expected "
                             f"input_ids [, attention_mask, token_type_ids]", where=str(path))
        self.tokenizer = load_tokenizer(tokenizer_path)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length, strategy="only_second")
        self.max_answer_tokens = max_answer_tokens

    def logits(self, question: str, context: str):
        """Token encoding of (question, context) and the model's start/end logits."""
        enc = self.tokenizer.encode(question, context)
        ids = np.array([enc.ids], dtype=np.int64)
        feeds = {"input_ids": ids}
        if "attention_mask" in self.input_names:
            feeds["attention_mask"] = np.ones_like(ids)
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.array([enc.type_ids], dtype=np.int64)
        start, end = self.session.run([self.start_name, self.end_name], feeds)
        start = np.asarray(start, dtype=np.float64).reshape(-1)
        return enc, start, np.asarray(end, dtype=np.float64).reshape(-1)

    def best_span(self, question: str, contexts: list[str]) -> tuple[str, float]:
        """The highest-scoring span over all contexts and its score."""
        best = ("", -np.inf)
        for context in contexts:
            enc, start, end = self.logits(question, context)
            allowed = np.array([sid == 1 for sid in enc.sequence_ids])
            s, e, score = best_span_indices(start, end, allowed, self.max_answer_tokens)
            if s >= 0 and score > best[1]:
                best = (context[enc.offsets[s][0]:enc.offsets[e][1]], score)
        return best
