"""Run-time code for dynamic dims: sizes read from tensors, reshapes and fills of any batch/sequence.

Keras functional graphs only replay layers and ``keras.ops`` calls, so a size that depends on
the input is never a Python number here: a symbol is read as a vector of ones along the axis
it comes from (``keras.ops.ones_like(input_ids[0, :])``), and every shape built from it is a
product, sum or cumulative sum of such vectors. Only plain Keras ops: a saved ``.keras`` loads
without mstool.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.dims import Dim, Undecidable, simplify
from mstool.toolkit.convert.safe_code import string_literal


def _cached(b: Builder, key: tuple[str, Any], hint: str, expr: str) -> str:
    if key not in b.dim_vars:
        var = b.fresh_name(hint)
        b.assign(var, expr)
        b.dim_vars[key] = var
    return b.dim_vars[key]


def _symbol_vector(b: Builder, name: str) -> str:
    """A 1-D int64 vector of ones whose length is the run-time value of symbol ``name``."""
    if name not in b.symbol_origin:
        raise Unsupported(f"the dynamic size '{name}' cannot be read from any tensor")
    var, k = b.symbol_origin[name]
    rank = len(b.namespace[var].shape)
    index = ", ".join(":" if i == k else "0" for i in range(rank))
    source = var if rank == 1 else f"{var}[{index}]"
    hint = "ones_" + "".join(c if c.isalnum() else "_" for c in name)
    return _cached(b, ("vector", name), hint, f'keras.ops.ones_like({source}, dtype="int64")')


def ones_vector(b: Builder, dim: Any) -> str:
    """A 1-D int64 vector of ones of length ``dim`` (an int or a :class:`Dim`)."""
    dim = simplify(dim)
    if isinstance(dim, int):
        return f'keras.ops.ones(({dim},), dtype="int64")'
    if ("vector", str(dim)) in b.dim_vars:
        return b.dim_vars[("vector", str(dim))]
    pieces, offset = [], 0
    for term, coeff in sorted(dim.terms.items()):
        if not term:
            offset = coeff
            continue
        if coeff < 0:
            raise Unsupported(f"the dynamic size {dim} has a negative term")
        vectors = [_symbol_vector(b, s) for s in term]
        grid = vectors[0]
        for count, other in enumerate(vectors[1:], start=1):
            shaped = f"keras.ops.reshape({other}, {(1,) * count + (-1,)})"
            grid = f"keras.ops.multiply(keras.ops.expand_dims({grid}, -1), {shaped})"
        if len(vectors) > 1:
            grid = f"keras.ops.reshape({grid}, (-1,))"
        pieces.append(grid if coeff == 1 else f"keras.ops.tile({grid}, ({coeff},))")
    if offset > 0:
        pieces.append(f'keras.ops.ones(({offset},), dtype="int64")')
    expr = pieces[0] if len(pieces) == 1 else f"keras.ops.concatenate([{', '.join(pieces)}])"
    if offset < 0:
        expr = f"{expr}[{-offset}:,]"
    return _cached(b, ("vector", str(dim)), "ones_dim", expr)


def dim_scalar(b: Builder, dim: Any) -> str:
    """Code for the run-time value of ``dim`` as an int64 scalar (a literal when static)."""
    dim = simplify(dim)
    if isinstance(dim, int):
        return str(dim)
    return _cached(b, ("scalar", str(dim)), "size", f"keras.ops.sum({ones_vector(b, dim)})")


def arange_vector(b: Builder, length: Any) -> str:
    """``[0, 1, ..., length - 1]`` as int64 for a dynamic ``length``."""
    length = simplify(length)
    if isinstance(length, int):
        return f'keras.ops.arange({length}, dtype="int64")'
    return _cached(b, ("arange", str(length)), "positions",
                   f"keras.ops.subtract(keras.ops.cumsum({ones_vector(b, length)}), 1)")


def shape_tensor(b: Builder, values: np.ndarray, hint: str) -> str:
    """A symbolic shape value (ints and Dims) as a run-time int64 tensor."""
    flat = [dim_scalar(b, v) if isinstance(v, Dim) else f'keras.ops.convert_to_tensor({int(v)}, "int64")'
            for v in values.reshape(-1)]
    target = b.fresh_name(f"{hint}_value")
    if values.ndim == 0:
        b.assign(target, f'keras.ops.cast({flat[0]}, "int64")')
    else:
        stacked = f"keras.ops.stack([{', '.join(flat)}])"
        b.assign(target, stacked if values.ndim == 1 else f"keras.ops.reshape({stacked}, {values.shape})")
    return target


def _axis_vector(vector: str, axis: int, rank: int) -> str:
    return f"keras.ops.reshape({vector}, {tuple(-1 if i == axis else 1 for i in range(rank))})"


def filled(b: Builder, dims: list[Any], fill: str, dtype: str, hint: str) -> str:
    """A tensor of shape ``dims`` (some dynamic) filled with the literal ``fill``."""
    rank = len(dims)
    grid = None
    for axis, dim in enumerate(dims):
        if isinstance(simplify(dim), Dim):
            vector = _axis_vector(ones_vector(b, dim), axis, rank)
            step = b.fresh_name(f"{hint}_grid")
            b.assign(step, vector if grid is None else f"keras.ops.multiply({grid}, {vector})")
            grid = step
    if grid is None:
        raise Unsupported("filled() needs a dynamic dim")
    for axis, dim in enumerate(dims):
        if not isinstance(simplify(dim), Dim) and dim != 1:
            step = b.fresh_name(f"{hint}_grid")
            b.assign(step, f"keras.ops.repeat({grid}, {int(dim)}, axis={axis})")
            grid = step
    target = b.fresh_name(hint)
    if dtype == "bool":
        b.assign(target, f'keras.ops.cast(keras.ops.multiply({grid}, {int(fill == "True")}), "bool")')
    else:
        b.assign(target, f"keras.ops.multiply(keras.ops.cast({grid}, {string_literal(dtype)}), {fill})")
    return target


def broadcast_dims(source: tuple[Any, ...], target: list[Any]) -> list[Any]:
    """ONNX Expand's output shape: ``source`` broadcast with ``target`` (dynamic dims allowed)."""
    rank = max(len(source), len(target))
    src = [1] * (rank - len(source)) + list(source)
    tgt = [1] * (rank - len(target)) + list(target)
    return [s if t == 1 else t if s == 1 else s for s, t in zip(src, tgt, strict=True)]


