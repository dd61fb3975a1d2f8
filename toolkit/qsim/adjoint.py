"""The adjoint backward sweep as one compiled function over a flat, lowered circuit.

:func:`lower_backward` turns the gates of a circuit (last first) into plain arrays:
an op code, target bits, control mask, sorted qubit positions, the inverse matrix
and, per symbolic gate parameter, ``K = dU/dtheta U^dagger``. :func:`backward_sweep`
then walks the whole list inside Numba: each step undoes the gate on ``|psi>`` and
``|lambda>`` in the same pass over memory and, in that pass, adds up
``<lambda|K|psi>`` for every parameter of the gate. No Python runs per gate.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> prog = lower_backward(Circuit(2).ry("a", 0).cx(0, 1).rz("b", 1).ops, {"a": 0.1, "b": 0.2}, np.complex128)
>>> prog.codes.tolist(), prog.deriv_op.tolist()
([1, 3, 0], [2, 0])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.gates import GATES, I2, gate_derivatives
from mstool.toolkit.qsim.kernels import PARALLEL_MIN_SIZE, insert_zero_bits
from mstool.toolkit.qsim.parameters import Parameter, resolve

DENSE1, DIAG1, DENSE2, SWAPBITS = 0, 1, 2, 3
CHUNK = 2048  # groups per work item: big enough to amortise scheduling, small enough to balance


@dataclass
class BackwardProgram:
    """A lowered gate list (last gate first) and, per derivative slot, the op it belongs to.

    Program op ``k`` of code DENSE1 is a run of 1-qubit gates on one qubit (same controls),
    undone together in one pass: sub-gates ``sub_start[k]:sub_start[k+1]``."""

    codes: np.ndarray      # (K,) op code
    bits: np.ndarray       # (K, 4) t0, t1, control mask, number of sorted positions
    positions: np.ndarray  # (K, P) sorted target+control qubits
    udag: np.ndarray       # (K, 4, 4) inverse matrix (top-left 2x2 for 1-qubit ops)
    deriv_start: np.ndarray  # (K + 1,) slots of op k are deriv_start[k]:deriv_start[k+1]
    kmats: np.ndarray      # (D, 4, 4)
    sub_start: np.ndarray  # (K + 1,) sub-gates of a DENSE1 run
    sub_udag: np.ndarray   # (S, 2, 2)
    sub_kind: np.ndarray   # (S,) 1/2/3: RX/RY/RZ with one slot; else -1 - (its number of slots)
    deriv_op: np.ndarray   # (D,) index (in the original order) of the op of each slot
    deriv_param: list[Parameter]  # (D,) the symbolic parameter behind each slot


MAX_RUN_DERIVS = 4  # accumulators per pass in the 1-qubit run kernel


@dataclass
class _Gate:
    index: int
    op: Operation
    udag: np.ndarray
    kmats: list[np.ndarray]
    params: list[Parameter]


def _is_diagonal(m: np.ndarray) -> bool:
    return not np.any(m - np.diag(np.diag(m)))


def _code(run: list[_Gate]) -> int:
    op = run[0].op
    kind = GATES[op.name].kind if op.name in GATES else "dense"
    if len(run) > 1:
        return DENSE1
    if kind == "permutation" and not run[0].kmats:
        return SWAPBITS
    if len(op.targets) == 2:
        return DENSE2
    if _is_diagonal(run[0].udag) and all(_is_diagonal(k) for k in run[0].kmats):
        return DIAG1
    return DENSE1


# one-qubit Pauli rotations, from the generators in GATES (rx, ry, rz)
PAULIS = {name: g.generator for name, g in GATES.items() if g.generator is not None and g.n_targets == 1}


def _gate(index: int, op: Operation, values: Mapping[str, float]) -> _Gate:
    if op.name in PAULIS:  # exp(-i theta P / 2): U^dagger and dU U^dagger = -i/2 P in closed form
        theta = resolve(op.params[0], values)
        udag = math.cos(theta / 2) * I2 + (1j * math.sin(theta / 2)) * PAULIS[op.name]
        symbolic = isinstance(op.params[0], Parameter) and bool(op.params[0].symbols)
        kmats = [-0.5j * PAULIS[op.name]] if symbolic else []
        return _Gate(index, op, udag, kmats, [op.params[0]] if symbolic else [])
    udag = op.unitary(values).conj().T
    symbolic = [j for j, p in enumerate(op.params) if isinstance(p, Parameter) and p.symbols]
    derivs = gate_derivatives(op.name, op.numeric_params(values)) if symbolic else []
    kmats = [derivs[j] @ udag for j in symbolic]
    if len(op.targets) == 2 and len(kmats) > 1:
        raise ValueError(f"gate '{op.name}' has more parameters than the adjoint sweep supports")
    return _Gate(index, op, udag, kmats, [op.params[j] for j in symbolic])


def adjoint_gates(ops: Sequence[Operation], values: Mapping[str, float]) -> list[_Gate]:
    """Per gate of ``ops`` (circuit order, barriers skipped): its inverse matrix ``udag``, and
    ``K = dU/dtheta U^dagger`` with the symbolic parameter behind it for each symbolic parameter.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> [(g.op.name, len(g.kmats)) for g in adjoint_gates(Circuit(2).h(0).ry("a", 1).ops, {"a": 0.1})]
    [('h', 0), ('ry', 1)]
    """
    return [_gate(k, op, values) for k, op in enumerate(ops) if op.name != "barrier"]


ROTATION_KINDS = {"rx": 1, "ry": 2, "rz": 3}


def _sub_kind(g: _Gate) -> int:
    if g.op.name in ROTATION_KINDS and len(g.kmats) == 1:
        return ROTATION_KINDS[g.op.name]
    return -1 - len(g.kmats)


def _runs(gates: list[_Gate]) -> list[list[_Gate]]:
    """Group the (backward-ordered) gates: a 1-qubit gate joins an earlier run on the same
    target and controls when every run in between acts on other qubits (they commute)."""
    runs: list[list[_Gate]] = []
    keys: list[tuple] = []
    n_derivs: list[int] = []
    last_run: dict[int, int] = {}  # qubit -> index of the latest run that touches it
    for g in gates:
        key = (g.op.targets, g.op.controls)
        latest = max((last_run.get(q, -1) for q in g.op.qubits), default=-1)
        if (len(g.op.targets) == 1 and latest >= 0 and keys[latest] == key
                and n_derivs[latest] + len(g.kmats) <= MAX_RUN_DERIVS):
            runs[latest].append(g)
            n_derivs[latest] += len(g.kmats)
            continue
        runs.append([g])
        keys.append(key)
        n_derivs.append(len(g.kmats))
        for q in g.op.qubits:
            last_run[q] = len(runs) - 1
    return runs


def lower_backward(ops: Sequence[Operation], values: Mapping[str, float], dtype) -> BackwardProgram:
    """Lower the gates ``ops`` (in circuit order) for :func:`backward_sweep`."""
    gates = adjoint_gates(ops, values)[::-1]
    runs = _runs(gates)
    n_ops = len(runs)
    width = max([len(r[0].op.qubits) for r in runs], default=1)
    codes = np.zeros(n_ops, np.int64)
    bits = np.zeros((n_ops, 4), np.int64)
    positions = np.zeros((n_ops, max(width, 1)), np.int64)
    udags = np.zeros((n_ops, 4, 4), dtype)
    starts, subs, kmats, sub_udag, sub_kind, deriv_op, deriv_param = [0], [0], [], [], [], [], []
    for row, run in enumerate(runs):
        op = run[0].op
        codes[row] = _code(run)
        sorted_q = sorted(op.qubits)
        positions[row, :len(sorted_q)] = sorted_q
        t1 = op.targets[1] if len(op.targets) == 2 else 0
        bits[row] = (op.targets[0], t1, sum(1 << c for c in op.controls), len(sorted_q))
        if codes[row] == SWAPBITS:  # X: swap |0>,|1> of the target; SWAP: |01>,|10>
            bits[row, 0] = 0 if len(op.targets) == 1 else 1 << op.targets[0]
            bits[row, 1] = (1 << op.targets[0]) if len(op.targets) == 1 else 1 << op.targets[1]
        size = run[0].udag.shape[0]
        udags[row, :size, :size] = run[0].udag
        for g in run:
            if size == 2:
                sub_udag.append(g.udag)
                sub_kind.append(_sub_kind(g))
            for kmat, param in zip(g.kmats, g.params, strict=True):
                kmats.append(kmat)
                deriv_op.append(g.index)
                deriv_param.append(param)
        starts.append(len(kmats))
        subs.append(len(sub_udag))
    kmat_array = np.zeros((len(kmats), 4, 4), dtype)
    for slot, kmat in enumerate(kmats):
        kmat_array[slot, :kmat.shape[0], :kmat.shape[1]] = kmat
    sub_array = np.array(sub_udag, dtype) if sub_udag else np.zeros((0, 2, 2), dtype)
    return BackwardProgram(codes, bits, positions, udags, np.array(starts, np.int64), kmat_array,
                           np.array(subs, np.int64), sub_array, np.array(sub_kind, np.int64),
                           np.array(deriv_op, np.int64), deriv_param)


@njit(inline="always", cache=True)
def _expect_1q(kmats, e, l0, l1, a0, a1):
    """<l| K_e |a> on one amplitude pair."""
    return np.conj(l0) * (kmats[e, 0, 0] * a0 + kmats[e, 0, 1] * a1) + np.conj(l1) * (
        kmats[e, 1, 0] * a0 + kmats[e, 1, 1] * a1)


@njit(cache=True, nogil=True)  # a call, not inlined: keeps the parfor pass simple
def _run1_chunk(psi, lam, lo, hi, bit, pos, cmask, sub_udag, s_lo, s_hi, sub_kind, kmats, e0):
    """Undo a run of 1-qubit gates on one qubit over groups [lo, hi), each amplitude pair
    read and written once; return Re <lam|K|psi> for up to four derivative slots.

    Only the real part of each sum is used; RX/RY/RZ (``sub_kind`` 1-3, with a derivative
    slot) use their Pauli generator K = -i/2 P directly, other gates (kind 0) a dense K per slot
    (kind 0 has ``-1 - n_slots`` stored, so ``-1`` is a fixed gate)."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    for k in range(lo, hi):
        i0 = insert_zero_bits(np.int64(k), pos) | cmask
        i1 = i0 | bit
        a0, a1, l0, l1 = psi[i0], psi[i1], lam[i0], lam[i1]
        e = e0
        for s in range(s_lo, s_hi):
            kind = sub_kind[s]
            n_slots = 1 if kind > 0 else -1 - kind
            for _ in range(n_slots):
                if kind == 1:  # RX: Re <l|-i/2 X|a> = Im(conj(l0) a1 + conj(l1) a0) / 2
                    v = 0.5 * (np.conj(l0) * a1 + np.conj(l1) * a0).imag
                elif kind == 2:  # RY: Re <l|-i/2 Y|a> = Re(conj(l1) a0 - conj(l0) a1) / 2
                    v = 0.5 * (np.conj(l1) * a0 - np.conj(l0) * a1).real
                elif kind == 3:  # RZ: Re <l|-i/2 Z|a> = Im(conj(l0) a0 - conj(l1) a1) / 2
                    v = 0.5 * (np.conj(l0) * a0 - np.conj(l1) * a1).imag
                else:
                    v = _expect_1q(kmats, e, l0, l1, a0, a1).real
                slot = e - e0
                if slot == 0:
                    s0 += v
                elif slot == 1:
                    s1 += v
                elif slot == 2:
                    s2 += v
                else:
                    s3 += v
                e += 1
            u = sub_udag[s]
            if kind == 3:
                b0 = u[0, 0] * a0
                b1 = u[1, 1] * a1
                m0 = u[0, 0] * l0
                m1 = u[1, 1] * l1
            elif kind == 2:
                c, sn = u[0, 0].real, u[0, 1].real
                b0 = c * a0 + sn * a1
                b1 = c * a1 - sn * a0
                m0 = c * l0 + sn * l1
                m1 = c * l1 - sn * l0
            else:
                b0 = u[0, 0] * a0 + u[0, 1] * a1
                b1 = u[1, 0] * a0 + u[1, 1] * a1
                m0 = u[0, 0] * l0 + u[0, 1] * l1
                m1 = u[1, 0] * l0 + u[1, 1] * l1
            a0 = b0
            a1 = b1
            l0 = m0
            l1 = m1
        psi[i0] = a0
        psi[i1] = a1
        lam[i0] = l0
        lam[i1] = l1
    return s0, s1, s2, s3


