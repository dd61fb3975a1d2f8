"""Cache-blocked execution of gate groups: one pass over memory per group of gates.

A group acts on a set S of at most ~12 qubits. For every coset of S (a fixed value of
all other bits) its ``2^|S|`` amplitudes are gathered into a small buffer (real and
imaginary parts apart, so the inner loops vectorise), every gate of the group runs
inside the buffer, and the buffer is scattered back. The buffer stays in the core's
cache, so a group of many gates costs one trip to memory and one parallel region.

Buffer ops (``codes``; local qubit positions in ``args``/``positions``):

- ``APPLY1`` 2x2 matrix on local target ``t`` (controls in a local mask), ``DIAG1`` its
  diagonal special case, ``APPLY2`` 4x4 matrix on ``(t0, t1)``, ``SWAP`` exchange of two
  basis states (X, CNOT, Toffoli, SWAP);
- ``SELECT1`` a uniformly controlled 1-qubit gate: the 2x2 block ``m[:2, :2]`` on target
  ``t0`` where the selector bit ``t1`` is 0, ``m[2:, 2:]`` where it is 1 (a CNOT fused with
  the 1-qubit gates on its target: one pass instead of two);
- ``TRANSPOSE`` exchanges the lowest and highest ``FIELD`` bits of the buffer index (gates
  whose lowest position is >= 4 get stride-1 inner loops of >= 16; gates on the lowest bits
  run after a transpose);
- ops of the adjoint sweep: ``DERIV1``/``DERIV2`` only read, adding Re<lam|K|psi> for a
  2x2/4x4 ``K`` (controls in the mask) to a derivative slot; ``DAPPLY1`` adds
  Re<lam|-i/2 P|psi> for an uncontrolled RX/RY/RZ (P from ``args``) and undoes the gate on
  both vectors in the same pass.

Arithmetic runs in the state's precision: float32 buffers and matrices for complex64
(twice the SIMD lanes and half the cache traffic of float64, as qsim computes), float64 for
complex128; derivative sums accumulate in float64 either way.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from mstool.toolkit.backend import numba_variants
from mstool.toolkit.qsim.kernels import insert_zero_bits, popcount

APPLY1, DIAG1, APPLY2, SWAP, DERIV1, DERIV2, TRANSPOSE, SELECT1, DAPPLY1 = range(9)
FIELD = 4  # TRANSPOSE exchanges the lowest and the highest FIELD bits of the buffer index
MAX_RUN = 64  # longest psi-contiguous run a gather or scatter moves at once
# args columns: t0, t1, control mask, derivative slot, Pauli 1/2/3 (DAPPLY1),
# number of sorted positions
A_T0, A_T1, A_CMASK, A_SLOT, A_KIND, A_NPOS = range(6)
_FM = {"contract", "arcp", "nsz"}  # FMA contraction only: sums keep their order
_FM_SUM = _FM | {"reassoc"}  # derivative sums: reordered so they vectorise (tested to 1e-10)
_OPTS = {"cache": True, "nogil": True, "fastmath": _FM}


@njit(inline="always", **_OPTS)
def _bases(kh, p0, pos, cmask):
    """Index of the first amplitude of the ``kh``-th contiguous run (zeros at ``pos``), unsigned:
    unsigned indices skip the negative-index wraparound, so the inner loops vectorise."""
    return np.uint64(insert_zero_bits(np.int64(kh) << p0, pos) | cmask)


@njit(**_OPTS)
def _apply1(re, im, size, t, pos, cmask, m):
    h = np.uint64(1) << np.uint64(t)
    m00r, m00i, m01r, m01i = m[0, 0].real, m[0, 0].imag, m[0, 1].real, m[0, 1].imag
    m10r, m10i, m11r, m11i = m[1, 0].real, m[1, 0].imag, m[1, 1].real, m[1, 1].imag
    p0 = pos[0]
    inner = np.uint64(1) << np.uint64(p0)
    for kh in range(size >> pos.shape[0] >> p0):
        b = _bases(kh, p0, pos, cmask)
        for c in range(inner):
            i0 = b + c
            i1 = i0 + h
            a0r, a0i, a1r, a1i = re[i0], im[i0], re[i1], im[i1]
            re[i0] = m00r * a0r - m00i * a0i + m01r * a1r - m01i * a1i
            im[i0] = m00r * a0i + m00i * a0r + m01r * a1i + m01i * a1r
            re[i1] = m10r * a0r - m10i * a0i + m11r * a1r - m11i * a1i
            im[i1] = m10r * a0i + m10i * a0r + m11r * a1i + m11i * a1r


@njit(**_OPTS)
def _diag1(re, im, size, t, pos, cmask, m):
    h = np.uint64(1) << np.uint64(t)
    d0r, d0i, d1r, d1i = m[0, 0].real, m[0, 0].imag, m[1, 1].real, m[1, 1].imag
    p0 = pos[0]
    inner = np.uint64(1) << np.uint64(p0)
    for kh in range(size >> pos.shape[0] >> p0):
        b = _bases(kh, p0, pos, cmask)
        for c in range(inner):
            i0 = b + c
            i1 = i0 + h
            a0r, a0i, a1r, a1i = re[i0], im[i0], re[i1], im[i1]
            re[i0] = d0r * a0r - d0i * a0i
            im[i0] = d0r * a0i + d0i * a0r
            re[i1] = d1r * a1r - d1i * a1i
            im[i1] = d1r * a1i + d1i * a1r


@njit(**_OPTS)
def _apply2(re, im, size, t0, t1, pos, cmask, m):
    h0 = np.uint64(1) << np.uint64(t0)
    h1 = np.uint64(1) << np.uint64(t1)
    p0 = pos[0]
    inner = np.uint64(1) << np.uint64(p0)
    ar = np.empty(4)
    ai = np.empty(4)
    for kh in range(size >> pos.shape[0] >> p0):
        b = _bases(kh, p0, pos, cmask)
        for c in range(inner):
            i0 = b + c
            idx = (i0, i0 + h0, i0 + h1, i0 + h0 + h1)
            for r in range(4):
                ar[r] = re[idx[r]]
                ai[r] = im[idx[r]]
            for r in range(4):
                sr = 0.0
                si = 0.0
                for k in range(4):
                    mr = m[r, k].real
                    mi = m[r, k].imag
                    sr += mr * ar[k] - mi * ai[k]
                    si += mr * ai[k] + mi * ar[k]
                re[idx[r]] = sr
                im[idx[r]] = si


@njit(**_OPTS)
def _swap(re, im, size, mask_a, mask_b, pos, cmask):
    ma = np.uint64(mask_a)
    mb = np.uint64(mask_b)
    p0 = pos[0]
    inner = np.uint64(1) << np.uint64(p0)
    for kh in range(size >> pos.shape[0] >> p0):
        b = _bases(kh, p0, pos, cmask)
        for c in range(inner):
            ia = b + c + ma
            ib = b + c + mb
            tr, ti = re[ia], im[ia]
            re[ia] = re[ib]
            im[ia] = im[ib]
            re[ib] = tr
            im[ib] = ti


@njit(cache=True, nogil=True, fastmath=_FM_SUM)
def _drot_apply(pr, pi, lr, li, size, t, kind, m):
    """Re <lam| -i/2 P |psi> for P = X (1), Y (2), Z (3) on target ``t``, then the 2x2 ``m``
    on ``t`` of psi and lam, in one pass (RY's real matrix and RZ's diagonal one take loops
    with fewer multiplications)."""
    h = np.uint64(1) << np.uint64(t)
    total = 0.0
    for kh in range(size >> (t + 1)):
        b = np.uint64(kh) << np.uint64(t + 1)
        if kind == 2:
            total += _ry_run(pr, pi, lr, li, b, h, m[0, 0].real, m[0, 1].real)
        elif kind == 3:
            total += _rz_run(pr, pi, lr, li, b, h, m[0, 0].real, m[0, 0].imag, m[1, 1].imag)
        else:
            total += _rx_run(pr, pi, lr, li, b, h, m)
    return 0.5 * total


@njit(inline="always", cache=True, nogil=True, fastmath=_FM_SUM)
def _ry_run(pr, pi, lr, li, b, h, c, s):
    """RY^dagger = [[c, s], [-s, c]] (real) on pairs b..b+h; returns 2 Re <l|-i/2 Y|a>."""
    acc = 0.0
    for k in range(h):
        i0 = b + k
        i1 = i0 + h
        a0r, a0i, a1r, a1i = pr[i0], pi[i0], pr[i1], pi[i1]
        l0r, l0i, l1r, l1i = lr[i0], li[i0], lr[i1], li[i1]
        acc += l1r * a0r + l1i * a0i - l0r * a1r - l0i * a1i
        pr[i0] = c * a0r + s * a1r
        pi[i0] = c * a0i + s * a1i
        pr[i1] = c * a1r - s * a0r
        pi[i1] = c * a1i - s * a0i
        lr[i0] = c * l0r + s * l1r
        li[i0] = c * l0i + s * l1i
        lr[i1] = c * l1r - s * l0r
        li[i1] = c * l1i - s * l0i
    return acc


@njit(inline="always", cache=True, nogil=True, fastmath=_FM_SUM)
def _rz_run(pr, pi, lr, li, b, h, c, s0, s1):
    """RZ^dagger = diag(c + i s0, c + i s1) on pairs b..b+h; returns 2 Re <l|-i/2 Z|a>."""
    acc = 0.0
    for k in range(h):
        i0 = b + k
        i1 = i0 + h
        a0r, a0i, a1r, a1i = pr[i0], pi[i0], pr[i1], pi[i1]
        l0r, l0i, l1r, l1i = lr[i0], li[i0], lr[i1], li[i1]
        acc += l0r * a0i - l0i * a0r - l1r * a1i + l1i * a1r
        pr[i0] = c * a0r - s0 * a0i
        pi[i0] = c * a0i + s0 * a0r
        pr[i1] = c * a1r - s1 * a1i
        pi[i1] = c * a1i + s1 * a1r
        lr[i0] = c * l0r - s0 * l0i
        li[i0] = c * l0i + s0 * l0r
        lr[i1] = c * l1r - s1 * l1i
        li[i1] = c * l1i + s1 * l1r
    return acc


@njit(inline="always", cache=True, nogil=True, fastmath=_FM_SUM)
def _rx_run(pr, pi, lr, li, b, h, m):
    """A general 2x2 ``m`` on pairs b..b+h; returns 2 Re <l|-i/2 X|a>."""
    m00r, m00i, m01r, m01i = m[0, 0].real, m[0, 0].imag, m[0, 1].real, m[0, 1].imag
    m10r, m10i, m11r, m11i = m[1, 0].real, m[1, 0].imag, m[1, 1].real, m[1, 1].imag
    acc = 0.0
    for k in range(h):
        i0 = b + k
        i1 = i0 + h
        a0r, a0i, a1r, a1i = pr[i0], pi[i0], pr[i1], pi[i1]
        l0r, l0i, l1r, l1i = lr[i0], li[i0], lr[i1], li[i1]
        acc += l0r * a1i - l0i * a1r + l1r * a0i - l1i * a0r
        pr[i0] = m00r * a0r - m00i * a0i + m01r * a1r - m01i * a1i
        pi[i0] = m00r * a0i + m00i * a0r + m01r * a1i + m01i * a1r
        pr[i1] = m10r * a0r - m10i * a0i + m11r * a1r - m11i * a1i
        pi[i1] = m10r * a0i + m10i * a0r + m11r * a1i + m11i * a1r
        lr[i0] = m00r * l0r - m00i * l0i + m01r * l1r - m01i * l1i
        li[i0] = m00r * l0i + m00i * l0r + m01r * l1i + m01i * l1r
        lr[i1] = m10r * l0r - m10i * l0i + m11r * l1r - m11i * l1i
        li[i1] = m10r * l0i + m10i * l0r + m11r * l1i + m11i * l1r
    return acc


@njit(**_OPTS)
def _deriv(pr, pi, lr, li, size, n_t, t0, t1, pos, cmask, k):
    """Re <lam|K|psi> for a 2x2 (``n_t`` 1) or 4x4 (``n_t`` 2) ``K`` on the targets."""
    offs = np.zeros(4, np.uint64)
    offs[1] = np.uint64(1) << np.uint64(t0)
    if n_t == 2:
        offs[2] = np.uint64(1) << np.uint64(t1)
        offs[3] = offs[1] + offs[2]
    dim = 1 << n_t
    p0 = pos[0]
    inner = np.uint64(1) << np.uint64(p0)
    total = 0.0
    for kh in range(size >> pos.shape[0] >> p0):
        b = _bases(kh, p0, pos, cmask)
        for c in range(inner):
            i0 = b + c
            for r in range(dim):
                kr = 0.0
                ki = 0.0
                for s in range(dim):
                    j = i0 + offs[s]
                    kr += k[r, s].real * pr[j] - k[r, s].imag * pi[j]
                    ki += k[r, s].real * pi[j] + k[r, s].imag * pr[j]
                j = i0 + offs[r]
                total += lr[j] * kr + li[j] * ki
    return total


@njit(**_OPTS)
def _transpose(re, im, size):
    """Exchange the lowest and the highest FIELD bits of every index (an involution)."""
    nq = 0
    while (np.int64(1) << nq) < size:
        nq += 1
    shift = np.uint64(nq - FIELD)
    field = np.uint64(FIELD)
    for a in range(np.uint64(1) << field):
        for b in range(a + np.uint64(1), np.uint64(1) << field):
            for m in range(np.uint64(size) >> (field + field)):
                i = (a << shift) | (m << field) | b
                j = (b << shift) | (m << field) | a
                tr, ti = re[i], im[i]
                re[i] = re[j]
                im[i] = im[j]
                re[j] = tr
                im[j] = ti


@njit(**_OPTS)
def _run_op(buf, nvec, size, code, a, pos, m, slots):
    """Run one buffer op on vector 0 (and 1 when ``nvec`` is 2); derivatives go to ``slots``."""
    t0, t1, cmask = a[A_T0], a[A_T1], a[A_CMASK]
    if code == DAPPLY1:
        slots[a[A_SLOT]] += _drot_apply(buf[0, 0], buf[0, 1], buf[1, 0], buf[1, 1], size, t0, a[A_KIND], m)
        return
    if code == DERIV1 or code == DERIV2:
        n_t = 1 if code == DERIV1 else 2
        slots[a[A_SLOT]] += _deriv(buf[0, 0], buf[0, 1], buf[1, 0], buf[1, 1], size, n_t, t0, t1, pos,
                                   cmask, m)
        return
    for v in range(nvec):
        re = buf[v, 0]
        im = buf[v, 1]
        if code == APPLY1:
            _apply1(re, im, size, t0, pos, cmask, m)
        elif code == DIAG1:
            _diag1(re, im, size, t0, pos, cmask, m)
        elif code == APPLY2:
            _apply2(re, im, size, t0, t1, pos, cmask, m)
        elif code == TRANSPOSE:
            _transpose(re, im, size)
        elif code == SELECT1:
            _apply1(re, im, size, t0, pos, cmask, m[:2, :2])
            _apply1(re, im, size, t0, pos, cmask | (np.int64(1) << t1), m[2:, 2:])
        else:
            _swap(re, im, size, t0, t1, pos, cmask)


@njit(inline="always", **_OPTS)
def _gather(psi, buf, v, base, off, size, run):
    """buf[v] <- psi at ``base + off``; ``off`` rises by one within aligned runs of ``run``."""
    re = buf[v, 0]
    im = buf[v, 1]
    for jh in range(size // run):
        jb = jh * run
        o = np.uint64(base + off[jb])
        for k in range(run):
            x = psi[o + np.uint64(k)]
            re[jb + k] = x.real
            im[jb + k] = x.imag


@njit(inline="always", **_OPTS)
def _scatter(psi, buf, v, base, off, size, run):
    re = buf[v, 0]
    im = buf[v, 1]
    for jh in range(size // run):
        jb = jh * run
        o = np.uint64(base + off[jb])
        for k in range(run):
            psi[o + np.uint64(k)] = complex(re[jb + k], im[jb + k])


@njit(inline="always", **_OPTS)
def _run_length(off, size):
    """The longest power-of-two run (<= MAX_RUN) over which every aligned block of ``off`` rises by one."""
    run = 1
    while run < MAX_RUN and 2 * run <= size and off[run] == run and off[2 * run - 1] == 2 * run - 1:
        ok = True
        for k in range(2 * run):
            if off[k] != k:
                ok = False
        if not ok:
            break
        run *= 2
    return run


@njit(inline="always", **_OPTS)
def _deposit(k, mask):
    """The bits of ``k``, lowest first, placed at the set bits of ``mask`` (x86 PDEP)."""
    out = np.int64(0)
    bit = np.int64(1)
    while mask:
        low = mask & -mask
        if k & bit:
            out |= low
        bit <<= 1
        mask ^= low
    return out


@njit(**_OPTS)
def _run_cosets(psi, lam, nvec, lo, hi, qs, off, size, o0, o1, codes, args, positions, mats, slots,
                coset_mask, all_cosets):
    """Gather, run ops ``o0:o1``, scatter, for cosets ``lo:hi`` of the group qubits ``qs``
    (unless ``all_cosets``, the ``lo:hi`` of those whose index lies within ``coset_mask``)."""
    buf = np.empty((nvec, 2, size), psi.real.dtype)
    run = _run_length(off, size)
    for k in range(lo, hi):
        c = np.int64(k) if all_cosets else _deposit(np.int64(k), coset_mask)
        base = insert_zero_bits(c, qs)
        _gather(psi, buf, 0, base, off, size, run)
        if nvec == 2:
            _gather(lam, buf, 1, base, off, size, run)
        for o in range(o0, o1):
            npos = args[o, A_NPOS]
            _run_op(buf, nvec, size, codes[o], args[o], positions[o, :npos], mats[o], slots)
        _scatter(psi, buf, 0, base, off, size, run)
        if nvec == 2:
            _scatter(lam, buf, 1, base, off, size, run)


def run_groups(psi, lam, nvec, n_qubits, g_qubits, g_nq, g_ops, offsets, codes, args, positions, mats,
               n_slots, n_chunks, coset_masks):
    """Run every group in order on psi (and lam when ``nvec`` is 2); return the derivative slots.

    Group ``g`` acts on qubits ``g_qubits[g, :g_nq[g]]`` (ascending) with ops
    ``g_ops[g]:g_ops[g+1]``; ``offsets[g]`` holds the psi offset of each buffer index (the
    buffer starts and ends in the natural layout). It runs the cosets whose index (the other
    qubits' bits, lowest first) lies within ``coset_masks[g]``: the others hold zeros, which
    its gates leave zero. Cosets are split in up to ``n_chunks`` parallel work items."""
    out = np.zeros(n_slots)
    for g in range(g_nq.shape[0]):
        nq = g_nq[g]
        size = np.int64(1) << nq
        qs = g_qubits[g, :nq]
        off = offsets[g, :size]
        mask = coset_masks[g]
        n_cos = np.int64(1) << popcount(mask)
        all_cosets = n_cos == np.int64(1) << (n_qubits - nq)
        nch = min(n_cos, n_chunks)
        acc = np.zeros((nch, n_slots))
        for ch in prange(nch):
            _run_cosets(psi, lam, nvec, ch * n_cos // nch, (ch + 1) * n_cos // nch, qs, off, size,
                        g_ops[g], g_ops[g + 1], codes, args, positions, mats, acc[ch], mask, all_cosets)
        for ch in range(nch):
            out += acc[ch]
    return out


run_groups_parallel, run_groups_serial = numba_variants(run_groups, cache=True, nogil=True)
