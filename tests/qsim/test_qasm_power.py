"""``pow(k) @ g`` for non-integer k: the eigen-decomposition of a unitary (numpy only) against
scipy's Schur form and against exact roots, on random and on degenerate spectra."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.qsim.qasm_power import unitary_eigenbasis, unitary_power

SQRT_SWAP = np.array([[1, 0, 0, 0], [0, (1 + 1j) / 2, (1 - 1j) / 2, 0],
                      [0, (1 - 1j) / 2, (1 + 1j) / 2, 0], [0, 0, 0, 1]])
CZ = np.diag([1, 1, 1, -1]).astype(complex)
SWAP = np.eye(4)[[0, 2, 1, 3]].astype(complex)
CX = np.eye(4)[[0, 3, 2, 1]].astype(complex)


def haar_unitary(dim: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def degenerate_unitaries(rng: np.random.Generator) -> list[np.ndarray]:
    """Spectra with repeated or nearly repeated eigenvalues, in a random basis."""
    z_on_one = np.kron(np.diag([1, -1]), np.eye(2)).astype(complex)
    out = [np.eye(2, dtype=complex), np.eye(4, dtype=complex), CZ, SWAP, CX, z_on_one]
    for phases in ([0.4, 0.4, 0.4, -2.0], [1.0, 1.0 + 1e-9, -0.5, 2.5], [0.7, 0.7, 2.1, 2.1]):
        w = haar_unitary(4, rng)
        out.append(w @ np.diag(np.exp(1j * np.array(phases))) @ w.conj().T)
    return out


def test_the_eigenbasis_is_orthonormal_and_reconstructs_the_unitary():
    rng = np.random.default_rng(7)
    matrices = [haar_unitary(d, rng) for d in (2, 4) for _ in range(20)] + degenerate_unitaries(rng)
    for u in matrices:
        d, v = unitary_eigenbasis(u)
        assert np.allclose(v.conj().T @ v, np.eye(len(u)), atol=1e-12)
        assert np.allclose(np.abs(d), 1, atol=1e-12)
        assert np.allclose(v @ np.diag(d) @ v.conj().T, u, atol=1e-11)


def test_power_matches_scipy_schur_on_random_unitaries():
    linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(3)
    for dim in (2, 4):
        for k in (0.5, -0.25, 1.7, 1 / 3):
            u = haar_unitary(dim, rng)
            t, z = linalg.schur(u, output="complex")
            reference = (z * np.exp(1j * k * np.angle(np.diag(t)))) @ z.conj().T
            assert np.allclose(unitary_power(u, k), reference, atol=1e-11)


@pytest.mark.parametrize(("u", "k", "expected"), [
    (CZ, 0.5, np.diag([1, 1, 1, 1j])),
    (SWAP, 0.5, SQRT_SWAP),
    (np.diag([1, -1]).astype(complex), 0.25, np.diag([1, np.exp(1j * np.pi / 4)])),
    (np.eye(4, dtype=complex), 0.3, np.eye(4)),
])
def test_power_of_degenerate_gates_is_the_principal_root(u, k, expected):
    assert np.allclose(unitary_power(u, k), expected, atol=1e-12)


def test_square_root_squares_back_on_degenerate_spectra():
    rng = np.random.default_rng(11)
    for u in degenerate_unitaries(rng):
        root = unitary_power(u, 0.5)
        assert np.allclose(root @ root, u, atol=1e-8)
        assert np.allclose(root.conj().T @ root, np.eye(len(u)), atol=1e-10)
