"""Text of the generated ``model.py``: literals, calls wrapped to ruff's line length, the file itself."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import numpy as np

from mstool.toolkit.convert.safe_code import docstring_text, string_literal

MAX_LINE = 110
# Keras builds a functional model recursively, a few Python calls per layer: deeper graphs
# than this many statements raise the recursion limit (in model.py too).
DEEP_GRAPH_STATEMENTS = 200


def recursion_limit(statements: int) -> int | None:
    """The recursion limit a model of ``statements`` lines needs, None when the default will do.

    >>> recursion_limit(10), recursion_limit(20000)
    (None, 210000)
    """
    return None if statements < DEEP_GRAPH_STATEMENTS else 10 * statements + 10_000


def _scalar(value: Any, dtype: np.dtype) -> str:
    if dtype == np.bool_:
        return "True" if bool(value) else "False"
    if np.issubdtype(dtype, np.floating):
        value = float(value)
        if np.isnan(value):
            return 'float("nan")'
        if np.isinf(value):
            return 'float("inf")' if value > 0 else '-float("inf")'
        return str(np.float32(value)) if dtype == np.float32 else repr(value)
    return str(int(value))


def _nested(value: np.ndarray) -> str:
    if value.ndim == 0:
        return _scalar(value, value.dtype)
    return "[" + ", ".join(_nested(v) for v in value) + "]"


def literal(value: np.ndarray) -> str:
    """A Python expression for a small constant: a bare number for float32/int64 scalars.

    >>> literal(np.array(0.5, np.float32)), literal(np.array([1, 2], np.int64))
    ('0.5', 'keras.ops.convert_to_tensor([1, 2], "int64")')
    """
    value = np.asarray(value)
    if value.ndim == 0 and value.dtype in (np.float32, np.int64):
        return _scalar(value, value.dtype)
    return f"keras.ops.convert_to_tensor({_nested(value)}, {string_literal(str(value.dtype))})"


def py(value: Any) -> str:
    """Source text of a keyword value (strings quoted by :func:`string_literal`).

    >>> print(py("same"), py((1, 2)), py('a"b'))
    "same" (1, 2) 'a"b'

    """
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, float):
        return _scalar(value, np.dtype(np.float64))
    if isinstance(value, list | tuple):
        items = ", ".join(py(v) for v in value)
        return f"({items},)" if isinstance(value, tuple) and len(value) == 1 else (
            f"({items})" if isinstance(value, tuple) else f"[{items}]")
    return repr(value)


def format_call(func: str, kwargs: dict[str, Any], arg: str | None = None, indent: int = 4,
                args: list[str] | None = None) -> str:
    """``func(args, k=v, ...)(arg)`` on one line, or one argument per line when too long.

    >>> format_call("keras.layers.Dense", {"units": 4}, "x")
    'keras.layers.Dense(units=4)(x)'
    """
    parts = list(args or []) + [f"{k}={py(v)}" for k, v in kwargs.items()]
    tail = f"({arg})" if arg is not None else ""
    one_line = f"{func}({', '.join(parts)}){tail}"
    if len(one_line) + indent <= MAX_LINE:
        return one_line
    joined = ", ".join(parts)
    if len(joined) + 8 <= MAX_LINE:
        return f"{func}(\n    {joined}\n){tail}"
    inner = "\n".join(f"    {p}," for p in parts)
    return f"{func}(\n{inner}\n){tail}"


def _split_top_level(text: str) -> list[str]:
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def wrap_statement(code: str, indent: int = 4) -> str:
    """Break ``target = f(a, b, ...)`` over lines when it is wider than ruff's limit.

    >>> wrap_statement("y = keras.ops.add(" + "x, " * 30 + "x)").splitlines()[0]
    'y = keras.ops.add('
    """
    if "\n" in code or len(code) + indent <= MAX_LINE or not code.endswith(")"):
        return code
    opening = code.find("(")
    depth = 0
    for position in range(opening, len(code)):
        depth += {"(": 1, ")": -1}.get(code[position], 0)
        if depth == 0:
            break
    if position != len(code) - 1:
        return code
    args = _split_top_level(code[opening + 1:-1])
    joined = ", ".join(args)
    if len(joined) + indent + 4 <= MAX_LINE:
        return f"{code[:opening + 1]}\n    {joined}\n)"
    return code[:opening + 1] + "\n" + "\n".join(f"    {a}," for a in args) + "\n)"


def drop_unused(lines: list[str], keep: list[str]) -> list[str]:
    """Statements without those whose target nothing later reads (a node whose value only fed a
    shape computation that was folded away).

    >>> drop_unused(["a = f(x)", "b = g(x)", "c = h(a)"], ["c"])
    ['a = f(x)', 'c = h(a)']
    """
    used = set(keep)
    kept = []
    for code in reversed(lines):
        statement = "\n".join(ln for ln in code.splitlines() if not ln.lstrip().startswith("#"))
        target, _, value = statement.partition(" = ")
        names = [t.strip() for t in target.split(",")]
        if value and all(n.isidentifier() for n in names) and not any(n in used for n in names if n):
            continue
        used.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value or statement))
        kept.append(code)
    return kept[::-1]


def model_source(lines: list[str], inputs: list[str], outputs: list[str], source: str, opset: int,
                 layout_note: str) -> str:
    """The whole ``model.py`` text around the converted statements; ``source`` and ``layout_note``
    are escaped for the docstring, ``inputs``/``outputs`` must be identifiers."""
    if not all(name.isidentifier() for name in [*inputs, *outputs]):
        raise ValueError("model inputs and outputs must be identifiers")
    source, layout_note = docstring_text(source), docstring_text(layout_note)
    limit = recursion_limit(len(lines))
    imports = "import keras" if limit is None else (
        "import sys\n\nimport keras\n\n"
        "# A deep graph: Keras builds the model recursively, a few calls per layer.\n"
        f"sys.setrecursionlimit(max(sys.getrecursionlimit(), {limit}))")
    date = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = drop_unused(lines, [*inputs, *outputs])
    body = "\n".join("    " + ln if ln else "" for code in lines for ln in code.splitlines())
    out_list = outputs[0] if len(outputs) == 1 else "[" + ", ".join(outputs) + "]"
    in_list = inputs[0] if len(inputs) == 1 else "[" + ", ".join(inputs) + "]"
    statement = wrap_statement(f"return keras.Model(inputs={in_list}, outputs={out_list})")
    returned = "\n".join("    " + line for line in statement.splitlines())
    return f'''"""Keras 3 model converted from an ONNX graph.

Source: {source}
ONNX opset: {opset}
Converted: {date}
Layout: {layout_note}

Usage:
    import model
    net = model.build_model()
    net.load_weights("model.weights.h5")
"""

{imports}


def build_model():
    """The functional Keras model; load ``model.weights.h5`` into it for the trained values."""
{body}
{returned}
'''
