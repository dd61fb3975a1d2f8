"""Lowering operations to kernel calls, and the gate-fusion pass.

Fusion greedily merges every gate on at most two qubits (controls included) into
a running block on the same one or two qubits, so a layer of 1-qubit rotations
followed by a CNOT chain becomes one pass per CNOT instead of three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.gates import GATES, I2

SWAP_PERM = np.array([0, 2, 1, 3])


@dataclass
class KernelCall:
    """One kernel launch: ``kind`` in dense1, dense2, selected, diagonal, swapbits.

    ``selected`` is a uniformly controlled 1-qubit gate: ``matrix[v]`` acts on the target
    where the selector qubit (stored in ``controls``) reads ``v``."""

    kind: str
    targets: tuple[int, ...]
    controls: tuple[int, ...]
    matrix: np.ndarray  # dense matrix, diagonal vector, or unused for swapbits

    def __post_init__(self) -> None:
        self.positions = np.array(sorted(self.targets + self.controls), dtype=np.int64)
        self.control_mask = sum(1 << c for c in self.controls)
        self.target_array = np.array(self.targets, dtype=np.int64)
        self._typed: dict = {}

    def matrix_as(self, dtype: np.dtype) -> np.ndarray:
        """The matrix in the state's dtype, converted once per dtype."""
        typed = self._typed.get(dtype)
        if typed is None:
            typed = self._typed[dtype] = np.ascontiguousarray(self.matrix, dtype=dtype)
        return typed


def lower(name: str, targets: tuple[int, ...], controls: tuple[int, ...], matrix: np.ndarray) -> KernelCall:
    """The cheapest kernel for one gate: permutation and diagonal gates get their own.

    >>> lower("x", (1,), (0,), np.eye(2)).kind
    'swapbits'
    """
    kind = GATES[name].kind if name in GATES else "dense"
    if kind == "permutation":
        return KernelCall("swapbits", targets, controls, matrix)
    if kind == "diagonal" or _is_diagonal(matrix):
        return KernelCall("diagonal", targets, controls, np.ascontiguousarray(np.diag(matrix)))
    return KernelCall("dense1" if len(targets) == 1 else "dense2", targets, controls, matrix)


def _is_diagonal(m: np.ndarray) -> bool:
    return not np.any(m - np.diag(np.diag(m)))


def full_matrix(targets: tuple[int, ...], controls: tuple[int, ...],
                m: np.ndarray) -> tuple[tuple, np.ndarray]:
    """Matrix on ``targets + controls`` (first = lowest index bit) for a gate with <= 2 qubits."""
    if not controls:
        return targets, m
    full = np.eye(4, dtype=complex)
    full[2:, 2:] = m
    return targets + controls, full