def expand(b: Builder, var: str, source: tuple[Any, ...], target: list[Any], dtype: str, hint: str) -> str:
    """``var`` (ONNX layout) broadcast to ``target`` as ONNX Expand does, for dynamic sizes too."""
    out = broadcast_dims(source, target)
    rank = len(out)
    current = var
    if len(source) < rank:
        current = b.fresh_name(f"{hint}_rank")
        b.assign(current, f"keras.ops.expand_dims({var}, {tuple(range(rank - len(source)))})")
    padded = [1] * (rank - len(source)) + list(source)
    grows = [axis for axis, (have, want) in enumerate(zip(padded, out, strict=True))
             if have == 1 and want != 1]
    if not grows:
        return current
    work = current
    if dtype == "bool":
        work = b.fresh_name(f"{hint}_int")
        b.assign(work, f'keras.ops.cast({current}, "int32")')
    for axis in grows:
        want = out[axis]
        step = b.fresh_name(hint)
        if isinstance(simplify(want), Dim):
            ones = b.fresh_name(f"{hint}_ones")
            vector = _axis_vector(ones_vector(b, want), axis, rank)
            b.assign(ones, f"keras.ops.cast({vector}, {string_literal(work_dtype(dtype))})")
            b.assign(step, f"keras.ops.multiply({work}, {ones})")
        else:
            b.assign(step, f"keras.ops.repeat({work}, {int(want)}, axis={axis})")
        work = step
    if dtype == "bool":
        target_var = b.fresh_name(hint)
        b.assign(target_var, f'keras.ops.cast({work}, "bool")')
        return target_var
    return work


def work_dtype(dtype: str) -> str:
    return "int32" if dtype == "bool" else dtype


def reshape_code(b: Builder, source: str, in_dims: tuple[Any, ...], out_dims: list[Any],
                 hint: str) -> tuple[str, str | None]:
    """``(expression, layer)`` reshaping ``source`` to ``out_dims``; ``layer`` is a Keras layer
    class when the expression is that layer's keyword arguments, else None."""
    dynamic = [i for i, d in enumerate(out_dims) if d is None or isinstance(simplify(d), Dim)]
    if len(dynamic) <= 1:
        target = tuple(-1 if i in dynamic else int(d) for i, d in enumerate(out_dims))
        return f"keras.ops.reshape({source}, {target})", None
    same_batch = False
    if in_dims and out_dims and out_dims[0] is not None:
        try:
            same_batch = bool(out_dims[0] == in_dims[0])
        except Undecidable:
            same_batch = False
    if same_batch and len(dynamic) == 2:
        return repr(tuple(-1 if i in dynamic else int(d) for i, d in enumerate(out_dims))[1:]), \
            "keras.layers.Reshape"
    if any(d is None for d in out_dims):
        raise Unsupported(f"reshape to {[str(d) for d in out_dims]}: several dynamic dims, one unknown")
    return _reshape_by_gather(b, source, out_dims, hint), None


def _reshape_by_gather(b: Builder, source: str, out_dims: list[Any], hint: str) -> str:
    """Several dynamic dims that Keras' reshape cannot take: gather the flat data by an index grid."""
    rank = len(out_dims)
    flat = b.fresh_name(f"{hint}_flat")
    b.assign(flat, f"keras.ops.reshape({source}, (-1,))")
    stride: Any = 1
    index = None
    for axis in reversed(range(rank)):
        positions = b.fresh_name(f"{hint}_axis{axis}")
        b.assign(positions, _axis_vector(arange_vector(b, out_dims[axis]), axis, rank))
        if stride != 1:
            b.assign(positions, f"keras.ops.multiply({positions}, {dim_scalar(b, stride)})")
        if index is None:
            index = positions
        else:
            total = b.fresh_name(f"{hint}_index")
            b.assign(total, f"keras.ops.add({index}, {positions})")
            index = total
        stride = simplify(stride * out_dims[axis])
    return f"keras.ops.take({flat}, {index}, axis=0)"
