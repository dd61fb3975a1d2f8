"""``mstool qsim``: run circuits, expectation values and gradients, VQE, QAOA and QNN training."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mstool.cli.options import (
    DeviceOption,
    JsonOption,
    OutputOption,
    OverwriteOption,
    ProcessesOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    apply_local_json,
)
from mstool.cli.output import emit, key_value_table, log
from mstool.toolkit.extras import require_extra

qsim_app = typer.Typer(
    help="Quantum circuit simulation and quantum machine learning.\n\n"
         "Example: mstool qsim run recipes/data/qsim/ghz3.qasm --shots 1000 --json",
    no_args_is_help=True)

CircuitArg = Annotated[Path, typer.Argument(help="OpenQASM 2.0 (or 3) circuit file.")]
IncludeDirOption = Annotated[list[Path] | None, typer.Option(
    "--include-dir", help="A folder QASM 'include' may read from besides the circuit's own (repeatable).")]
NOISE_MODELS = ("depolarizing", "bit_flip", "phase_flip", "amplitude_damping", "phase_damping")
DtypeOption = Annotated[str, typer.Option("--dtype", help="complex128 (default) or complex64.")]
MAX_PROBABILITY_QUBITS = 16


def load_circuit(path: Path, include_dirs: list[Path] | None = None):
    """Parse a QASM file, showing the parser's warnings (e.g. no version line) on stderr."""
    import warnings

    from mstool.cli.output import warn
    from mstool.toolkit.qsim.qasm import QasmWarning, load_qasm

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", QasmWarning)
        circ = load_qasm(path, include_dirs=include_dirs or ())
    for item in caught:
        if issubclass(item.category, QasmWarning):
            warn(str(item.message))
    return circ


def parse_noise(text: str):
    """``name:probability`` -> a channel of toolkit/qsim/noise.py (one of NOISE_MODELS)."""
    from mstool.toolkit.errors import InputError
    from mstool.toolkit.qsim import noise

    name, _, value = text.partition(":")
    name = name.strip().replace("-", "_")
    if name not in NOISE_MODELS:
        raise InputError(f"--noise: unknown model {name!r}; one of {', '.join(NOISE_MODELS)}")
    try:
        p = float(value)
    except ValueError:
        raise InputError(f"--noise expects model:probability (e.g. depolarizing:0.01), got {text!r}") \
            from None
    if not 0.0 <= p <= 1.0:
        raise InputError(f"--noise probability must be in [0, 1], got {value}")
    return getattr(noise, name)(p)


def _summary_renderer(summary: dict, title: str):
    def render(console) -> None:
        console.print(key_value_table({k: v for k, v in summary.items() if not isinstance(v, list | dict)},
                                      title=title))
        if "counts" in summary:
            top = sorted(summary["counts"].items(), key=lambda kv: -kv[1])[:16]
            console.print(key_value_table(dict(top), title="counts (top 16)"))

    return render


