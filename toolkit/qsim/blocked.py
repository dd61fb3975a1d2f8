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

import bisect
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numba
import numpy as np

from mstool.toolkit.qsim import blocked_kernels as bk
from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.gates import GATES, PAULI_X

# The buffer of a group: 1 MiB, half of this machine's 2 MiB L2 per core: 2^16 complex128 or
# 2^17 complex64 amplitudes (chosen on the layered circuit at n = 20 and 22, see docs/qsim.md)
MAX_GROUP_BYTES = 1 << 20
MAX_ADJOINT_GROUP_QUBITS = 14  # psi and lambda: 2 x 256 KiB
SPLIT_FROM_QUBITS = 13  # from here on a group leaves one qubit out: two cosets for two threads
# Every group holds the lowest qubits, so that gathers move psi-contiguous runs: qubits 0-3
# (whole cache lines), and 0-5 for states of LARGE_STATE_BYTES or more, which no cache
# holds: longer runs stream better, which pays for the extra passes (layered circuit,
# complex64: n = 24 15 % less CPU time with 11 passes instead of 8; n = 22 even; n = 20 8 %
# more), see benchmarks/results/qsim.md
LOW_QUBITS = 4
LARGE_STATE_LOW_QUBITS = 6
LARGE_STATE_BYTES = 64 << 20
MAX_POSITIONS = 8
PAULI_KIND = {"rx": 1, "ry": 2, "rz": 3}
PARALLEL_MIN_AMPLITUDES = 1 << 14  # a group's cosets run in parallel from here on


@dataclass
class BufferOp:
    """One gate (or derivative read) on global qubits, before the local encoding."""

    code: int
    targets: tuple[int, ...]
    controls: tuple[int, ...]
    matrix: np.ndarray | None  # 2x2 / 4x4; None for SWAP
    slot: int = 0
    kind: int = 0  # Pauli 1/2/3 for DAPPLY1

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


def _is_single(op: BufferOp | None) -> bool:
    return op is not None and op.code in (bk.APPLY1, bk.DIAG1) and not op.controls


def _is_cnot(op: BufferOp) -> bool:
    return op.code == bk.SWAP and len(op.targets) == 1 and len(op.controls) == 1


def _single(target: int, m: np.ndarray) -> BufferOp:
    return BufferOp(bk.DIAG1 if _is_diagonal(m) else bk.APPLY1, (target,), (), m)


def _select(target: int, selector: int, m0: np.ndarray, m1: np.ndarray) -> BufferOp:
    m = np.zeros((4, 4), complex)
    m[:2, :2] = m0
    m[2:, 2:] = m1
    return BufferOp(bk.SELECT1, (target,), (selector,), m)


def fuse_single_qubit(ops: Sequence[BufferOp]) -> list[BufferOp]:
    """Merge runs of uncontrolled 1-qubit gates on the same qubit (nothing else on it in
    between), and fold such a run into a following CNOT on its target (a SELECT1 op), as
    well as runs that follow that CNOT on the same target.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> c = Circuit(2).rx(0.1, 1).rz(0.2, 1).cx(0, 1).ry(0.3, 1)
    >>> [op.code for op in fuse_single_qubit([gate_op(op, op.unitary()) for op in c.ops])] == [bk.SELECT1]
    True
    """
    out: list[BufferOp | None] = []
    last: dict[int, int] = {}  # qubit -> index in out of the latest op on it
    for op in ops:
        prev_index = last.get(op.targets[0]) if op.targets else None
        prev = out[prev_index] if prev_index is not None else None
        if _is_single(op) and _is_single(prev):
            out[prev_index] = _single(op.targets[0], op.matrix @ prev.matrix)
            continue
        if _is_single(op) and prev is not None and prev.code == bk.SELECT1 and prev.targets == op.targets:
            merged = _blocks_times(op.matrix, prev)
            out[prev_index] = BufferOp(bk.SELECT1, prev.targets, prev.controls, merged)
            continue
        if _is_cnot(op) and _is_single(prev):
            out[prev_index] = None
            op = _select(op.targets[0], op.controls[0], prev.matrix, PAULI_X @ prev.matrix)
        for q in op.qubits:
            last[q] = len(out)
        out.append(op)
    return [op for op in out if op is not None]


def _blocks_times(u: np.ndarray, select: BufferOp) -> np.ndarray:
    m = np.zeros((4, 4), complex)
    m[:2, :2] = u @ select.matrix[:2, :2]
    m[2:, 2:] = u @ select.matrix[2:, 2:]
    return m


