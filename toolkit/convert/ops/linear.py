"""MatMul, Gemm and Einsum: Dense layers when the right operand is a constant matrix."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder
from mstool.toolkit.convert.ops.common import attr, optional_input
from mstool.toolkit.convert.ops.registry import add_converter
from mstool.toolkit.convert.safe_code import einsum_equation, string_literal


@add_converter("MatMul", 1)
def matmul(node: Any, b: Builder) -> None:
    a, w = node.input[0], node.input[1]
    if b.is_const(w) and b.const(w).ndim == 2 and not b.is_const(a) and b.rank(a) >= 2 \
            and np.issubdtype(b.const(w).dtype, np.floating):
        kernel = b.const(w)
        kwargs = {"units": int(kernel.shape[1]), "use_bias": False}
        b.layer(node, "keras.layers.Dense", kwargs, b.view(a, None), [kernel], None)
        return
    b.emit(node, f"keras.ops.matmul({b.view(a, None)}, {b.view(w, None)})")


@add_converter("Gemm", 1)
def gemm(node: Any, b: Builder) -> None:
    a, w = node.input[0], node.input[1]
    c = optional_input(node, 2)
    alpha, beta = float(attr(node, "alpha", 1.0)), float(attr(node, "beta", 1.0))
    trans_a, trans_b = attr(node, "transA", 0), attr(node, "transB", 0)
    if b.is_const(w) and not trans_a and not b.is_const(a):
        kernel = b.const(w).T if trans_b else b.const(w)
        units = kernel.shape[1]
        bias = None
        if c is not None and b.is_const(c) and b.const(c).size in (1, units) and b.const(c).ndim <= 1:
            bias = (beta * np.broadcast_to(b.const(c), (units,))).astype(kernel.dtype)
        if bias is not None or c is None:
            weights = [(alpha * kernel).astype(kernel.dtype)] + ([bias] if bias is not None else [])
            kwargs = {"units": int(units), "use_bias": bias is not None}
            b.layer(node, "keras.layers.Dense", kwargs, b.view(a, None), weights, None)
            return
    x = b.view(a, None)
    y = b.view(w, None)
    x = f"keras.ops.transpose({x})" if trans_a else x
    y = f"keras.ops.transpose({y})" if trans_b else y
    expr = f"keras.ops.matmul({x}, {y})"
    if alpha != 1.0:
        expr = f"keras.ops.multiply({expr}, {alpha})"
    if c is not None:
        cv = b.view(c, None)
        expr = f"keras.ops.add({expr}, {cv if beta == 1.0 else f'keras.ops.multiply({cv}, {beta})'})"
    b.emit(node, expr)


@add_converter("Einsum", 12)
def einsum(node: Any, b: Builder) -> None:
    equation = string_literal(einsum_equation(attr(node, "equation", "")))
    args = ", ".join(b.view(n, None) for n in node.input)
    b.emit(node, f"keras.ops.einsum({equation}, {args})")


@add_converter("Det", 11)
def det(node: Any, b: Builder) -> None:
    b.emit(node, f"keras.ops.det({b.view(node.input[0], None)})")