@qsim_app.command("run")
def run_command(
    circuit: CircuitArg,
    shots: Annotated[int, typer.Option("--shots", min=0, help="Samples to draw (0: none).")] = 0,
    statevector: Annotated[Path | None, typer.Option("--statevector", help="Write the final state "
                                                     "vector (qsim-result artifact).")] = None,
    output: OutputOption = None,
    seed: SeedOption = None,
    dtype: DtypeOption = "complex128",
    device: DeviceOption = "cpu",
    noise: Annotated[str | None, typer.Option(
        "--noise", help="Noise after every gate on each qubit it touches, as model:probability; models: "
        + ", ".join(NOISE_MODELS) + " (runs shot by shot).")] = None,
    include_dir: IncludeDirOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """Simulate a QASM circuit: probabilities before the final measurements, and counts.

    Example: mstool qsim run recipes/data/qsim/ghz3.qasm --shots 1000 --noise depolarizing:0.01 --json
    """
    from mstool.toolkit.qsim.execution import run_circuit

    apply_local_json(json_output)
    if statevector is not None or output is not None:  # h5py and the artifact code load only to write
        from mstool.toolkit.io import check_writable

        for path in (statevector, output):
            if path is not None:
                check_writable(path, overwrite=overwrite)
    channel = parse_noise(noise) if noise else None
    circ = load_circuit(circuit, include_dir)
    if channel is not None:
        from mstool.toolkit.qsim.noise import with_noise

        circ = with_noise(circ, channel)
    result = run_circuit(circ, shots=shots, seed=seed, dtype=dtype, device=device)
    summary: dict = {"circuit": str(circuit), "n_qubits": result.n_qubits, "n_clbits": result.n_clbits,
                     "shots": shots if not result.shot_by_shot else sum(result.counts.values()),
                     "shot_by_shot": result.shot_by_shot}
    if noise:
        summary["noise"] = noise
    probs = result.probabilities()
    if probs is not None and result.n_qubits <= MAX_PROBABILITY_QUBITS:
        summary["probabilities"] = probs.tolist()
    if result.counts:
        summary["counts"] = dict(sorted(result.counts.items()))
    if statevector is not None or output is not None:
        _write_run_files(result, summary, circuit, seed, output, statevector, overwrite)
    emit(summary, _summary_renderer(summary, f"qsim run {circuit.name}"))


def _write_run_files(result, summary: dict, circuit: Path, seed: int | None, output: Path | None,
                     statevector: Path | None, overwrite: bool) -> None:
    """The qsim-result artifacts of ``qsim run`` (``-o`` and ``--statevector``), named in ``summary``."""
    import numpy as np

    from mstool.schemas.qsim import QsimResultMeta
    from mstool.toolkit.qsim.results import counts_arrays, write_result

    meta = QsimResultMeta(command="run", source=str(circuit), n_qubits=result.n_qubits,
                          shots=summary["shots"], seed=seed)
    arrays = {"probabilities": result.probabilities(),
              **(counts_arrays(result.counts) if result.counts else {})}
    if output is not None:
        write_result(output, meta, arrays, overwrite=overwrite)
        summary["output"] = str(output)
    if statevector is not None:
        if result.state is None:
            from mstool.toolkit.errors import InputError

            raise InputError("this circuit is sampled shot by shot (mid-circuit measurement, reset or if) "
                             "and has no single state vector", where=str(circuit))
        write_result(statevector, meta, {**arrays, "statevector": np.asarray(result.state)},
                     overwrite=overwrite)
        summary["statevector"] = str(statevector)


def _parse_params(items: list[str] | None) -> dict[str, float]:
    from mstool.toolkit.errors import InputError

    values = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise InputError(f"--param expects name=number, got {item!r}")
    return values


@qsim_app.command("expect")
def expect_command(
    circuit: CircuitArg,
    hamiltonian: Annotated[Path, typer.Option("--hamiltonian", "-H", help="Pauli-sum file "
                                              "(OpenFermion text or '0.5 Z0 Z1 + 0.2 X0').")],
    grad: Annotated[bool, typer.Option("--grad", help="Also the adjoint gradient.")] = False,
    param: Annotated[list[str] | None, typer.Option("--param", help="Symbol value name=number "
                                                    "(QASM 3 inputs; repeatable).")] = None,
    include_dir: IncludeDirOption = None,
    device: DeviceOption = "cpu",
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """<H> in the state a circuit prepares, with the gradient by the adjoint method.

    Without symbols, the gradient is with respect to every numeric gate parameter (named opK_J:
    operation K, parameter J).

    Example: mstool qsim expect recipes/data/qsim/ansatz.qasm -H recipes/data/qsim/h2.txt --grad --json
    """
    from mstool.schemas.qsim import QsimResultMeta
    from mstool.toolkit.io import check_writable
    from mstool.toolkit.qsim.algorithms import expectation_of_file
    from mstool.toolkit.qsim.results import write_result

    apply_local_json(json_output)
    if output is not None:
        check_writable(output, overwrite=overwrite)
    circ = load_circuit(circuit, include_dir)
    result = expectation_of_file(circ, hamiltonian, _parse_params(param), grad, source=str(circuit),
                                 device=device)
    summary = {"circuit": str(circuit), "hamiltonian": str(hamiltonian), "n_qubits": result.n_qubits,
               "energy": result.energy}
    if grad:
        summary["gradient"] = dict(zip(result.names, result.gradient.tolist(), strict=True))
    if output is not None:
        meta = QsimResultMeta(command="expect", source=str(circuit), n_qubits=result.n_qubits,
                              energy=result.energy, parameter_names=result.names if grad else [])
        write_result(output, meta, {"gradient": result.gradient if grad else None}, overwrite=overwrite)
        summary["output"] = str(output)
    emit(summary, _summary_renderer({k: v for k, v in summary.items() if k != "gradient"},
                                    f"qsim expect {circuit.name}"))


@qsim_app.command("vqe")
def vqe_command(
    recipe: Annotated[Path, typer.Argument(help="A qsim.vqe recipe (YAML).")],
    set_: SetOption = None,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """Variational quantum eigensolver: ground-state energy of a Pauli-sum Hamiltonian.

    Example: mstool qsim vqe recipes/vqe_h2.yaml --json
    """
    from mstool.schemas.qsim import VqeRecipe
    from mstool.toolkit.io import check_writable, load_recipe, resolve_path
    from mstool.toolkit.qsim.algorithms import run_vqe
    from mstool.toolkit.qsim.observables import PauliSum

    apply_local_json(json_output)
    require_extra("qsim-opt", "mstool qsim vqe (its optimisers)")
    cfg = load_recipe(recipe, VqeRecipe, set_)
    if output is not None:
        check_writable(output, overwrite=overwrite)
    hamiltonian = PauliSum.load(resolve_path(cfg.hamiltonian, recipe))
    log(f"VQE: {hamiltonian.n_qubits} qubits, {len(hamiltonian)} terms, {cfg.ansatz} ansatz")
    opt = cfg.optimizer
    result = run_vqe(hamiltonian, cfg.n_electrons, cfg.ansatz, cfg.layers, opt.method, opt.maxiter, opt.tol,
                     cfg.restarts, cfg.initial_scale, cfg.seed)
    summary = {"recipe": str(recipe), "n_qubits": result.n_qubits, "terms": len(hamiltonian),
               "ansatz": cfg.ansatz, "parameters": len(result.names), "energy": result.energy,
               "evaluations": result.evaluations, "converged": result.converged}
    if cfg.reference_energy is not None:
        summary["reference_energy"] = cfg.reference_energy
        summary["error"] = result.energy - cfg.reference_energy
    _save_recipe_result(output, overwrite, "vqe", recipe, summary,
                        {"energies": result.history, "parameters": result.parameters},
                        n_qubits=result.n_qubits, seed=cfg.seed, energy=result.energy,
                        parameter_names=result.names)
    emit(summary, _summary_renderer(summary, "qsim vqe"))


def _save_recipe_result(output: Path | None, overwrite: bool, command: str, recipe: Path,
                        summary: dict, arrays: dict, **meta_fields) -> None:
    """Write a recipe command's ``qsim-result`` artifact and record its path in the summary."""
    if output is None:
        return
    from mstool.schemas.qsim import QsimResultMeta
    from mstool.toolkit.qsim.results import write_result

    meta = QsimResultMeta(command=command, source=str(recipe),
                          summary={k: v for k, v in summary.items() if k != "recipe"}, **meta_fields)
    write_result(output, meta, arrays, overwrite=overwrite)
    summary["output"] = str(output)


@qsim_app.command("qaoa")
def qaoa_command(
    recipe: Annotated[Path, typer.Argument(help="A qsim.qaoa recipe (YAML).")],
    set_: SetOption = None,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """QAOA for MaxCut on a graph given as an edge list; reports the approximation ratio.

    Example: mstool qsim qaoa recipes/qaoa_maxcut.yaml --json
    """
    from mstool.schemas.qsim import QaoaRecipe
    from mstool.toolkit.io import check_writable, load_recipe, resolve_path
    from mstool.toolkit.qsim.algorithms import read_edges, run_qaoa

    apply_local_json(json_output)
    require_extra("qsim-opt", "mstool qsim qaoa (its optimisers)")
    cfg = load_recipe(recipe, QaoaRecipe, set_)
    if output is not None:
        check_writable(output, overwrite=overwrite)
    edges_file = resolve_path(cfg.edges_file, recipe) if cfg.edges_file else None
    edges = read_edges(cfg.edges, edges_file)
    opt = cfg.optimizer
    result = run_qaoa(edges, cfg.p, opt.method, opt.maxiter, opt.tol, cfg.restarts, cfg.seed, cfg.shots)
    summary = {"recipe": str(recipe), "n_qubits": result.n_qubits, "edges": len(edges), "p": cfg.p,
               "expected_cut": result.expected_cut, "max_cut": result.max_cut,
               "approximation_ratio": result.approximation_ratio,
               "optimal_cut_probability": result.best_bitstring_probability}
    for key in ("sampled_best_cut", "sampled_best_bitstring"):
        if getattr(result, key) is not None:
            summary[key] = getattr(result, key)
    _save_recipe_result(output, overwrite, "qaoa", recipe, summary,
                        {"expected_cut": result.history, "parameters": result.parameters,
                         "probabilities": result.probabilities},
                        n_qubits=result.n_qubits, shots=cfg.shots, seed=cfg.seed,
                        parameter_names=result.names)
    emit(summary, _summary_renderer(summary, "qsim qaoa"))


@qsim_app.command("sweep")
def sweep_command(
    recipe: Annotated[Path, typer.Argument(help="A qsim.sweep recipe (YAML).")],
    set_: SetOption = None,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    scheduler: SchedulerOption = None,
    processes: ProcessesOption = None,
    json_output: JsonOption = False,
) -> None:
    """<H> and its gradient over a grid or list of parameter sets (or a QAOA landscape), as tasks.

    Example: mstool qsim sweep recipes/qaoa_landscape.yaml -o landscape.h5 --processes 2 --json
    """
    from mstool.cli.output import progress_bar
    from mstool.schemas.qsim import SweepRecipe
    from mstool.toolkit.io import check_writable, load_recipe
    from mstool.toolkit.qsim.sweep import parameter_table, problem_from_recipe, run_sweep
    from mstool.toolkit.workers import engine_from_options

    apply_local_json(json_output)
    cfg = load_recipe(recipe, SweepRecipe, set_)
    engine = engine_from_options(scheduler, processes)
    if output is not None:
        check_writable(output, overwrite=overwrite)
    problem, defaults = problem_from_recipe(cfg, recipe)
    table, swept, grid_shape = parameter_table(list(problem.names), cfg.grid, cfg.points,
                                               {**defaults, **cfg.fixed})
    with progress_bar(f"qsim sweep ({engine.describe()})", -(-len(table) // cfg.batch)) as advance:
        result = run_sweep(problem, table, swept, grid_shape, engine=engine, batch=cfg.batch,
                           progress=advance)
    best = int(result.energies.argmin())
    summary = {"recipe": str(recipe), "n_qubits": problem.circuit.n_qubits, "points": len(table),
               "swept": ", ".join(swept), "grid_shape": "x".join(map(str, grid_shape or ())) or None,
               "gradient": cfg.gradient, "min_energy": float(result.energies.min()),
               "max_energy": float(result.energies.max()),
               "argmin": dict(zip(result.names, table[best].tolist(), strict=True)),
               "engine": engine.describe()}
    arrays = {"parameters": result.values, "energies": result.energies, "gradients": result.gradients}
    if grid_shape is not None:
        from mstool.toolkit.qsim.sweep import axis_values

        arrays.update({f"grid/{name}": axis_values(cfg.grid[name]) for name in swept})
    recorded = {k: v for k, v in summary.items() if k != "argmin"}
    _save_recipe_result(output, overwrite, "sweep", recipe, recorded, arrays,
                        n_qubits=problem.circuit.n_qubits, parameter_names=result.names)
    if output is not None:
        summary["output"] = str(output)
    emit(summary, _summary_renderer(summary, "qsim sweep"))


@qsim_app.command("train")
def train_command(
    recipe: Annotated[Path, typer.Argument(help="A qsim.train recipe (YAML).")],
    set_: SetOption = None,
    data: Annotated[Path | None, typer.Option("--data", help="Your dataset instead of the recipe's toy set: "
                                              ".npz with x and y (or features and labels), or .h5 with "
                                              "datasets features and labels; labels 0/1.")] = None,
    save_model: Annotated[Path | None, typer.Option("--save-model", help="Write the trained Keras model "
                                                    "(.keras; load it after importing "
                                                    "mstool.toolkit.qsim.qnn)."
                                                    )] = None,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """Train a quantum neural network classifier (a Keras layer around a circuit).

    Example: mstool qsim train recipes/qnn_moons.yaml --data my_data.npz --save-model qnn.keras --json
    """
    require_extra("train", "mstool qsim train (the Keras QNN)")
    from mstool.schemas.qsim import QnnRecipe
    from mstool.toolkit.io import check_writable, load_recipe

    apply_local_json(json_output)
    cfg = load_recipe(recipe, QnnRecipe, set_)
    for path in (output, save_model):
        if path is not None:
            check_writable(path, overwrite=overwrite)
    if save_model is not None and save_model.suffix != ".keras":
        from mstool.toolkit.errors import InputError

        raise InputError("--save-model needs a .keras file name", where=str(save_model))
    from mstool.toolkit.qsim.qnn_data import load_dataset

    dataset = load_dataset(data) if data is not None else None
    log("loading TensorFlow")
    from mstool.toolkit.qsim.qnn import train_classifier

    d = cfg.data
    result = train_classifier(d.kind, d.samples, d.noise, d.test_fraction, cfg.n_qubits, cfg.layers,
                              cfg.epochs, cfg.batch_size, cfg.learning_rate, cfg.seed, data=dataset)
    summary = {"recipe": str(recipe), "n_qubits": cfg.n_qubits, "data": str(data) if data else d.kind,
               "train_samples": result.train_samples, "test_samples": result.test_samples,
               "epochs": cfg.epochs, "final_loss": float(result.loss[-1]),
               "train_accuracy": float(result.accuracy[-1]), "test_accuracy": result.test_accuracy}
    _save_recipe_result(output, overwrite, "train", recipe, summary,
                        {"loss": result.loss, "accuracy": result.accuracy,
                         "parameters": result.weights},
                        n_qubits=cfg.n_qubits, seed=cfg.seed)
    if save_model is not None:
        from mstool.toolkit.qsim.qnn import save_model_atomically

        save_model_atomically(result.model, save_model)
        summary["model"] = str(save_model)
    emit(summary, _summary_renderer(summary, "qsim train"))


@qsim_app.command("export")
def export_command(
    circuit: CircuitArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="The QASM file to write.")],
    version: Annotated[int, typer.Option("--version", min=2, max=3, help="OpenQASM version: 2 or 3.")] = 3,
    include_dir: IncludeDirOption = None,
    overwrite: OverwriteOption = False,
    json_output: JsonOption = False,
) -> None:
    """Rewrite a QASM circuit as OpenQASM 2.0 (qelib1.inc) or 3 (stdgates.inc), register names kept.

    Example: mstool qsim export recipes/data/qsim/ghz3.qasm -o ghz3_v3.qasm --version 3
    """
    from mstool.toolkit.io import check_writable
    from mstool.toolkit.io.atomic import atomic_write_text
    from mstool.toolkit.qsim.qasm_export import to_qasm

    apply_local_json(json_output)
    check_writable(output, overwrite=overwrite)
    circ = load_circuit(circuit, include_dir)
    text = to_qasm(circ, version)
    atomic_write_text(output, text, overwrite=overwrite)
    summary = {"circuit": str(circuit), "output": str(output), "version": version, "n_qubits": circ.n_qubits,
               "n_clbits": circ.n_clbits, "operations": len(circ.ops)}
    emit(summary, _summary_renderer(summary, f"qsim export {circuit.name}"))


def register(app: typer.Typer) -> None:
    app.add_typer(qsim_app, name="qsim")
