"""Molecular dynamics: Amber inputs, force terms, PME, integrators, constraints, SITS, H5MD output.

Import the pieces from their modules (``mstool.toolkit.md.amber``, ``.forcefield``, ...);
importing this package stays cheap (no numba compilation).
"""
