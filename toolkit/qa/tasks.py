"""QA work split into tasks for the engine (:mod:`mstool.toolkit.workers`): paragraph batches
to encode for ``qa index``, question batches to answer for ``qa eval``.

A task names the files its worker loads (once per worker process) and carries its texts, so
the results are those of the in-process run: the same encoder batches, the same answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from mstool.toolkit.qa.encoder import BATCH_SIZE, Encoder
from mstool.toolkit.workers import EngineSpec, map_tasks, worker_cached

BATCHES_PER_TASK = 64  # 256 paragraphs: seconds of encoding against milliseconds of task overhead
QUESTIONS_PER_TASK = 8


def _worker_threads() -> int | None:
    """Threads for a worker's onnxruntime session: the engine's share of the cores per process
    (it sets NUMBA_NUM_THREADS for its local workers); None (all cores) elsewhere."""
    share = os.environ.get("NUMBA_NUM_THREADS", "")
    return int(share) if share.isdigit() and int(share) > 0 else None


def _fingerprint(path: str | None) -> tuple:
    if path is None:
        return ()
    stat = Path(path).stat()
    return (stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class EncoderSource:
    """The encoder files a worker loads itself (None: the defaults), and their sizes and times."""

    model_path: str | None = None
    tokenizer_path: str | None = None
    max_length: int = 128
    fingerprint: tuple = ()

    @classmethod
    def of(cls, model_path: str | Path | None, tokenizer_path: str | Path | None,
           max_length: int = 128) -> EncoderSource:
        """The source for these files (paths made absolute: workers may start elsewhere).

        >>> EncoderSource.of(None, None)
        EncoderSource(model_path=None, tokenizer_path=None, max_length=128, fingerprint=((), ()))
        """
        model = str(Path(model_path).resolve()) if model_path else None
        tokenizer = str(Path(tokenizer_path).resolve()) if tokenizer_path else None
        return cls(model, tokenizer, max_length, (_fingerprint(model), _fingerprint(tokenizer)))

    def load(self) -> Encoder:
        return Encoder(self.model_path, self.tokenizer_path, self.max_length, threads=_worker_threads())


def _encode_texts(batches: list[list[str]], source: Encoder | EncoderSource) -> list[np.ndarray]:
    encoder = source if isinstance(source, Encoder) else worker_cached(("qa-encoder", source), source.load)
    return [encoder.encode_batch(texts) for texts in batches]


class TaskEncoder:
    """An encoder whose :meth:`encode` runs its batches as tasks on ``engine``; it stands in for
    :class:`Encoder` in :func:`~mstool.toolkit.qa.index.build_index` and ``append_paragraphs``.

    >>> from mstool.toolkit.qa.index import build_index   # doctest: +SKIP
    >>> enc = TaskEncoder(Encoder(), EncoderSource.of(None, None), EngineSpec(None, 2))  # doctest: +SKIP
    >>> build_index(paragraphs, enc).embeddings.shape      # doctest: +SKIP
    (1000, 384)
    """

    def __init__(self, encoder: Encoder, source: EncoderSource, engine: EngineSpec,
                 batches_per_task: int = BATCHES_PER_TASK) -> None:
        self.encoder, self.source, self.engine = encoder, source, engine
        self.batches_per_task = batches_per_task

    @property
    def identity(self):  # noqa: ANN201 - the encoder's EncoderIdentity
        return self.encoder.identity

    def check_matches(self, stored: Any, where: str) -> None:
        self.encoder.check_matches(stored, where)

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE,
               advance: Callable[[int], None] | None = None) -> np.ndarray:
        """The vectors :meth:`Encoder.encode` gives, bit for bit (the same batches, elsewhere)."""
        if not texts:
            return self.encoder.encode(texts)
        plan = self.encoder.plan_batches(texts, batch_size)
        groups = [plan[i:i + self.batches_per_task] for i in range(0, len(plan), self.batches_per_task)]
        tasks = [[[texts[row] for row in rows] for rows in group] for group in groups]
        source = self.encoder if self.engine.in_process else self.source
        per_task = len(texts) / len(tasks)
        progress = (lambda n: advance(n * per_task)) if advance else None
        results = map_tasks(partial(_encode_texts, source=source), tasks, engine=self.engine,
                            description="qa index", progress=progress)
        vectors = np.zeros((len(texts), results[0][0].shape[1]), dtype=np.float32)
        for group, group_vectors in zip(groups, results, strict=True):
            for rows, batch_vectors in zip(group, group_vectors, strict=True):
                vectors[rows] = batch_vectors
        return vectors


@dataclass(frozen=True)
class SystemSource:
    """What a worker loads to answer questions: the index file, encoder, reader and settings."""

    index_path: str
    encoder: EncoderSource
    settings_json: str
    reader_path: str | None = None
    reader_options: tuple[tuple[str, Any], ...] = ()
    fingerprint: tuple = ()

    @classmethod
    def of(cls, index_path: str | Path, encoder: EncoderSource, settings: Any, reader_path: str | Path | None,
           reader_options: dict[str, Any] | None = None) -> SystemSource:
        index = str(Path(index_path).resolve())
        reader = str(Path(reader_path).resolve()) if reader_path else None
        options = tuple(sorted((reader_options or {}).items()))
        return cls(index, encoder, settings.model_dump_json(), reader, options,
                   (_fingerprint(index), _fingerprint(reader)))

    def load(self, encoder: Encoder) -> Any:
        """The :class:`~mstool.toolkit.qa.pipeline.QASystem` the client built, rebuilt here."""
        from mstool.schemas.qa import QARecipe
        from mstool.toolkit.qa.index import load_index
        from mstool.toolkit.qa.pipeline import QASystem
        from mstool.toolkit.qa.reader import OnnxReader

        reader = None
        if self.reader_path is not None:
            reader = OnnxReader(self.reader_path, self.encoder.tokenizer_path, **dict(self.reader_options))
        settings = QARecipe.model_validate_json(self.settings_json)
        return QASystem(load_index(self.index_path), encoder, settings, reader)


def _answer_questions(questions: list, source: Any) -> list[dict[str, Any]]:
    from mstool.toolkit.qa.evaluate import score_question, titles_to_ids

    system = source
    if isinstance(source, SystemSource):
        # one at a time: worker_cached holds its lock while it builds
        encoder = worker_cached(("qa-encoder", source.encoder), source.encoder.load)
        system = worker_cached(("qa-system", source), partial(source.load, encoder))
    by_title = titles_to_ids(system.index.titles)
    return [score_question(system, question, by_title) for question in questions]


def answer_on(engine: EngineSpec, system: Any, source: SystemSource | None, questions: list,
              advance: Callable[[float], None] | None = None, shared_path: str | Path | None = None,
              questions_per_task: int = QUESTIONS_PER_TASK) -> list[dict[str, Any]]:
    """Per-question rows (as :func:`~mstool.toolkit.qa.evaluate.score_question` gives them), in
    order: with ``system`` in-process, else on workers that load ``source`` (``shared_path``: a
    folder they must see, checked first)."""
    if not questions:
        return []
    tasks = [questions[i:i + questions_per_task] for i in range(0, len(questions), questions_per_task)]
    per_task = len(questions) / len(tasks)
    results = map_tasks(partial(_answer_questions, source=system if engine.in_process else source), tasks,
                        engine=engine, description="qa eval", shared_path=shared_path,
                        progress=(lambda n: advance(n * per_task)) if advance else None)
    return [row for rows in results for row in rows]