@njit(inline="always", cache=True)
def _diag1_chunk(psi, lam, lo, hi, bit, pos, cmask, u, kmats, e0, nd):
    """Undo a diagonal 1-qubit gate (RZ, phase) on groups [lo, hi); return <lam|K|psi>."""
    s0 = 0.0j
    d0, d1 = u[0, 0], u[1, 1]
    k0 = kmats[e0, 0, 0] if nd > 0 else d0 * 0.0
    k1 = kmats[e0, 1, 1] if nd > 0 else d0 * 0.0
    for k in range(lo, hi):
        i0 = insert_zero_bits(np.int64(k), pos) | cmask
        i1 = i0 | bit
        a0, a1, l0, l1 = psi[i0], psi[i1], lam[i0], lam[i1]
        s0 += np.conj(l0) * k0 * a0 + np.conj(l1) * k1 * a1
        psi[i0] = d0 * a0
        psi[i1] = d1 * a1
        lam[i0] = d0 * l0
        lam[i1] = d1 * l1
    return s0


@njit(inline="always", cache=True)
def _dense2_chunk(psi, lam, lo, hi, b0, b1, pos, cmask, u, kmats, e0, nd):
    """Undo a 2-qubit gate on groups [lo, hi); return <lam|K|psi> (one parameter at most)."""
    s0 = 0.0j
    for k in range(lo, hi):
        i0 = insert_zero_bits(np.int64(k), pos) | cmask
        idx = (i0, i0 | b0, i0 | b1, i0 | b0 | b1)
        a = (psi[idx[0]], psi[idx[1]], psi[idx[2]], psi[idx[3]])
        lv = (lam[idx[0]], lam[idx[1]], lam[idx[2]], lam[idx[3]])
        for r in range(4):
            acc_a = u[r, 0] * a[0] + u[r, 1] * a[1] + u[r, 2] * a[2] + u[r, 3] * a[3]
            acc_l = u[r, 0] * lv[0] + u[r, 1] * lv[1] + u[r, 2] * lv[2] + u[r, 3] * lv[3]
            if nd > 0:
                ka = kmats[e0, r, 0] * a[0] + kmats[e0, r, 1] * a[1] + kmats[e0, r, 2] * a[2] + (
                    kmats[e0, r, 3] * a[3])
                s0 += np.conj(lv[r]) * ka
            psi[idx[r]] = acc_a
            lam[idx[r]] = acc_l
    return s0