def _on_pair(qubits: tuple[int, ...], m: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """Express a 1- or 2-qubit matrix on the ordered qubit ``pair``."""
    if len(qubits) == 1:
        return np.kron(I2, m) if qubits[0] == pair[0] else np.kron(m, I2)
    if qubits == pair:
        return m
    return m[np.ix_(SWAP_PERM, SWAP_PERM)]


class _Block:
    __slots__ = ("qubits", "matrix", "ops")

    def __init__(self, qubits: tuple[int, ...], matrix: np.ndarray, op: tuple) -> None:
        self.qubits = qubits
        self.matrix = matrix
        self.ops = [op]

    def absorb(self, qubits: tuple[int, ...], matrix: np.ndarray, ops: list, after: bool) -> None:
        union = self.qubits if set(qubits) <= set(self.qubits) else tuple(
            dict.fromkeys(self.qubits + qubits))
        if len(union) == 1:
            mine, theirs = self.matrix, matrix
        else:
            mine, theirs = _on_pair(self.qubits, self.matrix, union), _on_pair(qubits, matrix, union)
        self.matrix = theirs @ mine if after else mine @ theirs
        self.ops = self.ops + ops if after else ops + self.ops
        self.qubits = union


def fuse(gates: Iterable[tuple[str, tuple, tuple, np.ndarray]], max_qubits: int = 2) -> list[KernelCall]:
    """Fuse ``(name, targets, controls, matrix)`` gates into kernel calls.

    >>> from mstool.toolkit.qsim.gates import gate_matrix
    >>> g = [("h", (0,), (), gate_matrix("h")), ("x", (1,), (0,), gate_matrix("x"))]
    >>> [c.kind for c in fuse(g)]
    ['dense2']
    """
    blocks: list[_Block | KernelCall | None] = []
    last: dict[int, int] = {}
    for name, targets, controls, m in gates:
        qubits = targets + controls
        if len(qubits) > max_qubits:
            for q in qubits:
                last[q] = len(blocks)
            blocks.append(lower(name, targets, controls, m))
            continue
        fq, fm = full_matrix(targets, controls, m)
        op = (name, targets, controls, m)
        owners = {last[q] for q in qubits if q in last}
        if len(owners) == 1:
            idx = next(iter(owners))
            block = blocks[idx]
            # a 1-qubit gate does not join a finished 2-qubit block: it waits for the next
            # 2-qubit gate, which keeps CNOT-like blocks in the cheaper uniformly controlled form
            if (isinstance(block, _Block) and len(set(block.qubits) | set(fq)) <= max_qubits
                    and not (len(fq) == 1 and len(block.qubits) == 2)):
                block.absorb(fq, fm, [op], after=True)
                for q in fq:
                    last[q] = idx
                continue
        new = _Block(fq, fm, op)
        movable = [i for i in owners if isinstance(blocks[i], _Block)
                   and all(last.get(q) == i for q in blocks[i].qubits)]
        for i in movable:  # blocks last on all their qubits may move forward into this one
            if len(set(new.qubits) | set(blocks[i].qubits)) <= max_qubits:
                new.absorb(blocks[i].qubits, blocks[i].matrix, blocks[i].ops, after=False)
                blocks[i] = None
        for q in new.qubits:
            last[q] = len(blocks)
        blocks.append(new)
    return [_finish(b) for b in blocks if b is not None]


def _finish(block: _Block | KernelCall) -> KernelCall:
    if isinstance(block, KernelCall):
        return block
    if len(block.ops) == 1:
        name, targets, controls, m = block.ops[0]
        return lower(name, targets, controls, m)
    m = np.ascontiguousarray(block.matrix)
    if _is_diagonal(m):
        return KernelCall("diagonal", block.qubits, (), np.ascontiguousarray(np.diag(m)))
    if len(block.qubits) == 2:
        selected = _selected_form(block.qubits, m)
        if selected is not None:
            return selected
    return KernelCall("dense1" if len(block.qubits) == 1 else "dense2", block.qubits, (), m)


def _selected_form(qubits: tuple[int, ...], m: np.ndarray) -> KernelCall | None:
    """A 4x4 block-diagonal in one qubit's bit (a uniformly controlled 1-qubit gate)."""
    bits = np.arange(4)
    for sel in (0, 1):
        same = ((bits[:, None] >> sel) & 1) == ((bits[None, :] >> sel) & 1)
        if not np.any(m[~same]):
            tgt = 1 - sel
            blocks = []
            for value in (0, 1):
                idx = [b for b in range(4) if (b >> sel) & 1 == value]  # ordered by target bit
                blocks.append(m[np.ix_(idx, idx)])
            call = KernelCall("selected", (qubits[tgt],), (qubits[sel],), np.ascontiguousarray(blocks))
            return call
    return None


def gate_stream(ops: Iterable[Operation], values: Mapping[str, float] | None):
    """``(name, targets, controls, matrix)`` for every gate of ``ops`` (barriers skipped)."""
    for op in ops:
        if op.name == "barrier":
            continue
        yield op.name, op.targets, op.controls, op.unitary(values)
