"""Periodic cells: orthorhombic boxes as three edge lengths, triclinic ones (truncated octahedron,
crystal cells) as three reduced box vectors (rows a, b, c; a along x, b in the xy plane).

The reduced form (|b_x| <= a_x / 2, |c_x| <= a_x / 2, |c_y| <= b_y / 2) makes the minimum
image exact for distances below half of min(a_x, b_y, c_z) by subtracting c, then b, then a.
"""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.errors import InputError


def box_vectors(lengths: np.ndarray, angles_deg: np.ndarray) -> np.ndarray:
    """Reduced box vectors (rows) from edge lengths and angles (alpha, beta, gamma in degrees).

    >>> v = box_vectors(np.array([4.0, 4.0, 4.0]), np.array([109.4712206, 109.4712206, 109.4712206]))
    >>> np.round(v, 4).tolist()
    [[4.0, 0.0, 0.0], [-1.3333, 3.7712, 0.0], [-1.3333, -1.8856, 3.266]]
    """
    a, b, c = (float(x) for x in lengths)
    alpha, beta, gamma = (math.radians(float(x)) for x in angles_deg)
    va = np.array([a, 0.0, 0.0])
    vb = np.array([b * math.cos(gamma), b * math.sin(gamma), 0.0])
    cx = c * math.cos(beta)
    cy = c * (math.cos(alpha) - math.cos(beta) * math.cos(gamma)) / math.sin(gamma)
    cz2 = c * c - cx * cx - cy * cy
    if cz2 <= 0.0:
        raise InputError(f"box angles {list(angles_deg)} do not describe a cell with volume")
    vc = np.array([cx, cy, math.sqrt(cz2)])
    # Reduce (as OpenMM does): c against b, then c and b against a.
    vc -= vb * round(vc[1] / vb[1])
    vc -= va * round(vc[0] / va[0])
    vb -= va * round(vb[0] / va[0])
    vectors = np.array([va, vb, vc])
    vectors[np.abs(vectors) < 1e-12] = 0.0
    return vectors


def is_triclinic(box: np.ndarray | None) -> bool:
    """True for a (3, 3) box of vectors, False for edge lengths or no box.

    >>> is_triclinic(np.ones(3)), is_triclinic(np.eye(3))
    (False, True)
    """
    return box is not None and np.ndim(box) == 2


def box_volume(box: np.ndarray) -> float:
    """Cell volume (nm^3) of edge lengths or box vectors.

    >>> box_volume(np.array([1.0, 2.0, 3.0])), box_volume(2 * np.eye(3))
    (6.0, 8.0)
    """
    if np.ndim(box) == 2:
        return float(box[0][0]) * float(box[1][1]) * float(box[2][2])
    return float(box[0]) * float(box[1]) * float(box[2])


def box_widths(box: np.ndarray) -> np.ndarray:
    """Edge lengths of an orthorhombic box, the diagonal (a_x, b_y, c_z) of reduced vectors:
    what the cutoff and the PME grid are measured against (as in OpenMM).

    >>> box_widths(np.diag([1.0, 2.0, 3.0])).tolist()
    [1.0, 2.0, 3.0]
    """
    return np.diag(box).copy() if np.ndim(box) == 2 else np.asarray(box, dtype=float)


def minimum_image(delta: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Displacements (..., 3) mapped to their nearest periodic image (exact below half the
    smallest width of a reduced box).

    >>> minimum_image(np.array([[0.9, 0.0, 0.0]]), np.array([1.0, 1.0, 1.0])).round(6).tolist()
    [[-0.1, 0.0, 0.0]]
    """
    d = np.array(delta, dtype=float)
    if np.ndim(box) == 2:
        for k in (2, 1, 0):
            d -= np.round(d[..., k] / box[k][k])[..., None] * box[k]
        return d
    return d - np.asarray(box) * np.round(d / np.asarray(box))