@njit(inline="always", cache=True)
def _swap_chunk(psi, lam, lo, hi, mask_a, mask_b, pos, cmask):
    for k in range(lo, hi):
        base = insert_zero_bits(np.int64(k), pos) | cmask
        ia = base | mask_a
        ib = base | mask_b
        psi[ia], psi[ib] = psi[ib], psi[ia]
        lam[ia], lam[ib] = lam[ib], lam[ia]


@njit(parallel=True, cache=True, nogil=True)
def backward_sweep(psi, lam, codes, bits, positions, udag, deriv_start, kmats, sub_start, sub_udag, sub_kind,
                   parallel_min, chunk):
    """Undo every op of a lowered program on psi and lam; return <lam|K_e|psi> per derivative slot
    (taken just before its gate is undone). Work is split in chunks of ``chunk`` groups,
    run in parallel when the state has at least ``parallel_min`` amplitudes."""
    out = np.zeros(kmats.shape[0], dtype=np.complex128)
    parallel = psi.shape[0] >= parallel_min
    for op in range(codes.shape[0]):
        code = codes[op]
        t0, t1, cmask, npos = bits[op, 0], bits[op, 1], bits[op, 2], bits[op, 3]
        pos = positions[op, :npos]
        u = udag[op]
        e0 = deriv_start[op]
        nd = deriv_start[op + 1] - e0
        groups = psi.shape[0] >> npos
        n_chunks = (groups + chunk - 1) // chunk
        if code == SWAPBITS:
            if parallel:
                for c in prange(n_chunks):
                    _swap_chunk(psi, lam, c * chunk, min(groups, (c + 1) * chunk), t0, t1, pos, cmask)
            else:
                _swap_chunk(psi, lam, 0, groups, t0, t1, pos, cmask)
        elif code == DENSE1:
            out_ops = _run1_sweep(psi, lam, groups, n_chunks, parallel, np.int64(1) << t0, pos, cmask,
                                  sub_udag, sub_start[op], sub_start[op + 1], sub_kind, kmats, e0, chunk)
            for j in range(nd):
                out[e0 + j] = out_ops[j]
        else:
            r = 0.0
            i = 0.0
            if parallel:
                for c in prange(n_chunks):
                    s = _one_chunk(psi, lam, c * chunk, min(groups, (c + 1) * chunk), code, t0, t1, pos,
                                   cmask, u, kmats, e0, nd)
                    r += s.real
                    i += s.imag
            else:
                s = _one_chunk(psi, lam, 0, groups, code, t0, t1, pos, cmask, u, kmats, e0, nd)
                r, i = s.real, s.imag
            if nd > 0:
                out[e0] = complex(r, i)
    return out


