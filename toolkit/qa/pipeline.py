"""Question answering end to end: retrieve paths, answer from the best, report the chain.

:class:`QASystem` ties an index, its encoder, the recipe and an optional reader;
:meth:`QASystem.ask` returns a JSON-able result with the answer and reasoning chain.
"""

from __future__ import annotations

from typing import Any

from mstool.schemas.qa import QARecipe
from mstool.toolkit.qa.answer import Answer, extract_answer
from mstool.toolkit.qa.index import QAIndex
from mstool.toolkit.qa.retrieve import PathRetriever, ReasoningPath


class QASystem:
    """Answer questions over one index.

    >>> system = QASystem(index, encoder)                    # doctest: +SKIP
    >>> system.ask("Who directed Jaws?")["answer"]           # doctest: +SKIP
    'Steven Spielberg'
    """

    def __init__(self, index: QAIndex, encoder, recipe: QARecipe | None = None, reader=None) -> None:
        self.recipe = recipe or QARecipe()
        encoder.check_matches(index.encoder, where="index")
        index.set_bm25(self.recipe.bm25.k1, self.recipe.bm25.b)
        self.index = index
        self.retriever = PathRetriever(index, encoder, self.recipe.retrieval)
        self.reader = reader

    def answer_paths(self, question: str) -> tuple[list[ReasoningPath], Answer]:
        """Ranked paths and the answer drawn from the best one."""
        paths = self.retriever.retrieve(question)
        answer = extract_answer(self.index, paths[0].paragraphs, question, self.recipe.answer, self.reader,
                                self.retriever.encoder, [p.paragraphs for p in paths[1:]])
        return paths, answer

    def ask(self, question: str, show_paths: int = 3) -> dict[str, Any]:
        """The answer, its type, supporting facts and the top reasoning paths."""
        paths, answer = self.answer_paths(question)
        return result_dict(self.index, question, paths[:show_paths], answer)


def _path_dict(index: QAIndex, rank: int, path: ReasoningPath, answer: Answer | None) -> dict[str, Any]:
    support = {}
    if answer is not None:
        for s in answer.supporting:
            support.setdefault(s.paragraph, []).append({"sentence": s.index, "text": s.text,
                                                         "score": round(s.score, 4)})
    hops = [{"hop": h + 1, "paragraph": p, **index.document(p), "probability": round(prob, 4),
             "supporting": sorted(support.get(p, []), key=lambda s: s["sentence"])}
            for h, (p, prob) in enumerate(zip(path.paragraphs, path.hop_probs, strict=True))]
    return {"rank": rank, "score": round(path.score, 4),
            "features": {k: round(v, 4) for k, v in path.features.items()}, "hops": hops}


def result_dict(index: QAIndex, question: str, paths: list[ReasoningPath], answer: Answer) -> dict[str, Any]:
    """The JSON document ``mstool qa ask --json`` prints."""
    return {
        "question": question,
        "answer": answer.text,
        "question_type": answer.qtype.kind,
        "answer_type": answer.qtype.answer_type,
        "answer_label": answer.qtype.label,
        "method": answer.method,
        "supporting_facts": [[s.title, s.index] for s in answer.supporting],
        "paths": [_path_dict(index, r + 1, p, answer if r == 0 else None) for r, p in enumerate(paths)],
    }
