"""Gate groups for the cache-blocked executor: planning, encoding and running.

:func:`plan_groups` partitions a gate list (respecting the order of gates that share a
qubit) into groups whose qubits fit in one cache-sized buffer; :func:`encode` turns the
groups into the flat arrays :func:`~mstool.toolkit.qsim.blocked_kernels.run_groups` reads.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> c = Circuit(3).h(0).cx(0, 1).rz(0.3, 2)
>>> psi = np.zeros(8, complex); psi[0] = 1
>>> run_ops(psi, forward_ops(c.ops, None), max_qubits=2, low_qubits=0)
>>> np.round(np.abs(psi) ** 2, 3).tolist()
[0.5, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mstool.toolkit.qsim import blocked_kernels as bk
from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.gates import GATES

MAX_GROUP_QUBITS = 13  # 2^13 amplitudes: 128 KiB per vector in the buffer (L2-resident)
MAX_ADJOINT_GROUP_QUBITS = 12  # psi and lambda: 2 x 64 KiB
LOW_QUBITS = 3  # every group holds qubits 0-2: gathers read whole cache lines
MAX_POSITIONS = 8
PARALLEL_MIN_AMPLITUDES = 1 << 14  # a group's cosets run in parallel from here on


@dataclass
class BufferOp:
    """One gate (or derivative read) on global qubits, before the local encoding."""

    code: int
    targets: tuple[int, ...]
    controls: tuple[int, ...]
    matrix: np.ndarray | None  # 2x2 / 4x4; None for SWAP
    slot: int = 0
    kind: int = 0  # Pauli 1/2/3 for DROT

    @property
    def qubits(self) -> tuple[int, ...]:
        return self.targets + self.controls


def _is_diagonal(m: np.ndarray) -> bool:
    if m.shape == (2, 2):
        return m[0, 1] == 0 and m[1, 0] == 0
    return not np.any(m - np.diag(np.diag(m)))


def gate_op(op: Operation, matrix: np.ndarray) -> BufferOp:
    """The buffer op applying ``matrix`` (the gate's unitary or its inverse) for ``op``."""
    kind = GATES[op.name].kind if op.name in GATES else "dense"
    if kind == "permutation":
        return BufferOp(bk.SWAP, op.targets, op.controls, None)
    if len(op.targets) == 2:
        return BufferOp(bk.APPLY2, op.targets, op.controls, matrix)
    return BufferOp(bk.DIAG1 if _is_diagonal(matrix) else bk.APPLY1, op.targets, op.controls, matrix)


def fuse_single_qubit(ops: Sequence[BufferOp]) -> list[BufferOp]:
    """Merge runs of uncontrolled 1-qubit gates on the same qubit (nothing else on it in between)."""
    out: list[BufferOp] = []
    last: dict[int, int] = {}  # qubit -> index in out of the latest op on it
    for op in ops:
        single = op.code in (bk.APPLY1, bk.DIAG1) and not op.controls
        if single:
            prev = last.get(op.targets[0])
            if prev is not None and out[prev].code in (bk.APPLY1, bk.DIAG1) and not out[prev].controls:
                m = op.matrix @ out[prev].matrix
                out[prev] = BufferOp(bk.DIAG1 if _is_diagonal(m) else bk.APPLY1, op.targets, (), m)
                continue
        for q in op.qubits:
            last[q] = len(out)
        out.append(op)
    return out


def forward_ops(ops: Sequence[Operation], values: Mapping[str, float] | None) -> list[BufferOp]:
    """Buffer ops applying the gates ``ops`` (barriers skipped), 1-qubit runs fused."""
    return fuse_single_qubit([gate_op(op, op.unitary(values)) for op in ops if op.name != "barrier"])


def plan_groups(qubit_sets: Sequence[tuple[int, ...]], n_qubits: int, max_qubits: int,
                low_qubits: int) -> list[tuple[tuple[int, ...], list[int]]]:
    """Partition items (given by their qubits, in order) into ``(qubits, items)`` groups.

    Each group takes, in order, every item whose earlier items on the same qubits are done
    and whose qubits keep the group within ``max_qubits``; running the groups one after the
    other, each group's items in order, is the same as running the items in order.

    >>> plan_groups([(0,), (1,), (0, 1), (2,), (1, 2)], 3, 2, 0)
    [((0, 1), [0, 1, 2]), ((1, 2), [3, 4])]
    """
    queues: dict[int, list[int]] = {q: [] for q in range(n_qubits)}
    for i, qs in enumerate(qubit_sets):
        for q in qs:
            queues[q].append(i)
    heads = dict.fromkeys(range(n_qubits), 0)
    done = [False] * len(qubit_sets)
    groups = []
    first = 0
    low = set(range(min(low_qubits, n_qubits)))

    def ready(i: int) -> bool:
        return all(queues[q][heads[q]] == i for q in qubit_sets[i])

    while first < len(qubit_sets):
        members = set(low)
        heap = sorted({queues[q][heads[q]] for q in range(n_qubits) if heads[q] < len(queues[q])})
        heap = [i for i in heap if ready(i)]
        heapq.heapify(heap)
        taken: list[int] = []
        while heap:
            i = heapq.heappop(heap)
            grown = members.union(qubit_sets[i])
            if len(grown) > max_qubits and taken:
                continue
            members = grown
            taken.append(i)
            done[i] = True
            for q in qubit_sets[i]:
                heads[q] += 1
                if heads[q] < len(queues[q]) and ready(queues[q][heads[q]]):
                    heapq.heappush(heap, queues[q][heads[q]])
        while first < len(done) and done[first]:
            first += 1
        groups.append((tuple(sorted(members)), taken))
    return groups


@dataclass
class EncodedGroups:
    """Flat arrays for :func:`~mstool.toolkit.qsim.blocked_kernels.run_groups`."""

    g_qubits: np.ndarray
    g_nq: np.ndarray
    g_ops: np.ndarray
    offsets: np.ndarray
    codes: np.ndarray
    args: np.ndarray
    positions: np.ndarray
    mats: np.ndarray
    n_slots: int


def _local_op(op: BufferOp, local: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    t = [local[q] for q in op.targets]
    cmask = sum(1 << local[q] for q in op.controls)
    pos = sorted(local[q] for q in op.qubits)
    args = np.zeros(6, np.int64)
    if op.code == bk.SWAP:  # X: |0> <-> |1> of the target; SWAP: |01> <-> |10>
        args[bk.A_T0] = 0 if len(t) == 1 else 1 << t[0]
        args[bk.A_T1] = (1 << t[0]) if len(t) == 1 else 1 << t[1]
    else:
        args[bk.A_T0] = t[0]
        args[bk.A_T1] = t[1] if len(t) == 2 else 0
    args[bk.A_CMASK] = cmask
    args[bk.A_SLOT] = op.slot
    args[bk.A_KIND] = op.kind
    args[bk.A_NPOS] = len(pos)
    return args, np.array(pos, np.int64)


def encode(ops: Sequence[BufferOp], groups, n_slots: int = 0) -> EncodedGroups:
    """The arrays for running ``groups`` (from :func:`plan_groups` over ``ops``)."""
    n_groups = len(groups)
    width = max(len(qs) for qs, _ in groups) if groups else 1
    g_qubits = np.zeros((n_groups, width), np.int64)
    g_nq = np.zeros(n_groups, np.int64)
    g_ops = np.zeros(n_groups + 1, np.int64)
    offsets = np.zeros((n_groups, 1 << width), np.int64)
    n_ops = sum(len(items) for _, items in groups)
    codes = np.zeros(n_ops, np.int64)
    args = np.zeros((n_ops, 6), np.int64)
    positions = np.zeros((n_ops, MAX_POSITIONS), np.int64)
    mats = np.zeros((n_ops, 4, 4), np.complex128)
    row = 0
    for g, (qs, items) in enumerate(groups):
        g_qubits[g, :len(qs)] = qs
        g_nq[g] = len(qs)
        local = {q: j for j, q in enumerate(qs)}
        j = np.arange(1 << len(qs))
        for b, q in enumerate(qs):
            offsets[g, :1 << len(qs)] |= ((j >> b) & 1) << q
        for i in items:
            op = ops[i]
            codes[row] = op.code
            args[row], pos = _local_op(op, local)
            positions[row, :len(pos)] = pos
            if op.matrix is not None:
                size = op.matrix.shape[0]
                mats[row, :size, :size] = op.matrix
            row += 1
        g_ops[g + 1] = row
    return EncodedGroups(g_qubits, g_nq, g_ops, offsets, codes, args, positions, mats, n_slots)


def group_sizes(n_qubits: int) -> tuple[int, int]:
    """(max qubits per group, low qubits every group holds) for an ``n_qubits`` state."""
    return min(MAX_GROUP_QUBITS, n_qubits), min(LOW_QUBITS, n_qubits)


def adjoint_group_qubits(n_qubits: int) -> int:
    """Max qubits per group of the backward sweep (two vectors share the cache)."""
    return min(MAX_ADJOINT_GROUP_QUBITS, n_qubits)


def fits(ops: Sequence[BufferOp], n_qubits: int) -> bool:
    """Whether every op fits in a group's position table (wider gates take the flat kernels)."""
    return all(len(op.qubits) <= MAX_POSITIONS for op in ops)


def run_encoded(psi: np.ndarray, enc: EncodedGroups, lam: np.ndarray | None = None) -> np.ndarray:
    """Run encoded groups on ``psi`` (and ``lam``); return the derivative slots."""
    n_qubits = int(psi.shape[0]).bit_length() - 1
    threads = int(os.environ.get("NUMBA_NUM_THREADS", os.cpu_count() or 1))
    parallel = psi.shape[0] >= PARALLEL_MIN_AMPLITUDES
    fn = bk.run_groups_parallel if parallel else bk.run_groups_serial
    return fn(psi, psi if lam is None else lam, 1 if lam is None else 2, n_qubits, enc.g_qubits, enc.g_nq,
              enc.g_ops, enc.offsets, enc.codes, enc.args, enc.positions, enc.mats, enc.n_slots,
              4 * threads if parallel else 1)


def run_ops(psi: np.ndarray, ops: Sequence[BufferOp], max_qubits: int | None = None,
            low_qubits: int | None = None) -> None:
    """Apply buffer ops to ``psi`` in place, planned into groups."""
    n_qubits = int(psi.shape[0]).bit_length() - 1
    default_max, default_low = group_sizes(n_qubits)
    max_q = default_max if max_qubits is None else max_qubits
    low = default_low if low_qubits is None else low_qubits
    groups = plan_groups([op.qubits for op in ops], n_qubits, max_q, low)
    run_encoded(psi, encode(ops, groups))


def adjoint_ops(ops: Sequence[Operation], values: Mapping[str, float]):
    """Buffer ops for the adjoint method: the forward gates, and the backward sweep (last gate
    first: ``Re <lam|dU U^dagger|psi>`` reads into one slot per symbolic gate parameter, then
    ``U^dagger`` on both vectors); also the symbolic parameter behind each slot."""
    from mstool.toolkit.qsim.adjoint import PAULIS, _gate

    gates = [_gate(k, op, values) for k, op in enumerate(ops) if op.name != "barrier"]
    forward = fuse_single_qubit([gate_op(g.op, g.udag.conj().T) for g in gates])
    backward: list[BufferOp] = []
    params = []
    for g in reversed(gates):
        op = g.op
        for kmat, param in zip(g.kmats, g.params, strict=True):
            slot = len(params)
            params.append(param)
            if op.name in PAULIS and not op.controls:
                pauli = {"rx": 1, "ry": 2, "rz": 3}[op.name]
                backward.append(BufferOp(bk.DROT, op.targets, (), None, slot, pauli))
            else:
                code = bk.DERIV1 if len(op.targets) == 1 else bk.DERIV2
                backward.append(BufferOp(code, op.targets, op.controls, kmat, slot))
        backward.append(gate_op(op, g.udag))
    return forward, fuse_single_qubit(backward), params


_PLANS: dict[tuple, tuple[EncodedGroups, np.ndarray]] = {}  # op structure -> encoded plan
MAX_CACHED_PLANS = 64


def plan(ops: Sequence[BufferOp], n_qubits: int, n_slots: int = 0,
         max_qubits: int | None = None) -> EncodedGroups:
    """Plan and encode ``ops`` for an ``n_qubits`` state. Plans are cached by the ops'
    structure (kinds, qubits, slots): a circuit run again with other parameter values
    only refills the matrices."""
    default_max, low = group_sizes(n_qubits)
    max_q = max_qubits or default_max
    key = (n_qubits, max_q, low, n_slots,
           tuple((op.code, op.targets, op.controls, op.slot, op.kind) for op in ops))
    cached = _PLANS.get(key)
    if cached is None:
        groups = plan_groups([op.qubits for op in ops], n_qubits, max_q, low)
        enc = encode(ops, groups, n_slots)
        if len(_PLANS) >= MAX_CACHED_PLANS:
            _PLANS.clear()
        _PLANS[key] = (enc, np.array([i for _, items in groups for i in items], np.int64))
        return enc
    enc, order = cached
    return replace(enc, mats=_matrices(ops, order))


def _matrices(ops: Sequence[BufferOp], order: np.ndarray) -> np.ndarray:
    """The (rows, 4, 4) matrix table for ``ops`` taken in ``order``."""
    mats = np.zeros((len(order), 4, 4), np.complex128)
    for size in (2, 4):
        rows = [r for r, i in enumerate(order.tolist())
                if ops[i].matrix is not None and ops[i].matrix.shape[0] == size]
        if rows:
            mats[rows, :size, :size] = np.array([ops[i].matrix for i in order[rows].tolist()])
    return mats


def apply_gates(psi: np.ndarray, ops: Sequence[Operation], values: Mapping[str, float] | None) -> bool:
    """Run the gates ``ops`` on ``psi`` in place through buffer groups; False (and ``psi``
    untouched) when a gate is too wide for a group, so the caller takes the flat kernels."""
    buffer_ops = forward_ops(ops, values)
    n_qubits = int(psi.shape[0]).bit_length() - 1
    if not fits(buffer_ops, n_qubits):
        return False
    run_encoded(psi, plan(buffer_ops, n_qubits))
    return True
