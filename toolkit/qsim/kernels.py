"""Numba state-vector kernels: one pass over the amplitude pairs (or quads) a gate touches.

Indices are built by inserting zero bits at the sorted positions of the qubits a
gate acts on (targets and controls), so each kernel loops over exactly the
``2^(n - k)`` groups it changes, in parallel, with no temporaries.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numba import types as nbtypes
from numba.extending import intrinsic

from mstool.toolkit.backend import size_dispatch

_OPTS = {"cache": True, "nogil": True}
PARALLEL_MIN_SIZE = 1 << 16  # below this, thread start-up costs more than the loop


@njit(inline="always", **_OPTS)
def insert_zero_bits(k, positions):
    """Insert a 0 bit at each of ``positions`` (ascending) into integer ``k``."""
    for p in positions:
        low = k & ((np.int64(1) << p) - 1)
        k = ((k >> p) << (p + 1)) | low
    return k


@intrinsic
def popcount(typingctx, x):
    """The number of set bits of an int64 (LLVM ctpop: one POPCNT instruction)."""
    if not isinstance(x, nbtypes.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return x(x), codegen


@njit(inline="always", **_OPTS)
def parity(x):
    """1 when ``x`` has an odd number of set bits, else 0."""
    return popcount(x) & 1


def apply_1q(psi, target, m):
    """psi <- m on ``target`` (no controls): the fast path.

    Pairs are walked in chunks whose low halves are contiguous, so the inner loop is a
    plain stride-1 loop the compiler can vectorise.
    """
    m00, m01, m10, m11 = m[0, 0], m[0, 1], m[1, 0], m[1, 1]
    bit = np.int64(1) << target
    low_mask = bit - 1
    n_pairs = psi.shape[0] // 2
    if bit < 64:  # short runs: compute every pair's index
        for k in prange(n_pairs):
            i0 = ((k >> target) << (target + 1)) | (k & low_mask)
            a0 = psi[i0]
            a1 = psi[i0 | bit]
            psi[i0] = m00 * a0 + m01 * a1
            psi[i0 | bit] = m10 * a0 + m11 * a1
        return
    chunk = min(bit, np.int64(4096))
    for c in prange(n_pairs // chunk):
        k0 = c * chunk
        base = ((k0 >> target) << (target + 1)) | (k0 & low_mask)
        for j in range(chunk):
            i0 = base + j
            i1 = i0 + bit
            a0 = psi[i0]
            a1 = psi[i1]
            psi[i0] = m00 * a0 + m01 * a1
            psi[i1] = m10 * a0 + m11 * a1


def apply_1q_controlled(psi, target, m, positions, cmask):
    """psi <- m on ``target`` where every control bit (``cmask``) is 1."""
    m00, m01, m10, m11 = m[0, 0], m[0, 1], m[1, 0], m[1, 1]
    bit = np.int64(1) << target
    for k in prange(psi.shape[0] >> positions.shape[0]):
        i0 = insert_zero_bits(np.int64(k), positions) | cmask
        i1 = i0 | bit
        a0 = psi[i0]
        a1 = psi[i1]
        psi[i0] = m00 * a0 + m01 * a1
        psi[i1] = m10 * a0 + m11 * a1


def apply_2q(psi, t0, t1, m, positions, cmask):
    """psi <- 4x4 ``m`` on targets (t0, t1), basis index b(t0) + 2 b(t1); controls in ``cmask``."""
    # matrix entries in locals: psi and m could alias as far as the compiler knows
    m00, m01, m02, m03 = m[0, 0], m[0, 1], m[0, 2], m[0, 3]
    m10, m11, m12, m13 = m[1, 0], m[1, 1], m[1, 2], m[1, 3]
    m20, m21, m22, m23 = m[2, 0], m[2, 1], m[2, 2], m[2, 3]
    m30, m31, m32, m33 = m[3, 0], m[3, 1], m[3, 2], m[3, 3]
    b0 = np.int64(1) << t0
    b1 = np.int64(1) << t1
    for k in prange(psi.shape[0] >> positions.shape[0]):
        i0 = insert_zero_bits(np.int64(k), positions) | cmask
        i1 = i0 | b0
        i2 = i0 | b1
        i3 = i1 | b1
        a0 = psi[i0]
        a1 = psi[i1]
        a2 = psi[i2]
        a3 = psi[i3]
        psi[i0] = m00 * a0 + m01 * a1 + m02 * a2 + m03 * a3
        psi[i1] = m10 * a0 + m11 * a1 + m12 * a2 + m13 * a3
        psi[i2] = m20 * a0 + m21 * a1 + m22 * a2 + m23 * a3
        psi[i3] = m30 * a0 + m31 * a1 + m32 * a2 + m33 * a3


def apply_1q_selected(psi, target, selector, u, p_lo, p_hi):
    """A uniformly controlled 1-qubit gate: u[0] on ``target`` where qubit ``selector`` is 0,
    u[1] where it is 1 (p_lo < p_hi are the two qubits). A CNOT fused with a 1-qubit gate
    on its target is one of these: half the work of a dense 4x4."""
    u000, u001, u010, u011 = u[0, 0, 0], u[0, 0, 1], u[0, 1, 0], u[0, 1, 1]
    u100, u101, u110, u111 = u[1, 0, 0], u[1, 0, 1], u[1, 1, 0], u[1, 1, 1]
    bt = np.int64(1) << target
    bs = np.int64(1) << selector
    mask_lo = (np.int64(1) << p_lo) - 1
    mask_hi = (np.int64(1) << p_hi) - 1
    # chunks of consecutive k share their index bits above p_lo: a stride-1 inner loop
    chunk = min(np.int64(1) << p_lo, np.int64(4096)) if p_lo >= 6 else np.int64(1)
    for c in prange((psi.shape[0] >> 2) // chunk):
        k0 = c * chunk
        i = ((k0 >> p_lo) << (p_lo + 1)) | (k0 & mask_lo)
        base = ((i >> p_hi) << (p_hi + 1)) | (i & mask_hi)
        for j in range(chunk):
            _selected_pair(psi, base + j, bt, bs, u000, u001, u010, u011, u100, u101, u110, u111)


@njit(inline="always", **_OPTS)
def _selected_pair(psi, i0, bt, bs, u000, u001, u010, u011, u100, u101, u110, u111):
    """One quad of :func:`apply_1q_selected`: u[0] on (i0, i0|bt), u[1] on the selector-1 pair."""
    j0 = i0 | bt
    a0 = psi[i0]
    a1 = psi[j0]
    psi[i0] = u000 * a0 + u001 * a1
    psi[j0] = u010 * a0 + u011 * a1
    i1 = i0 | bs
    j1 = i1 | bt
    b0 = psi[i1]
    b1 = psi[j1]
    psi[i1] = u100 * b0 + u101 * b1
    psi[j1] = u110 * b0 + u111 * b1


def apply_diagonal(psi, targets, diag, positions, cmask):
    """psi[i] *= diag[j] where j is read from the target bits of i (controls in ``cmask``)."""
    n_targets = targets.shape[0]
    for k in prange(psi.shape[0] >> positions.shape[0]):
        base = insert_zero_bits(np.int64(k), positions) | cmask
        for j in range(1 << n_targets):
            i = base
            for b in range(n_targets):
                if (j >> b) & 1:
                    i |= np.int64(1) << targets[b]
            psi[i] *= diag[j]


def apply_swap_bits(psi, mask_a, mask_b, positions, cmask):
    """Exchange psi[base|mask_a] and psi[base|mask_b]: X (mask_a=0) and SWAP, with controls."""
    for k in prange(psi.shape[0] >> positions.shape[0]):
        base = insert_zero_bits(np.int64(k), positions) | cmask
        ia = base | mask_a
        ib = base | mask_b
        tmp = psi[ia]
        psi[ia] = psi[ib]
        psi[ib] = tmp


def pauli_sum_expectation(psi, flip_masks, phase_masks, coeffs):
    """<psi| sum_t coeffs[t] P_t |psi> (real part), each P_t = coeff * X^flip * Z^phase.

    ``coeffs`` already holds the i^(number of Y) factor of each term.
    """
    total = 0.0
    for i in prange(psi.shape[0]):
        ci = np.conj(psi[i])
        acc = 0.0
        for t in range(coeffs.shape[0]):
            j = i ^ flip_masks[t]
            sign = 1.0 - 2.0 * parity(j & phase_masks[t])
            acc += (coeffs[t] * sign * ci * psi[j]).real
        total += acc
    return total


def apply_pauli_sum(psi, out, flip_masks, phase_masks, coeffs):
    """out <- (sum_t coeffs[t] P_t) psi without building a matrix.

    Terms with the same flip mask read the same amplitude: their signed coefficients are
    summed first, so a diagonal Hamiltonian (only Z) costs one multiply per amplitude.
    Terms sorted by flip mask make the most of this (any order is correct)."""
    n_terms = coeffs.shape[0]
    for i in prange(psi.shape[0]):
        acc = 0.0j
        factor = 0.0j
        for t in range(n_terms):
            j = i ^ flip_masks[t]
            factor += coeffs[t] * (1.0 - 2.0 * parity(j & phase_masks[t]))
            if t == n_terms - 1 or flip_masks[t + 1] != flip_masks[t]:
                acc += factor * psi[j]
                factor = 0.0j
        out[i] = acc


def apply_diagonal_pauli(psi, out, phase_masks, coeffs, low_bits, accumulate):
    """out <- (or +=) (sum_t coeffs[t] Z^phase_masks[t]) psi, for real ``coeffs`` (terms
    without X or Y: a diagonal operator).

    The sign of a term splits into the sign from the index's ``low_bits`` low bits (a table
    made once) times the sign from its high bits (once per block), so the sum over terms
    is a vectorisable multiply-add over each block of ``2^low_bits`` amplitudes."""
    n_terms = coeffs.shape[0]
    block = np.int64(1) << low_bits
    table = np.empty((n_terms, block))
    for t in range(n_terms):
        for lo in range(block):
            table[t, lo] = 1.0 - 2.0 * parity(lo & phase_masks[t])
    for hb in prange(psi.shape[0] >> low_bits):
        hi = np.int64(hb) << low_bits
        values = np.zeros(block)
        for t in range(n_terms):
            w = coeffs[t] * (1.0 - 2.0 * parity(hi & phase_masks[t]))
            for lo in range(block):
                values[lo] += w * table[t, lo]
        for lo in range(block):
            if accumulate:
                out[hi + lo] += values[lo] * psi[hi + lo]
            else:
                out[hi + lo] = values[lo] * psi[hi + lo]


def reduced_density_1q(psi, target):
    """The 2x2 reduced density matrix of qubit ``target`` as (rho00, rho11, rho01)."""
    bit = np.int64(1) << target
    low_mask = bit - 1
    r00 = 0.0
    r11 = 0.0
    r01_re = 0.0
    r01_im = 0.0
    for k in prange(psi.shape[0] // 2):
        i0 = ((k >> target) << (target + 1)) | (k & low_mask)
        a0 = psi[i0]
        a1 = psi[i0 | bit]
        r00 += a0.real ** 2 + a0.imag ** 2
        r11 += a1.real ** 2 + a1.imag ** 2
        v = a0 * np.conj(a1)
        r01_re += v.real
        r01_im += v.imag
    return r00, r11, complex(r01_re, r01_im)


def probability_of_one(psi, target):
    """P(qubit ``target`` reads 1)."""
    bit = np.int64(1) << target
    total = 0.0
    for i in prange(psi.shape[0]):
        if i & bit:
            total += psi[i].real ** 2 + psi[i].imag ** 2
    return total


def collapse(psi, target, outcome, scale):
    """Zero the amplitudes where qubit ``target`` != ``outcome``; multiply the rest by ``scale``."""
    bit = np.int64(1) << target
    for i in prange(psi.shape[0]):
        if ((i & bit) != 0) == (outcome == 1):
            psi[i] *= scale
        else:
            psi[i] = 0.0


def norm_squared(psi):
    total = 0.0
    for i in prange(psi.shape[0]):
        total += psi[i].real ** 2 + psi[i].imag ** 2
    return total


def copy_state(src, dst):
    """A plain parallel copy: the memory-bandwidth yardstick for the gate kernels."""
    for i in prange(src.shape[0]):
        dst[i] = src[i]


KERNELS = ["apply_1q", "apply_1q_controlled", "apply_2q", "apply_1q_selected", "apply_diagonal",
           "apply_swap_bits", "pauli_sum_expectation", "apply_pauli_sum", "apply_diagonal_pauli",
           "reduced_density_1q", "probability_of_one", "collapse", "norm_squared",
           "copy_state"]
for _name in KERNELS:
    globals()[_name] = size_dispatch(globals()[_name], PARALLEL_MIN_SIZE, **_OPTS)
