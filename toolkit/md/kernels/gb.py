"""Numba kernel of Generalized Born OBC2 (Amber igb=5) and GBn2 (igb=8) as OpenMM's CustomGBForce
evaluates them: HCT pair integrals (plus GBn2's tabulated neck integrals), Born radii rescaled by
tanh(alpha psi - beta psi^2 + gamma psi^3), the GB energy with optional Debye screening, and
forces through the Born radii by the chain rule. All pairs, no cutoff (non-periodic systems)."""

from __future__ import annotations

import math

import numba
import numpy as np

# OBC2 rescaling: B = 1 / (1/or - tanh(a psi - b psi^2 + c psi^3) / radius), psi = I or.
OBC2_ALPHA, OBC2_BETA, OBC2_GAMMA = 1.0, 0.8, 4.85
NECK_CUT = 0.68  # nm beyond the two radii, where the neck integral stops


@numba.njit(cache=True, error_model="numpy", inline="always")
def _hct_integral(r, offset_radius, scaled_radius):
    """(I term, dI/dr) of one neighbour's scaled sphere seen from an atom of offset radius."""
    if r + scaled_radius <= offset_radius:
        return 0.0, 0.0
    diff = r - scaled_radius
    if abs(diff) > offset_radius:
        low, dlow = abs(diff), (1.0 if diff > 0.0 else -1.0)
    else:
        low, dlow = offset_radius, 0.0
    up = r + scaled_radius
    s2 = scaled_radius * scaled_radius
    h = 0.25 * (r - s2 / r)
    dh = 0.25 * (1.0 + s2 / (r * r))
    m = 1.0 / (up * up) - 1.0 / (low * low)
    dm = -2.0 / (up * up * up) + 2.0 * dlow / (low * low * low)
    log_ratio = math.log(low / up)
    n = 0.5 * log_ratio / r
    dn = 0.5 * ((dlow / low - 1.0 / up) / r - log_ratio / (r * r))
    value = 0.5 * (1.0 / low - 1.0 / up + h * m + n)
    slope = 0.5 * (-dlow / (low * low) + 1.0 / (up * up) + dh * m + h * dm + dn)
    return value, slope


@numba.njit(cache=True, error_model="numpy", inline="always")
def _neck_integral(r, radius_sum, m0, d0):
    """(neck term, d/dr) of GBn/GBn2: m0 / (1 + 100 (r-d0)^2 + 3e5 (r-d0)^6) within the cut."""
    if r > radius_sum + NECK_CUT:
        return 0.0, 0.0
    x = r - d0
    x2 = x * x
    denom = 1.0 + 100.0 * x2 + 0.3 * 1000000.0 * x2 * x2 * x2
    return m0 / denom, -m0 * (200.0 * x + 1800000.0 * x2 * x2 * x) / (denom * denom)


@numba.njit(cache=True, error_model="numpy", inline="always")
def _screened(f, qq, pref, inv_in, inv_out, kappa):
    """(energy, dE/df) of -pref qq (1/eps_in - exp(-kappa f)/eps_out) / f."""
    screen = math.exp(-kappa * f) * inv_out
    factor = inv_in - screen
    energy = -pref * qq * factor / f
    return energy, pref * qq * (factor / (f * f) - kappa * screen / f)


@numba.njit(cache=True, error_model="numpy")
def obc2_energy_forces(pos, charges, offset_radii, scaled_radii, pref, inv_in, inv_out, kappa, forces):
    """OBC2 GB energy (kJ/mol) with forces added into ``forces``; ``pref`` is Coulomb's constant."""
    n = pos.shape[0]
    no_neck = np.zeros((1, 1))
    return gb_energy_forces(
        pos, charges, offset_radii, scaled_radii, np.full(n, OBC2_ALPHA), np.full(n, OBC2_BETA),
        np.full(n, OBC2_GAMMA), 0.009, 0.0, np.zeros(n, np.int64), no_neck, no_neck,
        pref, inv_in, inv_out, kappa, forces,
    )