@njit(inline="always", cache=True)
def _one_chunk(psi, lam, lo, hi, code, t0, t1, pos, cmask, u, kmats, e0, nd):
    if code == DIAG1:
        return _diag1_chunk(psi, lam, lo, hi, np.int64(1) << t0, pos, cmask, u, kmats, e0, nd)
    return _dense2_chunk(psi, lam, lo, hi, np.int64(1) << t0, np.int64(1) << t1, pos, cmask, u, kmats,
                         e0, nd)


@njit(parallel=True, cache=True, nogil=True)
def _run1_sweep(psi, lam, groups, n_chunks, parallel, bit, pos, cmask, sub_udag, s_lo, s_hi, sub_kind, kmats,
                e0, chunk):
    r0 = 0.0
    r1 = 0.0
    r2 = 0.0
    r3 = 0.0
    if parallel:
        for c in prange(n_chunks):
            s0, s1, s2, s3 = _run1_chunk(psi, lam, c * chunk, min(groups, (c + 1) * chunk), bit, pos, cmask,
                                         sub_udag, s_lo, s_hi, sub_kind, kmats, e0)
            r0 += s0
            r1 += s1
            r2 += s2
            r3 += s3
    else:
        s0, s1, s2, s3 = _run1_chunk(psi, lam, 0, groups, bit, pos, cmask, sub_udag, s_lo, s_hi, sub_kind,
                                     kmats, e0)
        r0, r1, r2, r3 = s0, s1, s2, s3
    return complex(r0, 0.0), complex(r1, 0.0), complex(r2, 0.0), complex(r3, 0.0)


