"""``mstool convert MODEL.onnx -o out/``: a readable Keras model.py plus weights, verified
against onnxruntime."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mstool.cli.options import JsonOption, OverwriteOption, SeedOption, SetOption, apply_local_json
from mstool.cli.output import emit
from mstool.toolkit.extras import require_extra

if TYPE_CHECKING:
    from mstool.toolkit.convert.report import ConversionReport, OnnxExportReport


def _render(report: dict[str, Any], console: Console) -> None:
    status = report["status"]
    colour = {"ok": "green", "unconverted": "red", "mismatch": "red"}[status]
    # Names and paths come from the model and the user: printed as text, never as markup.
    console.print(f"[bold]{escape(report['source'])}[/bold] -> {escape(report['output'])}  "
                  f"[{colour}]{status}[/{colour}]")
    converted = sum(r["count"] for r in report["op_mapping"] if r["keras"] != "UNCONVERTED")
    console.print(f"opset {report['opset']}, {converted}/{report['nodes']} nodes converted, "
                  f"{report['conversion_seconds']:.1f} s, model.py {report.get('model_py_lines', '-')} lines")
    for dim in report["dynamic_dims"]:
        state = "kept dynamic" if dim.get("kept") else f"fixed to {dim['value']} (--input-shape)"
        console.print(escape(f"dynamic dim: {dim['input']}[{dim['axis']}] ('{dim['name']}') {state}"))
    if report["unconverted"]:
        table = Table("node", "op", "reason", title="unconverted")
        for row in report["unconverted"]:
            table.add_row(escape(row["name"]), escape(row["op_type"]), escape(row["reason"]))
        console.print(table)
    verification = report.get("verification")
    if verification:
        table = Table("output", "case", "shape", "max abs error", "max rel error", "passed",
                      title=f"verification vs onnxruntime ({escape(verification['inputs'])})")
        for row in verification["outputs"]:
            table.add_row(escape(row["name"]), row.get("case", "exported"), str(row["shape"]),
                          _number(row["max_abs_error"]), _number(row["max_rel_error"]),
                          "yes" if row["passed"] else "[red]NO[/red]")
        console.print(table)


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def convert_command(
    model: Annotated[Path, typer.Argument(
        help="An .onnx model (external data next to it is found); a TensorFlow frozen graph .pb or "
             "SavedModel folder; with --to onnx, a Keras .keras/.h5 model or a convert output folder; "
             "or a convert recipe .yaml.")],
    to: Annotated[str, typer.Option("--to", help="Target: keras (from ONNX/TensorFlow) or onnx (from Keras).",
                                    case_sensitive=False)] = "keras",
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Output folder (default: <model>-keras).")] = None,
    input_shape: Annotated[list[str] | None, typer.Option(
        "--input-shape", help="Pin an input's shape: NAME=D1,D2,... (repeatable); without it dynamic dims "
                              "stay dynamic.")] = None,
    keep_layout: Annotated[bool, typer.Option(
        "--keep-layout", help="Keep the ONNX channels-first layout inside the Keras model.")] = False,
    verify: Annotated[bool, typer.Option("--verify/--no-verify",
                                         help="Compare with onnxruntime on the same inputs.")] = True,
    inputs: Annotated[Path | None, typer.Option(
        "--inputs", help="An .npz of inputs for verification (keys NAME or in_NAME).")] = None,
    atol: Annotated[float, typer.Option("--atol", help="Absolute tolerance of the verification.")] = 1e-4,
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance of the verification.")] = 1e-3,
    output_format: Annotated[str, typer.Option(
        "--format", help="py: model.py + model.weights.h5; keras: also model.keras, one plain-Keras file "
                         "that keras.saving.load_model reads without mstool.", case_sensitive=False)] = "py",
    seed: SeedOption = None,
    trust_model: Annotated[bool, typer.Option(
        "--trust-model", help="Allow a TensorFlow .pb/SavedModel input: its graph is a program that "
                              "can run arbitrary ops (file writes), so only for models you trust.")] = False,
    overwrite: OverwriteOption = False,
    set_: SetOption = None,
    json_output: JsonOption = False,
) -> None:
    """Convert an ONNX (or TensorFlow) model to a readable Keras 3 model.py plus weights, verified.

    Writes model.py (build_model()), model.weights.h5, report.md and report.json (and
    model.keras with --format keras). Dynamic dims (batch, sequence) stay dynamic; the
    result is checked against onnxruntime at the exported shape and at a second one. Exits 1
    when a node cannot be converted or the outputs differ beyond --atol/--rtol. With
    --to onnx, exports a Keras model or a convert output folder to model.onnx (tf2onnx);
    a folder is checked against its original ONNX model (round trip).

    Example: mstool convert resnet50.onnx -o resnet50-keras --json
    """
    require_extra("convert", "mstool convert")
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from mstool.toolkit.errors import InputError

    apply_local_json(json_output)
    if model.suffix.lower() in (".yaml", ".yml"):
        return _run_recipe(model, set_ or [], trust_model)
    if set_:
        raise InputError("--set needs a recipe .yaml as the model argument")
    target = to.lower()
    if target not in ("keras", "onnx"):
        raise InputError(f"--to must be keras or onnx, not '{to}'")
    if output_format.lower() not in ("py", "keras"):
        raise InputError(f"--format must be py or keras, not '{output_format}'")
    out_dir = output or Path(f"{model.stem}-{target}")
    report = _run(model, target, out_dir, input_shape, keep_layout, verify, inputs, seed or 0, atol, rtol,
                  overwrite, trust_model, output_format.lower() == "keras")
    _finish(report, out_dir, atol, rtol)


def _run_recipe(path: Path, overrides: list[str], trust_model: bool) -> None:
    from mstool.schemas.convert import ConvertRecipe
    from mstool.toolkit.io import load_recipe, resolve_path

    recipe = load_recipe(path, ConvertRecipe, overrides)
    model = resolve_path(recipe.model, path)
    out_dir = resolve_path(recipe.output, path) if recipe.output else Path(f"{model.stem}-{recipe.to}")
    check = recipe.verify
    inputs = resolve_path(check.inputs, path) if check.inputs else None
    report = _run(model, recipe.to, out_dir, recipe.input_shapes, recipe.keep_layout, check.enabled, inputs,
                  check.seed, check.atol, check.rtol, recipe.overwrite, trust_model)
    _finish(report, out_dir, check.atol, check.rtol)


def _finish(report: ConversionReport | OnnxExportReport, out_dir: Path, atol: float, rtol: float) -> None:
    from mstool.toolkit.errors import WorkFailed

    summary = report.to_dict()
    verification = report.verification or {}
    summary["max_abs_error"] = verification.get("max_abs_error", {})
    emit(summary, lambda console: _render(report.to_dict(), console))
    if report.status == "unconverted":
        names = ", ".join(f"{u['name']} ({u['op_type']})" for u in report.unconverted[:3])
        raise WorkFailed(f"{len(report.unconverted)} node(s) not converted: {names}; see "
                         f"{out_dir / 'report.md'}")
    if report.status == "mismatch":
        worst = max((r["max_abs_error"] or 0.0) for r in verification["outputs"])
        raise WorkFailed(f"verification failed: max abs error {worst:.3g} above atol {atol}/rtol {rtol}")


def _run(model: Path, target: str, out_dir: Path, input_shape: list[str] | None, keep_layout: bool,
         verify: bool, inputs: Path | None, seed: int, atol: float, rtol: float, overwrite: bool,
         trust_model: bool = False, keras_file: bool = False) -> ConversionReport | OnnxExportReport:
    from mstool.toolkit.convert import convert_onnx
    from mstool.toolkit.errors import InputError

    suffix = model.suffix.lower()
    if target == "onnx":
        from mstool.toolkit.convert import is_converted_folder

        if suffix not in (".keras", ".h5") and not is_converted_folder(model):
            raise InputError("--to onnx takes a Keras .keras or .h5 model or a convert output folder",
                             where=str(model))
        from mstool.toolkit.convert.tensorflow_io import keras_to_onnx

        return keras_to_onnx(model, out_dir, verify=verify, seed=seed, atol=atol, rtol=rtol,
                             overwrite=overwrite)
    if suffix in (".keras", ".h5"):
        raise InputError("already a Keras model; use --to onnx to export it", where=str(model))
    source: Any = model
    if model.is_dir() and (model / "model.py").exists():
        raise InputError("already a convert output folder; use --to onnx to export it", where=str(model))
    if suffix == ".pb" or model.is_dir():
        from mstool.toolkit.convert.output_folder import check_replaceable
        from mstool.toolkit.convert.tensorflow_io import tensorflow_to_onnx

        check_replaceable(out_dir, overwrite)  # before TensorFlow loads anything
        source = tensorflow_to_onnx(model, trusted=trust_model)
    return convert_onnx(source, out_dir, input_shapes=input_shape, keep_layout=keep_layout, verify=verify,
                        inputs_npz=str(inputs) if inputs else None, seed=seed, atol=atol, rtol=rtol,
                        overwrite=overwrite, source_label=str(model), keras_file=keras_file)


def register(app: typer.Typer) -> None:
    app.command("convert")(convert_command)
