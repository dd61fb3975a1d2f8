"""The code builder: turns converter requests into lines of Keras code, run as they are written.

Every emitted statement is executed at once on symbolic Keras tensors, so each
converter sees real Keras shapes, and the text of ``model.py`` is exactly what ran.
A tensor may live in a permuted layout (channels-last): ``keras = onnx.transpose(perm)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mstool.toolkit.convert import layout, safe_code
from mstool.toolkit.convert.codegen import format_call, literal, wrap_statement
from mstool.toolkit.convert.dims import Dim, simplify

# Constants with at most this many elements are written inline; larger ones live in the weights file.
INLINE_CONSTANT_LIMIT = 16


def _is_keras_default(cls: str, key: str, value: Any) -> bool:
    # Pooling layers default their strides to the pool size, so only convolutions drop strides=1.
    if key in ("strides", "dilation_rate") and isinstance(value, tuple):
        return all(v == 1 for v in value) and "Conv" in cls
    return (key, value) in {("padding", "valid"), ("use_bias", True), ("data_format", "channels_last"),
                            ("depth_multiplier", 1), ("momentum", 0.9), ("center", True)}


class Unsupported(Exception):
    """A node the converter cannot express; the message is the reason shown in the report."""


@dataclass
class Tensor:
    """A symbolic tensor of the Keras graph under construction."""

    var: str
    perm: tuple[int, ...] | None = None


@dataclass
class NodeRecord:
    """What became of one ONNX node."""

    name: str
    op_type: str
    keras: str = ""
    lines: list[str] = field(default_factory=list)


class Builder:
    """Collects code lines, weights and tensors while converting one graph."""

    def __init__(self, opset: int, keep_layout: bool = False) -> None:
        import keras

        self.keras = keras
        self.opset = opset
        self.keep_layout = keep_layout
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"keras": keras}
        self.constants: dict[str, np.ndarray] = {}
        # Values of shape subgraphs that depend on a dynamic dim: object arrays of ints and Dims.
        self.shape_values: dict[str, np.ndarray] = {}
        # Symbolic shape of each Keras variable (Keras layout), set by converters or propagated.
        self.var_dims: dict[str, tuple[Any, ...]] = {}
        # ONNX shape inference's dims per tensor (int, a dim_param name, or None when unknown).
        self.declared_dims: dict[str, list[Any]] = {}
        # Where a symbol can be read at run time: (Keras variable, Keras axis).
        self.symbol_origin: dict[str, tuple[str, int]] = {}
        self.dim_vars: dict[tuple[str, Any], str] = {}
        self.constant_index: str | None = None
        self.tensors: dict[str, Tensor] = {}
        self.views: dict[tuple[str, tuple[int, ...] | None], str] = {}
        self.weights: dict[str, list[np.ndarray]] = {}
        self.used_names: set[str] = set()
        self.anchor: str | None = None
        self.current: NodeRecord | None = None
        self.onnx_dtypes: dict[str, int] = {}
        self.has_spatial_layers = False
        self.strip_prefix = ""  # a scope shared by most node names (e.g. "resnet50_1_"), left out of names

    # ---- names -------------------------------------------------------------------------------
    def fresh_name(self, hint: str, strip: bool = True) -> str:
        """A unique Python identifier (also used as the Keras layer name) derived from ``hint``."""
        return safe_code.identifier(hint, self.used_names, self.strip_prefix if strip else "")

    # ---- running code ------------------------------------------------------------------------
    def _checked_exec(self, code: str) -> None:
        # Every statement is checked before it runs: model content can only appear as quoted data.
        safe_code.check_statement(code, self.namespace)
        exec(code, self.namespace)  # noqa: S102 - checked generated code

    def run(self, code: str) -> None:
        """Execute ``code`` in the model namespace and keep it as part of ``model.py``."""
        self._checked_exec(code)
        self.lines.append(code)
        if self.current is not None:
            self.current.lines.append(code)

    def assign(self, target: str, expr: str) -> Any:
        """``target = expr`` with the resulting Keras shape as a comment; returns the value."""
        code = wrap_statement(f"{target} = {expr}")
        self._checked_exec(code)
        value = self.namespace[target.split(",")[0].strip()]
        shape = getattr(value, "shape", None)
        comment = f"  # {tuple(shape)}" if shape is not None else ""
        if comment and len(code.splitlines()[-1]) + len(comment) + 4 > 110:
            code = f"{comment.strip()}\n{code}"
        elif comment:
            code += comment
        self.lines.append(code)
        if self.current is not None:
            self.current.lines.append(code)
        return value

    def reshape_source(self, name: str) -> str:
        """A variable whose data order equals the ONNX tensor's (no transpose when only 1-dims move)."""
        tensor = self.tensors.get(name)
        if tensor is not None and tensor.perm is not None:
            keras_shape = tuple(self.namespace[tensor.var].shape)
            step = layout.relative_perm(tensor.perm, None, len(keras_shape))
            if None not in keras_shape and layout.is_pure_reshape(keras_shape, step):
                return tensor.var
        return self.view(name, None)

    def value_of_shape(self, expr: str) -> tuple[int, ...] | None:
        """The Keras shape of a variable or literal expression (None when unknown)."""
        try:
            safe_code.check_statement(expr, self.namespace)
            value = eval(expr, self.namespace)  # noqa: S307 - checked generated expression
        except Exception:  # noqa: BLE001
            return None
        shape = getattr(value, "shape", None)
        return None if shape is None else tuple(shape)

    def value_of(self, var: str) -> Any:
        return self.namespace[var]

    # ---- inputs of a node --------------------------------------------------------------------
    def is_const(self, name: str) -> bool:
        return name in self.constants

    def const(self, name: str) -> np.ndarray:
        if name not in self.constants:
            raise Unsupported(f"input '{name}' must be a constant")
        return self.constants[name]

    def perm(self, name: str) -> tuple[int, ...] | None:
        return self.tensors[name].perm if name in self.tensors else None

    def onnx_shape(self, name: str) -> tuple[Any, ...]:
        """The shape of ``name`` in ONNX layout: ints, and a :class:`Dim` for each dynamic dim."""
        if name in self.constants:
            return tuple(self.constants[name].shape)
        if name in self.shape_values:
            return tuple(self.shape_values[name].shape)
        tensor = self.tensors[name]
        return layout.to_onnx_shape(self.keras_dims(tensor.var), tensor.perm)

    def keras_dims(self, var: str) -> tuple[Any, ...]:
        """The Keras-layout shape of variable ``var``: ints, and Dims where Keras has None."""
        keras_shape = tuple(self.namespace[var].shape)
        if None not in keras_shape:
            return keras_shape
        known = self.var_dims.get(var)
        if known is not None and len(known) == len(keras_shape):
            return tuple(k if d is None else d for d, k in zip(keras_shape, known, strict=True))
        dims = list(keras_shape)
        for axis, dim in enumerate(dims):
            if dim is None:
                label = f"{var}:{axis}"
                self.symbol_origin.setdefault(label, (var, axis))
                dims[axis] = Dim.symbol(label)
        return tuple(dims)

    def set_dims(self, name: str, dims: Any) -> None:
        """Record the exact symbolic ONNX shape of tensor ``name`` (None entries: unknown)."""
        tensor = self.tensors[name]
        perm = layout.full(tensor.perm, len(dims))
        self.var_dims[tensor.var] = tuple(simplify(dims[p]) if dims[p] is not None else None for p in perm)

    def is_shape_value(self, name: str) -> bool:
        return name in self.shape_values

    def shape_value(self, name: str, what: str = "shape") -> np.ndarray:
        """The value of a constant or symbolic shape input, as an object array of ints and Dims."""
        from mstool.toolkit.convert.dims import object_array

        if name in self.shape_values:
            return self.shape_values[name]
        if name in self.constants:
            return object_array(self.constants[name])
        raise Unsupported(f"{what} input '{name}' must be constant (it is computed at run time from "
                          "tensor values, not from sizes)")

    def rank(self, name: str) -> int:
        return len(self.onnx_shape(name))

    def dtype(self, name: str) -> str:
        if name in self.constants:
            return str(self.constants[name].dtype)
        if name in self.shape_values:
            return "int64"
        return str(self.namespace[self.tensors[name].var].dtype)

    def view(self, name: str, perm: tuple[int, ...] | None = None) -> str:
        """A variable holding tensor ``name`` as ``onnx.transpose(perm)`` (``None``: ONNX layout)."""
        perm = layout.normalise(perm)
        key = (name, perm)
        if key in self.views:
            return self.views[key]
        if name in self.constants:
            value = self.constants[name]
            var = self.constant_var(value if perm is None else value.transpose(perm), name)
        elif name in self.shape_values:
            from mstool.toolkit.convert.dynamic import shape_tensor

            var = shape_tensor(self, self.shape_values[name], name)
        else:
            var = self._transposed_view(name, perm)
        self.views[key] = var
        return var

    def _transposed_view(self, name: str, perm: tuple[int, ...] | None) -> str:
        tensor = self.tensors[name]
        current = tensor.perm
        if current == perm:
            return tensor.var
        rank = self.rank(name)
        step = layout.relative_perm(current, perm, rank)
        target = self.fresh_name(f"{tensor.var}_{'onnx' if perm is None else 'cl'}")
        keras_shape = tuple(self.namespace[tensor.var].shape)
        if None not in keras_shape and layout.is_pure_reshape(keras_shape, step):
            new_shape = tuple(keras_shape[i] for i in step)
            self.assign(target, f"keras.ops.reshape({tensor.var}, {new_shape})")
        else:
            self.assign(target, f"keras.ops.transpose({tensor.var}, {tuple(step)})")
        return target

    def broadcast_view(self, name: str, perm: tuple[int, ...] | None, rank: int) -> str:
        """``name`` broadcast (ONNX rules) to ``rank`` dims, then laid out as ``perm``."""
        shape = self.onnx_shape(name)
        if perm is None or len(shape) == rank and self.perm(name) == layout.normalise(perm):
            return self.view(name, perm)
        full = (1,) * (rank - len(shape)) + tuple(shape)
        if name in self.constants:
            value = self.constants[name].reshape(full).transpose(perm)
            return self.constant_var(layout.strip_leading_ones(value), name)
        if len(shape) == rank:
            return self.view(name, perm)
        source = self.view(name, None)
        target = self.fresh_name(f"{source}_b")
        step_shape = tuple(full[i] for i in perm)
        if not all(isinstance(d, int) for d in full):
            extended = self.fresh_name(f"{source}_r")
            self.assign(extended, f"keras.ops.expand_dims({source}, {tuple(range(rank - len(shape)))})")
            self.assign(target, f"keras.ops.transpose({extended}, {tuple(perm)})")
        elif layout.is_pure_reshape(full, perm):
            self.assign(target, f"keras.ops.reshape({source}, {step_shape})")
        else:
            reshaped = self.fresh_name(f"{source}_r")
            self.assign(reshaped, f"keras.ops.reshape({source}, {full})")
            self.assign(target, f"keras.ops.transpose({reshaped}, {tuple(perm)})")
        return target

    def constant_var(self, value: np.ndarray, hint: str, tensor: bool = False) -> str:
        """A constant: a literal when tiny (unless ``tensor``), else a tensor read from the weights file.

        A stored constant is row 0 of a one-row ``keras.layers.Embedding`` (a plain Keras layer, so
        a saved ``.keras`` file loads anywhere), reshaped to the constant's shape.
        """
        value = np.asarray(value)
        if value.size <= INLINE_CONSTANT_LIMIT and not tensor:
            return literal(value)
        dtype = str(value.dtype)
        if self.constant_index is None:
            self.constant_index = self.fresh_name("constant_row")
            self.assign(self.constant_index,
                        f'keras.ops.zeros_like(keras.ops.reshape({self.anchor}, (-1,))[0:1,], dtype="int32")')
        if value.size == 0:  # an empty tensor (a Keras tensor all the same, for a model output)
            target = self.fresh_name(hint)
            empty = f"keras.ops.cast({self.constant_index}[0:0,], {safe_code.string_literal(dtype)})"
            self.assign(target, f"keras.ops.reshape({empty}, {tuple(value.shape)})")
            return target
        stored = dtype if dtype in ("float16", "float32", "float64", "bfloat16") else "float64"
        if stored == "float64" and dtype != "float64" and value.size and np.abs(value).max() < 2**24:
            stored = "float32"  # integers and booleans this small are exact in float32
        table = self.fresh_name(hint)
        kwargs = {"input_dim": 1, "output_dim": max(int(value.size), 1), "name": table}
        if stored != "float32":
            kwargs["dtype"] = stored
        if stored != dtype:
            kwargs["trainable"] = False  # integer and boolean tables (indices, masks) are not parameters
        self.assign(table, format_call("keras.layers.Embedding", kwargs, self.constant_index,
                                       indent=len(table) + 7))
        self.set_layer_weights(table, [value.astype(stored).reshape(1, -1)])
        target = self.fresh_name(f"{table}_value")
        expr = f"keras.ops.reshape({table}, {tuple(value.shape)})"
        if stored != dtype:
            expr = f"keras.ops.cast({expr}, {safe_code.string_literal(dtype)})"
        self.assign(target, expr)
        return target

    # ---- outputs of a node -------------------------------------------------------------------
    def emit(self, node: Any, expr: str, perm: tuple[int, ...] | None = None, index: int = 0) -> str:
        """Assign ``expr`` to a new variable named after the node; it becomes output ``index``."""
        target = self.fresh_name(node.name or f"{node.op_type}_{node.output[index]}")
        self.assign(target, expr)
        self.tensors[node.output[index]] = Tensor(target, layout.normalise(perm))
        return target

    def emit_many(self, node: Any, expr: str, perms: list[tuple[int, ...] | None]) -> list[str]:
        """Unpack a call returning several tensors into one variable per ONNX output."""
        base = node.name or node.op_type
        targets = [self.fresh_name(f"{base}_{i}") for i in range(len(node.output))]
        self.assign(", ".join(targets) + ("," if len(targets) == 1 else ""), expr)
        for out, var, perm in zip(node.output, targets, perms, strict=True):
            self.tensors[out] = Tensor(var, layout.normalise(perm))
        return targets

    def layer(self, node: Any, cls: str, kwargs: dict[str, Any], arg: str,
              weights: list[np.ndarray] | None, perm: tuple[int, ...] | None = None, index: int = 0) -> str:
        """A Keras layer call ``cls(**kwargs, name=...)(arg)`` with its weights set."""
        target = self.fresh_name(node.name or f"{node.op_type}_{node.output[index]}")
        kwargs = {k: v for k, v in kwargs.items() if not _is_keras_default(cls, k, v)}
        expr = format_call(cls, {**kwargs, "name": target}, arg, indent=len(target) + 7)
        self.assign(target, expr)
        if weights:
            self.set_layer_weights(target, weights)
        self.tensors[node.output[index]] = Tensor(target, layout.normalise(perm))
        return target

    def alias(self, output: str, source: str, perm: tuple[int, ...] | None = None) -> None:
        """Output ``output`` is the same Keras tensor as ``source`` seen through ``perm``: no code."""
        var = source if source not in self.tensors else self.tensors[source].var
        self.tensors[output] = Tensor(var, layout.normalise(perm))

    def set_layer_weights(self, var: str, weights: list[np.ndarray]) -> None:
        layer = self.namespace[var]._keras_history.operation
        layer.set_weights([np.asarray(w) for w in weights])
        self.weights[layer.name] = list(weights)

    def spatial_perm(self, rank: int) -> tuple[int, ...] | None:
        """The layout spatial layers work in: channels-last unless the layout is kept."""
        self.has_spatial_layers = True
        return None if self.keep_layout else layout.channels_last(rank)

    @property
    def data_format(self) -> str:
        return "channels_first" if self.keep_layout else "channels_last"
