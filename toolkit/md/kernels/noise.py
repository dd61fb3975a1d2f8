"""Counter-based Gaussian noise for the Langevin thermostat.

Every number is a hash of (seed, stream, atom, component): any thread computes any atom's
noise, the result does not depend on the thread count, and a run resumes from the seed and
the step alone. The hash is two rounds of the splitmix64 finaliser over a Weyl sequence; its
64 bits feed the 256-layer ziggurat of Marsaglia and Tsang (as numpy's ``standard_normal``),
whose rare rejections draw further hashes of the same number's counter.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)
KEY_SALT = np.uint64(0xD1B54A32D192ED03)
SHIFT_1, SHIFT_8, SHIFT_9, SHIFT_11 = np.uint64(1), np.uint64(8), np.uint64(9), np.uint64(11)
SHIFT_27, SHIFT_30, SHIFT_31 = np.uint64(27), np.uint64(30), np.uint64(31)
ONE = np.uint64(1)
LOW_8 = np.uint64(0xFF)
LOW_52 = np.uint64(0x000FFFFFFFFFFFFF)
DRAWS_PER_NUMBER = np.uint64(64)  # counter space of one number: its first hash and retries
INV_2_53 = 1.0 / 9007199254740992.0
TAIL_START = 3.6541528853610088  # r of the 256-layer ziggurat (numpy's ziggurat_nor_r)
LAYER_AREA = 0.00492867323399  # v: the area of each layer


def ziggurat_tables(layers: int = 256, r: float = TAIL_START, v: float = LAYER_AREA):
    """(k, w, f) of the normal ziggurat on 52-bit integers (Marsaglia and Tsang, 2000).

    >>> k, w, f = ziggurat_tables()
    >>> float(f[0]), k.dtype.name, round(float(w[-1]) * 2.0**52, 6)
    (1.0, 'uint64', 3.654153)
    """
    scale = 2.0**52
    k = np.zeros(layers, dtype=np.uint64)
    w = np.zeros(layers)
    f = np.zeros(layers)
    x, edge = r, r
    q = v / math.exp(-0.5 * x * x)
    k[0] = np.uint64(x / q * scale)
    w[0], w[-1] = q / scale, x / scale
    f[0], f[-1] = 1.0, math.exp(-0.5 * x * x)
    for i in range(layers - 2, 0, -1):
        x = math.sqrt(-2.0 * math.log(v / x + math.exp(-0.5 * x * x)))
        k[i + 1] = np.uint64(x / edge * scale)
        edge = x
        f[i] = math.exp(-0.5 * x * x)
        w[i] = x / scale
    return k, w, f


ZIG_K, ZIG_W, ZIG_F = ziggurat_tables()


@numba.njit(cache=True, inline="always")
def mix64(z):
    """The splitmix64 finaliser: a bijection of 64-bit words that spreads every input bit."""
    z = (z ^ (z >> SHIFT_30)) * MIX_1
    z = (z ^ (z >> SHIFT_27)) * MIX_2
    return z ^ (z >> SHIFT_31)


@numba.njit(cache=True, inline="always")
def stream_keys(seed, stream):
    """The two 64-bit keys of one stream (one thermostat move of one step) of ``seed``."""
    first = mix64(mix64(seed + GOLDEN) + stream * GOLDEN)
    return first, mix64(first ^ KEY_SALT)


@numba.njit(cache=True, inline="always")
def hashed_bits(first, second, counter):
    """64 random bits: the hash of ``counter`` under the stream keys."""
    return mix64(mix64(first + (counter + ONE) * GOLDEN) ^ second)


@numba.njit(cache=True, inline="always")
def _unit(first, second, counter):
    """A uniform number in [0, 1) from 53 hashed bits."""
    return float(hashed_bits(first, second, counter) >> SHIFT_11) * INV_2_53


@numba.njit(cache=True, inline="always")
def _layer_try(first, second, counter):
    """One ziggurat try: the hashed bits, the layer, the 52-bit magnitude and the signed candidate."""
    bits = hashed_bits(first, second, counter)
    idx = int(bits & LOW_8)
    rabs = (bits >> SHIFT_9) & LOW_52
    x = rabs * ZIG_W[idx]
    if (bits >> SHIFT_8) & ONE:
        x = -x
    return bits, idx, rabs, x


@numba.njit(cache=True)
def _rejected(first, second, counter, bits, idx, x):
    """The ziggurat's slow path (under 1 % of draws): the wedge test, then more tries."""
    while True:
        if idx == 0:  # the tail beyond r, by Marsaglia's method
            while True:
                counter += ONE
                xx = -math.log1p(-_unit(first, second, counter)) / TAIL_START
                counter += ONE
                yy = -math.log1p(-_unit(first, second, counter))
                if yy + yy > xx * xx:
                    return -(TAIL_START + xx) if (bits >> SHIFT_8) & ONE else TAIL_START + xx
        counter += ONE
        height = (ZIG_F[idx - 1] - ZIG_F[idx]) * _unit(first, second, counter) + ZIG_F[idx]
        if height < math.exp(-0.5 * x * x):
            return x
        counter += ONE
        bits, idx, rabs, x = _layer_try(first, second, counter)
        if rabs < ZIG_K[idx]:
            return x


@numba.njit(cache=True, inline="always")
def normal(first, second, number):
    """Standard normal number ``number`` of the stream (one hash in over 99 % of cases)."""
    counter = np.uint64(number) * DRAWS_PER_NUMBER
    bits, idx, rabs, x = _layer_try(first, second, counter)
    if rabs < ZIG_K[idx]:
        return x
    return _rejected(first, second, counter, bits, idx, x)


def standard_normals(seed, stream, out):
    """Fill ``out`` (N, 3) with the standard normal numbers of (``seed``, ``stream``)."""
    first, second = stream_keys(seed, stream)
    for i in numba.prange(out.shape[0]):
        for d in range(3):
            out[i, d] = normal(first, second, 3 * i + d)


def friction_noise(vel, damping, sigma, seed, stream):
    """``vel = damping * vel + sigma * noise`` (``sigma`` per atom; ``*=`` then ``+=``) with the
    noise of (``seed``, ``stream``) computed in place."""
    first, second = stream_keys(seed, stream)
    for i in numba.prange(vel.shape[0]):
        for d in range(3):
            vel[i, d] *= damping
            vel[i, d] += sigma[i] * normal(first, second, 3 * i + d)


standard_normals_parallel, standard_normals_serial = compile_variants(standard_normals, error_model="numpy")
friction_noise_parallel, friction_noise_serial = compile_variants(friction_noise, error_model="numpy")


def seed_word(seed: int) -> np.uint64:
    """A recipe seed (any Python int) as the 64-bit word the kernels hash.

    >>> int(seed_word(-1)) == 2**64 - 1
    True
    """
    return np.uint64(int(seed) & 0xFFFFFFFFFFFFFFFF)


def gaussian_noise(seed: int, stream: int, n_atoms: int) -> np.ndarray:
    """The (n_atoms, 3) standard normal numbers of one stream: the same on any thread count.

    >>> a = gaussian_noise(7, 3, 1000)
    >>> a.shape, bool(np.array_equal(a, gaussian_noise(7, 3, 1000)))
    ((1000, 3), True)
    >>> bool(np.array_equal(a[:10], gaussian_noise(7, 3, 10)))
    True
    """
    out = np.empty((n_atoms, 3))
    standard_normals_parallel(seed_word(seed), np.uint64(stream), out)
    return out