def forward_ops(ops: Sequence[Operation], values: Mapping[str, float] | None) -> list[BufferOp]:
    """Buffer ops applying the gates ``ops`` (barriers skipped), 1-qubit runs fused.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> len(forward_ops(Circuit(2).h(0).rz(0.5, 0).h(1).ops, None))
    2
    """
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
    elif op.code == bk.SELECT1:  # the selector is a position, not a control
        args[bk.A_T0] = t[0]
        args[bk.A_T1] = local[op.controls[0]]
        cmask = 0
    else:
        args[bk.A_T0] = t[0]
        args[bk.A_T1] = t[1] if len(t) == 2 else 0
    args[bk.A_CMASK] = cmask
    args[bk.A_SLOT] = op.slot
    args[bk.A_KIND] = op.kind
    args[bk.A_NPOS] = len(pos)
    return args, np.array(pos, np.int64)


def _layout(rank: int, n_local: int, transposed: bool) -> int:
    """Buffer bit of the group qubit of rank ``rank`` (lowest and highest FIELD bits exchanged
    when ``transposed``)."""
    if not transposed:
        return rank
    if rank < bk.FIELD:
        return rank + n_local - bk.FIELD
    if rank >= n_local - bk.FIELD:
        return rank - (n_local - bk.FIELD)
    return rank


def _schedule(ops: Sequence[BufferOp], items: list[int], rank: dict[int, int],
              n_local: int) -> list[int]:
    """Order a group's items (``-1`` = TRANSPOSE) so each runs in the layout where its lowest
    buffer bit is >= FIELD where possible. The buffer starts and ends in the natural layout
    (a TRANSPOSE first or last where needed): a transposed gather or scatter would move one
    amplitude at a time, an in-buffer transpose costs far less (layered circuit, n = 24)."""
    if n_local < 2 * bk.FIELD + 1:
        return list(items)

    def lowest(i: int, transposed: bool) -> int:
        return min(_layout(rank[q], n_local, transposed) for q in ops[i].qubits)

    def usable(i: int, transposed: bool) -> bool:
        return lowest(i, transposed) >= bk.FIELD or lowest(i, not transposed) < bk.FIELD

    queues: dict[int, list[int]] = {q: [] for q in rank}
    for i in items:
        for q in ops[i].qubits:
            queues[q].append(i)
    heads = dict.fromkeys(rank, 0)

    def is_ready(i: int) -> bool:
        return all(queues[q][heads[q]] == i for q in ops[i].qubits)

    ready = sorted({queues[q][0] for q in rank if queues[q] and is_ready(queues[q][0])})
    transposed = sum(usable(i, True) for i in ready) > sum(usable(i, False) for i in ready)
    order = [-1] if transposed else []
    while ready:
        pick = next((i for i in ready if usable(i, transposed)), None)
        if pick is None:
            transposed = not transposed
            order.append(-1)
            continue
        ready.remove(pick)
        order.append(pick)
        for q in ops[pick].qubits:
            heads[q] += 1
            if heads[q] < len(queues[q]) and is_ready(queues[q][heads[q]]):
                bisect.insort(ready, queues[q][heads[q]])
    return order + [-1] if transposed else order


def _offsets(qs: tuple[int, ...]) -> np.ndarray:
    """psi offset of each buffer index (natural layout: buffer bit r is group qubit r)."""
    j = np.arange(1 << len(qs))
    out = np.zeros(1 << len(qs), np.int64)
    for r, q in enumerate(qs):
        out |= ((j >> r) & 1) << q
    return out


def encode(ops: Sequence[BufferOp], groups, n_slots: int = 0) -> tuple[EncodedGroups, np.ndarray]:
    """The arrays for running ``groups`` (from :func:`plan_groups` over ``ops``), and the op
    index of each row (-1 for a TRANSPOSE)."""
    n_groups = len(groups)
    width = max(len(qs) for qs, _ in groups) if groups else 1
    g_qubits = np.zeros((n_groups, width), np.int64)
    g_nq = np.zeros(n_groups, np.int64)
    g_ops = np.zeros(n_groups + 1, np.int64)
    offsets = np.zeros((n_groups, 1 << width), np.int64)
    rows: list[tuple[int, np.ndarray, np.ndarray]] = []
    order: list[int] = []
    for g, (qs, items) in enumerate(groups):
        g_qubits[g, :len(qs)] = qs
        g_nq[g] = len(qs)
        rank = {q: r for r, q in enumerate(qs)}
        schedule = _schedule(ops, items, rank, len(qs))
        offsets[g, :1 << len(qs)] = _offsets(qs)
        transposed = False
        for i in schedule:
            if i < 0:
                transposed = not transposed
                rows.append((bk.TRANSPOSE, np.zeros(6, np.int64), np.zeros(1, np.int64)))
            else:
                local = {q: _layout(r, len(qs), transposed) for q, r in rank.items()}
                rows.append((ops[i].code, *_local_op(ops[i], local)))
            order.append(i)
        g_ops[g + 1] = len(rows)
    codes = np.array([r[0] for r in rows], np.int64)
    args = np.array([r[1] for r in rows], np.int64).reshape(len(rows), 6)
    positions = np.zeros((len(rows), MAX_POSITIONS), np.int64)
    for row, (_, _, pos) in enumerate(rows):
        positions[row, :len(pos)] = pos
    order_array = np.array(order, np.int64)
    enc = EncodedGroups(g_qubits, g_nq, g_ops, offsets, codes, args, positions,
                        _matrices(ops, order_array), n_slots)
    return enc, order_array