@numba.njit(cache=True, error_model="numpy")
def gb_energy_forces(pos, charges, offset_radii, scaled_radii, alpha, beta, gamma, offset, neck_scale,
                     neck_index, neck_m0, neck_d0, pref, inv_in, inv_out, kappa, forces):
    """GB energy (kJ/mol) with forces added into ``forces``.

    Per atom: offset radius, scaled (screened) radius, the rescaling's alpha, beta, gamma and
    the row of the neck tables (``neck_m0[own, other]``); ``neck_scale`` 0 turns the neck off
    (OBC2); ``offset`` (nm) is what the offset radii lack of the intrinsic ones.
    """
    n = pos.shape[0]
    integral = np.zeros(n)
    for i in range(n):
        for j in range(n):
            if i != j:
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                r = math.sqrt(dx * dx + dy * dy + dz * dz)
                integral[i] += _hct_integral(r, offset_radii[i], scaled_radii[j])[0]
                if neck_scale != 0.0:
                    a, b = neck_index[i], neck_index[j]
                    radius_sum = offset_radii[i] + offset_radii[j] + 2.0 * offset
                    integral[i] += neck_scale * _neck_integral(r, radius_sum, neck_m0[a, b], neck_d0[a, b])[0]
    born = np.empty(n)
    dborn_di = np.empty(n)
    for i in range(n):
        orad = offset_radii[i]
        radius = orad + offset
        psi = integral[i] * orad
        t = math.tanh(alpha[i] * psi - beta[i] * psi * psi + gamma[i] * psi * psi * psi)
        born[i] = 1.0 / (1.0 / orad - t / radius)
        dpoly = alpha[i] - 2.0 * beta[i] * psi + 3.0 * gamma[i] * psi * psi
        dborn_di[i] = born[i] * born[i] * (1.0 - t * t) * dpoly * orad / radius
    de_dborn = np.zeros(n)
    energy = 0.0
    for i in range(n):
        e, de = _screened(born[i], charges[i] * charges[i], 0.5 * pref, inv_in, inv_out, kappa)
        energy += e
        de_dborn[i] += de
        for j in range(i + 1, n):
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            r2 = dx * dx + dy * dy + dz * dz
            bb = born[i] * born[j]
            expo = math.exp(-r2 / (4.0 * bb))
            f = math.sqrt(r2 + bb * expo)
            e, de_df = _screened(f, charges[i] * charges[j], pref, inv_in, inv_out, kappa)
            energy += e
            d = r2 / (4.0 * bb)
            df_dbb = expo * (1.0 + d) / (2.0 * f)  # d f / d(B_i B_j)
            de_dborn[i] += de_df * df_dbb * born[j]
            de_dborn[j] += de_df * df_dbb * born[i]
            # Direct r dependence at fixed radii: d f / d r = (r / f) (1 - exp / 4).
            g = de_df * (1.0 - 0.25 * expo) / f  # (dE/dr) / r
            forces[i, 0] += g * dx
            forces[i, 1] += g * dy
            forces[i, 2] += g * dz
            forces[j, 0] -= g * dx
            forces[j, 1] -= g * dy
            forces[j, 2] -= g * dz
    chain = de_dborn * dborn_di  # dE / dI_i
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            r = math.sqrt(dx * dx + dy * dy + dz * dz)
            de_dr = chain[i] * _hct_integral(r, offset_radii[i], scaled_radii[j])[1]
            de_dr += chain[j] * _hct_integral(r, offset_radii[j], scaled_radii[i])[1]
            if neck_scale != 0.0:
                a, b = neck_index[i], neck_index[j]
                radius_sum = offset_radii[i] + offset_radii[j] + 2.0 * offset
                own = _neck_integral(r, radius_sum, neck_m0[a, b], neck_d0[a, b])[1]
                other = _neck_integral(r, radius_sum, neck_m0[b, a], neck_d0[b, a])[1]
                de_dr += neck_scale * (chain[i] * own + chain[j] * other)
            g = de_dr / r
            forces[i, 0] += g * dx
            forces[i, 1] += g * dy
            forces[i, 2] += g * dz
            forces[j, 0] -= g * dx
            forces[j, 1] -= g * dy
            forces[j, 2] -= g * dz
    return energy
