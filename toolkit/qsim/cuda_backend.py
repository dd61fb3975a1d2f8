"""CUDA kernels (numba.cuda) behind the same calls as the CPU backend: one GPU thread per
amplitude group, indices built by inserting zero bits at the gate's qubit positions.

Imported only when ``device="cuda"`` (or ``auto`` with a GPU); runs under
``NUMBA_ENABLE_CUDASIM=1`` for testing without a GPU.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

THREADS_PER_BLOCK = 256


@cuda.jit(device=True, inline=True)
def _base_index(k, positions, cmask):
    i = k
    for j in range(positions.shape[0]):
        p = positions[j]
        i = ((i >> p) << (p + 1)) | (i & ((1 << p) - 1))
    return i | cmask


@cuda.jit(device=True, inline=True)
def _quad_indices(k, t0, t1, positions, cmask):
    """The four amplitudes of the ``k``-th group a 2-qubit matrix mixes: basis index
    b(t0) + 2 b(t1), controls set."""
    i0 = _base_index(k, positions, cmask)
    i1 = i0 | (1 << t0)
    return i0, i1, i0 | (1 << t1), i1 | (1 << t1)


@cuda.jit
def _dense1(psi, target, m, positions, cmask, n_groups):
    k = cuda.grid(1)
    if k < n_groups:
        i0 = _base_index(k, positions, cmask)
        i1 = i0 | (1 << target)
        a0 = psi[i0]
        a1 = psi[i1]
        psi[i0] = m[0, 0] * a0 + m[0, 1] * a1
        psi[i1] = m[1, 0] * a0 + m[1, 1] * a1


@cuda.jit
def _dense2(psi, t0, t1, m, positions, cmask, n_groups):
    k = cuda.grid(1)
    if k < n_groups:
        i0, i1, i2, i3 = _quad_indices(k, t0, t1, positions, cmask)
        a0 = psi[i0]
        a1 = psi[i1]
        a2 = psi[i2]
        a3 = psi[i3]
        psi[i0] = m[0, 0] * a0 + m[0, 1] * a1 + m[0, 2] * a2 + m[0, 3] * a3
        psi[i1] = m[1, 0] * a0 + m[1, 1] * a1 + m[1, 2] * a2 + m[1, 3] * a3
        psi[i2] = m[2, 0] * a0 + m[2, 1] * a1 + m[2, 2] * a2 + m[2, 3] * a3
        psi[i3] = m[3, 0] * a0 + m[3, 1] * a1 + m[3, 2] * a2 + m[3, 3] * a3


@cuda.jit
def _diagonal(psi, targets, diag, positions, cmask, n_groups):
    k = cuda.grid(1)
    if k < n_groups:
        base = _base_index(k, positions, cmask)
        for j in range(1 << targets.shape[0]):
            i = base
            for b in range(targets.shape[0]):
                if (j >> b) & 1:
                    i |= 1 << targets[b]
            psi[i] *= diag[j]


@cuda.jit
def _swap_bits(psi, mask_a, mask_b, positions, cmask, n_groups):
    k = cuda.grid(1)
    if k < n_groups:
        base = _base_index(k, positions, cmask)
        ia = base | mask_a
        ib = base | mask_b
        tmp = psi[ia]
        psi[ia] = psi[ib]
        psi[ib] = tmp


@cuda.jit(device=True, inline=True)
def _store_block_sum(shared, acc, partial):
    """Sum ``acc`` over the threads of a block into ``partial[block]`` (``shared``: one slot per thread)."""
    tid = cuda.threadIdx.x
    shared[tid] = acc
    cuda.syncthreads()
    stride = THREADS_PER_BLOCK // 2
    while stride > 0:
        if tid < stride:
            shared[tid] += shared[tid + stride]
        cuda.syncthreads()
        stride //= 2
    if tid == 0:
        partial[cuda.blockIdx.x] = shared[0]


@cuda.jit(device=True, inline=True)
def _pauli_term_sign(j, phase):
    x = j & phase
    parity = 0
    while x:
        parity ^= 1
        x &= x - 1
    return 1.0 - 2.0 * parity


@cuda.jit
def _pauli_expectation(psi, flips, phases, coeffs, partial):
    shared = cuda.shared.array(THREADS_PER_BLOCK, dtype=np.float64)
    i = cuda.grid(1)
    acc = 0.0
    if i < psi.shape[0]:
        ci = psi[i].conjugate()
        for t in range(coeffs.shape[0]):
            j = i ^ flips[t]
            acc += (coeffs[t] * _pauli_term_sign(j, phases[t]) * ci * psi[j]).real
    _store_block_sum(shared, acc, partial)


@cuda.jit
def _apply_pauli_sum(psi, out, flips, phases, coeffs, constant):
    """out <- (sum_t coeffs[t] P_t + constant) psi."""
    i = cuda.grid(1)
    if i < psi.shape[0]:
        acc = constant * psi[i]
        for t in range(coeffs.shape[0]):
            j = i ^ flips[t]
            acc += coeffs[t] * _pauli_term_sign(j, phases[t]) * psi[j]
        out[i] = acc


@cuda.jit
def _inner_real(a, b, partial):
    shared = cuda.shared.array(THREADS_PER_BLOCK, dtype=np.float64)
    i = cuda.grid(1)
    acc = 0.0
    if i < a.shape[0]:
        acc = a[i].real * b[i].real + a[i].imag * b[i].imag
    _store_block_sum(shared, acc, partial)


@cuda.jit
def _matrix_expectation(lam, psi, t0, t1, n_targets, m, positions, cmask, n_groups, partial):
    """Re <lam|M|psi> for a 1- or 2-qubit matrix M on the amplitudes where the controls read 1
    (elsewhere M counts as zero: the derivative of a controlled gate)."""
    shared = cuda.shared.array(THREADS_PER_BLOCK, dtype=np.float64)
    k = cuda.grid(1)
    acc = 0.0
    if k < n_groups:
        if n_targets == 1:
            i0 = _base_index(k, positions, cmask)
            i1 = i0 | (1 << t0)
            a0 = psi[i0]
            a1 = psi[i1]
            acc = (lam[i0].conjugate() * (m[0, 0] * a0 + m[0, 1] * a1)
                   + lam[i1].conjugate() * (m[1, 0] * a0 + m[1, 1] * a1)).real
        else:
            i0, i1, i2, i3 = _quad_indices(k, t0, t1, positions, cmask)
            a0 = psi[i0]
            a1 = psi[i1]
            a2 = psi[i2]
            a3 = psi[i3]
            for r in range(4):
                row = m[r, 0] * a0 + m[r, 1] * a1 + m[r, 2] * a2 + m[r, 3] * a3
                j = i0 if r == 0 else (i1 if r == 1 else (i2 if r == 2 else i3))
                acc += (lam[j].conjugate() * row).real
    _store_block_sum(shared, acc, partial)


def _blocks(n_items: int) -> int:
    return max(1, math.ceil(n_items / THREADS_PER_BLOCK))


class CudaBackend:
    """State vectors as device arrays; the same KernelCall objects as the CPU path."""

    name = "cuda"

    def to_device(self, psi: np.ndarray):
        return cuda.to_device(psi)

    def to_host(self, psi) -> np.ndarray:
        return psi.copy_to_host()

    def run_call(self, psi, call) -> None:
        n_groups = psi.shape[0] >> call.positions.shape[0]
        grid = (_blocks(n_groups), THREADS_PER_BLOCK)
        m = cuda.to_device(call.matrix_as(psi.dtype))
        positions = cuda.to_device(call.positions)
        cmask = np.int64(call.control_mask)
        if call.kind == "selected":  # as a dense 4x4 on (target, selector) on the GPU
            dense = np.zeros((4, 4), dtype=psi.dtype)
            dense[np.ix_([0, 1], [0, 1])] = call.matrix[0]
            dense[np.ix_([2, 3], [2, 3])] = call.matrix[1]
            m = cuda.to_device(dense)
            _dense2[grid](psi, np.int64(call.targets[0]), np.int64(call.controls[0]), m, positions,
                          np.int64(0), n_groups)
            return
        if call.kind == "dense1":
            _dense1[grid](psi, np.int64(call.targets[0]), m, positions, cmask, n_groups)
        elif call.kind == "dense2":
            _dense2[grid](psi, np.int64(call.targets[0]), np.int64(call.targets[1]), m, positions, cmask,
                          n_groups)
        elif call.kind == "diagonal":
            _diagonal[grid](psi, cuda.to_device(call.target_array), m, positions, cmask, n_groups)
        else:
            t = call.targets
            mask_a = 0 if len(t) == 1 else 1 << t[0]
            mask_b = (1 << t[0]) if len(t) == 1 else 1 << t[1]
            _swap_bits[grid](psi, np.int64(mask_a), np.int64(mask_b), positions, cmask, n_groups)

    def pauli_expectation(self, psi, hamiltonian) -> float:
        flips, phases, coeffs = hamiltonian.kernel_arrays()
        if coeffs.shape[0] == 0:
            return hamiltonian.constant
        blocks = _blocks(psi.shape[0])
        partial = cuda.device_array(blocks, dtype=np.float64)
        _pauli_expectation[blocks, THREADS_PER_BLOCK](psi, cuda.to_device(flips), cuda.to_device(phases),
                                                      cuda.to_device(coeffs.astype(psi.dtype)), partial)
        return float(partial.copy_to_host().sum()) + hamiltonian.constant

    def apply_hamiltonian(self, psi, hamiltonian):
        """H|psi> as a new device array."""
        flips, phases, coeffs = hamiltonian.kernel_arrays()
        out = cuda.device_array_like(psi)
        _apply_pauli_sum[_blocks(psi.shape[0]), THREADS_PER_BLOCK](
            psi, out, cuda.to_device(flips), cuda.to_device(phases), cuda.to_device(coeffs.astype(psi.dtype)),
            psi.dtype.type(hamiltonian.constant))
        return out

    def inner_real(self, a, b) -> float:
        """Re <a|b>."""
        blocks = _blocks(a.shape[0])
        partial = cuda.device_array(blocks, dtype=np.float64)
        _inner_real[blocks, THREADS_PER_BLOCK](a, b, partial)
        return float(partial.copy_to_host().sum())

    def matrix_expectation(self, lam, psi, targets: tuple[int, ...], controls: tuple[int, ...],
                           matrix: np.ndarray) -> float:
        """Re <lam|M|psi> for ``matrix`` M on ``targets``, restricted to where ``controls`` are 1."""
        call_positions = np.array(sorted(targets + controls), dtype=np.int64)
        n_groups = psi.shape[0] >> call_positions.shape[0]
        blocks = _blocks(n_groups)
        partial = cuda.device_array(blocks, dtype=np.float64)
        t1 = targets[1] if len(targets) == 2 else 0
        _matrix_expectation[blocks, THREADS_PER_BLOCK](
            lam, psi, np.int64(targets[0]), np.int64(t1), np.int64(len(targets)),
            cuda.to_device(np.ascontiguousarray(matrix, dtype=psi.dtype)), cuda.to_device(call_positions),
            np.int64(sum(1 << c for c in controls)), n_groups, partial)
        return float(partial.copy_to_host().sum())

    def synchronize(self) -> None:
        cuda.synchronize()