@njit(cache=True, nogil=True)
def forward_sweep(psi, codes, bits, positions, udag, sub_start, sub_udag):
    """Apply the gates of a lowered program in circuit order (program ops last to first, each
    matrix the conjugate transpose of the stored inverse); serial, for small states where
    per-gate Python dispatch would cost more than the arithmetic."""
    for op in range(codes.shape[0] - 1, -1, -1):
        code = codes[op]
        t0, t1, cmask, npos = bits[op, 0], bits[op, 1], bits[op, 2], bits[op, 3]
        pos = positions[op, :npos]
        groups = psi.shape[0] >> npos
        if code == SWAPBITS:
            for k in range(groups):
                base = insert_zero_bits(np.int64(k), pos) | cmask
                ia = base | t0
                ib = base | t1
                tmp = psi[ia]
                psi[ia] = psi[ib]
                psi[ib] = tmp
        elif code == DENSE2:
            m = np.conj(udag[op].T)
            b0 = np.int64(1) << t0
            b1 = np.int64(1) << t1
            for k in range(groups):
                i0 = insert_zero_bits(np.int64(k), pos) | cmask
                idx = (i0, i0 | b0, i0 | b1, i0 | b0 | b1)
                a = (psi[idx[0]], psi[idx[1]], psi[idx[2]], psi[idx[3]])
                for r in range(4):
                    psi[idx[r]] = m[r, 0] * a[0] + m[r, 1] * a[1] + m[r, 2] * a[2] + m[r, 3] * a[3]
        else:
            bit = np.int64(1) << t0
            for s in range(sub_start[op + 1] - 1, sub_start[op] - 1, -1):
                u = sub_udag[s]
                m00, m01, m10, m11 = np.conj(u[0, 0]), np.conj(u[1, 0]), np.conj(u[0, 1]), np.conj(u[1, 1])
                for k in range(groups):
                    i0 = insert_zero_bits(np.int64(k), pos) | cmask
                    i1 = i0 | bit
                    a0 = psi[i0]
                    a1 = psi[i1]
                    psi[i0] = m00 * a0 + m01 * a1
                    psi[i1] = m10 * a0 + m11 * a1


def run_forward(psi: np.ndarray, program: BackwardProgram) -> None:
    """psi <- U psi for the circuit ``program`` was lowered from."""
    forward_sweep(psi, program.codes, program.bits, program.positions, program.udag, program.sub_start,
                  program.sub_udag)


@njit(cache=True, nogil=True)
def real_inner(a, b):
    """Re <a|b>, serial (numpy's vdot goes through BLAS, whose spinning threads would then
    compete with the sweep's for the cores)."""
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i].real * b[i].real + a[i].imag * b[i].imag
    return total


def run_backward(psi: np.ndarray, lam: np.ndarray, program: BackwardProgram,
                 parallel_min: int = PARALLEL_MIN_SIZE, chunk: int = CHUNK) -> np.ndarray:
    """d<H>/dtheta for every derivative slot of ``program`` (``2 Re <lam|K|psi>``); psi and lam
    are overwritten (they end as the initial state and U^dagger H |psi>)."""
    values = backward_sweep(psi, lam, program.codes, program.bits, program.positions, program.udag,
                            program.deriv_start, program.kmats, program.sub_start, program.sub_udag,
                            program.sub_kind, parallel_min, chunk)
    return 2.0 * values.real