def group_sizes(n_qubits: int, itemsize: int = 16) -> tuple[int, int]:
    """(max qubits per group, low qubits every group holds) for an ``n_qubits`` state of
    ``itemsize``-byte amplitudes (16: complex128, 8: complex64).

    >>> group_sizes(20), group_sizes(20, 8), group_sizes(14), group_sizes(5), group_sizes(24, 8)
    ((16, 4), (17, 4), (13, 4), (5, 4), (17, 6))
    """
    limit = (MAX_GROUP_BYTES // itemsize).bit_length() - 1
    large = itemsize << n_qubits >= LARGE_STATE_BYTES
    return _cap(limit, n_qubits), min(LARGE_STATE_LOW_QUBITS if large else LOW_QUBITS, n_qubits)


def adjoint_group_qubits(n_qubits: int) -> int:
    """Max qubits per group of the backward sweep (two vectors share the cache).

    >>> adjoint_group_qubits(18), adjoint_group_qubits(14)
    (14, 13)
    """
    return _cap(MAX_ADJOINT_GROUP_QUBITS, n_qubits)


def _cap(limit: int, n_qubits: int) -> int:
    return min(limit, n_qubits - 1 if n_qubits >= SPLIT_FROM_QUBITS else n_qubits)


def fits(ops: Sequence[BufferOp], n_qubits: int) -> bool:
    """Whether every op fits in a group's position table (wider gates take the flat kernels)."""
    return all(len(op.qubits) <= MAX_POSITIONS for op in ops)


def coset_masks(enc: EncodedGroups, n_qubits: int, from_zero: bool) -> np.ndarray:
    """For each group, the mask of coset-index bits (the qubits outside the group, lowest
    first) that may be nonzero. From ``|0...0>`` a qubit is nonzero only once a group has
    held it, so the first group runs one coset; otherwise every coset runs.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> enc = plan(forward_ops(Circuit(8).h(0).cx(0, 7).h(5).ops, None), 8, max_qubits=5)
    >>> [enc.g_qubits[g].tolist() for g in range(2)]  # the other qubits: 4, 5, 6 and 4, 6, 7
    [[0, 1, 2, 3, 7], [0, 1, 2, 3, 5]]
    >>> [bin(m) for m in coset_masks(enc, 8, True)], [bin(m) for m in coset_masks(enc, 8, False)]
    (['0b0', '0b100'], ['0b111', '0b111'])
    """
    masks = np.zeros(len(enc.g_nq), np.int64)
    support = 0  # qubits that may hold a 1 in a nonzero amplitude's index
    for g, nq in enumerate(enc.g_nq.tolist()):
        group = enc.g_qubits[g, :nq].tolist()
        others = [q for q in range(n_qubits) if q not in set(group)]
        masks[g] = sum(1 << k for k, q in enumerate(others) if not from_zero or support >> q & 1)
        support |= sum(1 << q for q in group)
    return masks


def run_encoded(psi: np.ndarray, enc: EncodedGroups, lam: np.ndarray | None = None,
                from_zero: bool = False) -> np.ndarray:
    """Run encoded groups on ``psi`` (and ``lam``); return the derivative slots. ``from_zero``
    says ``psi`` is ``|0...0>``: cosets that are still all zeros are skipped."""
    n_qubits = int(psi.shape[0]).bit_length() - 1
    threads = numba.get_num_threads()
    parallel = psi.shape[0] >= PARALLEL_MIN_AMPLITUDES
    fn = bk.run_groups_parallel if parallel else bk.run_groups_serial
    mats = enc.mats.astype(psi.dtype, copy=False)  # complex64 states: float32 arithmetic
    return fn(psi, psi if lam is None else lam, 1 if lam is None else 2, n_qubits, enc.g_qubits, enc.g_nq,
              enc.g_ops, enc.offsets, enc.codes, enc.args, enc.positions, mats, enc.n_slots,
              4 * threads if parallel else 1, coset_masks(enc, n_qubits, from_zero))


def run_ops(psi: np.ndarray, ops: Sequence[BufferOp], max_qubits: int | None = None,
            low_qubits: int | None = None) -> None:
    """Apply buffer ops to ``psi`` in place, planned into groups."""
    n_qubits = int(psi.shape[0]).bit_length() - 1
    default_max, default_low = group_sizes(n_qubits)
    max_q = default_max if max_qubits is None else max_qubits
    low = default_low if low_qubits is None else low_qubits
    groups = plan_groups([op.qubits for op in ops], n_qubits, max_q, low)
    run_encoded(psi, encode(ops, groups)[0])


def adjoint_ops(ops: Sequence[Operation], values: Mapping[str, float]):
    """Buffer ops for the adjoint method: the forward gates, and the backward sweep (last gate
    first: ``Re <lam|dU U^dagger|psi>`` reads into one slot per symbolic gate parameter, then
    ``U^dagger`` on both vectors); also the symbolic parameter behind each slot.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> fwd, bwd, params = adjoint_ops(Circuit(1).ry("a", 0).rz("b", 0).ops, {"a": 0.1, "b": 0.2})
    >>> len(fwd), [op.code == bk.DAPPLY1 for op in bwd], [str(p) for p in params]
    (1, [True, True], ['b', 'a'])
    """
    from mstool.toolkit.qsim.adjoint import PAULIS, adjoint_gates

    gates = adjoint_gates(ops, values)
    forward = fuse_single_qubit([gate_op(g.op, g.udag.conj().T) for g in gates])
    backward: list[BufferOp] = []
    params = []
    for g in reversed(gates):
        op = g.op
        if op.name in PAULIS and not op.controls and g.kmats:  # derivative and inverse in one pass
            backward.append(BufferOp(bk.DAPPLY1, op.targets, (), g.udag, len(params), PAULI_KIND[op.name]))
            params.append(g.params[0])
            continue
        for kmat, param in zip(g.kmats, g.params, strict=True):
            code = bk.DERIV1 if len(op.targets) == 1 else bk.DERIV2
            backward.append(BufferOp(code, op.targets, op.controls, kmat, len(params)))
            params.append(param)
        backward.append(gate_op(op, g.udag))
    return forward, fuse_single_qubit(backward), params


_PLANS: dict[tuple, tuple[EncodedGroups, np.ndarray]] = {}  # op structure -> encoded plan
MAX_CACHED_PLANS = 64


def plan(ops: Sequence[BufferOp], n_qubits: int, n_slots: int = 0,
         max_qubits: int | None = None, itemsize: int = 16) -> EncodedGroups:
    """Plan and encode ``ops`` for an ``n_qubits`` state of ``itemsize``-byte amplitudes
    (which sets the group size). Plans are cached by the ops' structure (kinds, qubits,
    slots): a circuit run again with other parameter values only refills the matrices.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> enc = plan(forward_ops(Circuit(16).h(0).cx(0, 15).ops, None), 16)
    >>> enc.g_nq.tolist()
    [5]
    """
    default_max, low = group_sizes(n_qubits, itemsize)
    max_q = max_qubits or default_max
    key = (n_qubits, max_q, low, n_slots,
           tuple((op.code, op.targets, op.controls, op.slot, op.kind) for op in ops))
    cached = _PLANS.get(key)
    if cached is None:
        groups = plan_groups([op.qubits for op in ops], n_qubits, max_q, low)
        enc, order = encode(ops, groups, n_slots)
        if len(_PLANS) >= MAX_CACHED_PLANS:
            _PLANS.clear()
        _PLANS[key] = (enc, order)
        return enc
    enc, order = cached
    return replace(enc, mats=_matrices(ops, order))


def _matrices(ops: Sequence[BufferOp], order: np.ndarray) -> np.ndarray:
    """The (rows, 4, 4) matrix table for ``ops`` taken in ``order``."""
    mats = np.zeros((len(order), 4, 4), np.complex128)
    for size in (2, 4):
        rows = [r for r, i in enumerate(order.tolist())
                if i >= 0 and ops[i].matrix is not None and ops[i].matrix.shape[0] == size]
        if rows:
            mats[rows, :size, :size] = np.array([ops[i].matrix for i in order[rows].tolist()])
    return mats


def apply_gates(psi: np.ndarray, ops: Sequence[Operation], values: Mapping[str, float] | None) -> bool:
    """Run the gates ``ops`` on ``psi`` in place through buffer groups; False (and ``psi``
    untouched) when a gate is too wide for a group, so the caller takes the flat kernels.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> psi = np.zeros(4, complex); psi[0] = 1
    >>> apply_gates(psi, Circuit(2).x(1).ops, None), psi.real.tolist()
    (True, [0.0, 0.0, 1.0, 0.0])
    """
    buffer_ops = forward_ops(ops, values)
    n_qubits = int(psi.shape[0]).bit_length() - 1
    if not fits(buffer_ops, n_qubits):
        return False
    run_encoded(psi, plan(buffer_ops, n_qubits, itemsize=psi.itemsize))
    return True
