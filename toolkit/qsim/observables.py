"""Pauli-sum observables: parsing (OpenFermion's text format or ``0.5 Z0 Z1 + 0.2 X0``),
expectation values and H|psi> without building matrices.

>>> h = PauliSum.parse("0.5 Z0 Z1 + 0.2 X0 - 0.1")
>>> len(h.terms), h.constant
(2, -0.1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError

_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<cplx>\([^)]*\))|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<pauli>[XYZxyz]\d+)|(?P<op>[-+*\[\]])"
)


class PauliSum:
    """A real linear combination of Pauli strings plus a constant.

    ``terms`` is a list of ``(coefficient, ((qubit, 'X'|'Y'|'Z'), ...))``.

    >>> PauliSum([(1.0, ((0, "Z"),))], 0.5).to_text()
    '0.5 [] +\\n1.0 [Z0]'
    """

    def __init__(self, terms: Iterable[tuple[float, Sequence[tuple[int, str]]]] = (),
                 constant: float = 0.0) -> None:
        merged: dict[tuple[tuple[int, str], ...], float] = {}
        self.constant = float(constant)
        for coeff, ops in terms:
            key = tuple(sorted((int(q), str(p).upper()) for q, p in ops))
            if len({q for q, _ in key}) != len(key):
                raise InputError(f"Pauli term {key} names a qubit twice")
            if not key:
                self.constant += float(coeff)
            else:
                merged[key] = merged.get(key, 0.0) + float(coeff)
        self.terms = [(c, k) for k, c in merged.items()]
        self._arrays = None

    @property
    def n_qubits(self) -> int:
        """Qubits the observable needs (highest index + 1)."""
        return max((q + 1 for _, ops in self.terms for q, _ in ops), default=0)

    def check_qubits(self, n_qubits: int) -> None:
        if self.n_qubits > n_qubits:
            raise InputError(f"Hamiltonian acts on qubit {self.n_qubits - 1} but the circuit has "
                             f"{n_qubits} qubit(s)")

    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flip masks (X, Y), phase masks (Z, Y) and coefficients times i^(number of Y)."""
        if self._arrays is None:
            flips, phases, coeffs = [], [], []
            for coeff, ops in self.terms:
                flip = sum(1 << q for q, p in ops if p in "XY")
                phase = sum(1 << q for q, p in ops if p in "ZY")
                n_y = sum(1 for _, p in ops if p == "Y")
                flips.append(flip)
                phases.append(phase)
                coeffs.append(coeff * 1j ** n_y)
            order = np.argsort(flips, kind="stable")  # same flip mask adjacent: see apply_pauli_sum
            self._arrays = (np.array(flips, dtype=np.int64)[order], np.array(phases, dtype=np.int64)[order],
                            np.array(coeffs, dtype=np.complex128)[order])
        return self._arrays

    def apply(self, psi: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """H|psi> (CPU)."""
        from mstool.toolkit.qsim.kernels import apply_diagonal_pauli, apply_pauli_sum

        out = np.empty_like(psi) if out is None else out
        flips, phases, coeffs = self.kernel_arrays()
        n_diag = int(np.count_nonzero(flips == 0))  # sorted by flip mask: Z-only terms first
        if n_diag < len(flips) or not n_diag:
            apply_pauli_sum(psi, out, flips[n_diag:], phases[n_diag:], coeffs[n_diag:].astype(psi.dtype))
        if n_diag:
            low_bits = min(10, int(psi.shape[0]).bit_length() - 1)
            apply_diagonal_pauli(psi, out, phases[:n_diag], np.ascontiguousarray(coeffs[:n_diag].real),
                                 low_bits, n_diag < len(flips))
        if self.constant:
            out += self.constant * psi
        return out

    def expectation(self, psi: np.ndarray) -> float:
        """<psi|H|psi> (CPU).

        >>> round(PauliSum.parse("Z0").expectation(np.array([0, 1], dtype=complex)), 6)
        -1.0
        """
        from mstool.toolkit.qsim.kernels import pauli_sum_expectation

        flips, phases, coeffs = self.kernel_arrays()
        return float(pauli_sum_expectation(psi, flips, phases, coeffs.astype(psi.dtype))) + self.constant

    def __add__(self, other: PauliSum) -> PauliSum:
        return PauliSum(self.terms + other.terms, self.constant + other.constant)

    def __mul__(self, factor: float) -> PauliSum:
        return PauliSum([(c * factor, k) for c, k in self.terms], self.constant * factor)

    __rmul__ = __mul__

    def __len__(self) -> int:
        return len(self.terms) + (1 if self.constant else 0)

    def to_text(self) -> str:
        """OpenFermion's text format, one term per line."""
        lines = [f"{self.constant!r} []"] if self.constant else []
        for coeff, ops in self.terms:
            lines.append(f"{coeff!r} [" + " ".join(f"{p}{q}" for q, p in ops) + "]")
        return " +\n".join(lines)

    @classmethod
    def parse(cls, text: str, source: str = "<hamiltonian>") -> PauliSum:
        """Parse ``0.5 Z0 Z1 + 0.2 X0`` or OpenFermion's ``(0.5+0j) [Z0 Z1] +`` lines."""
        return _Parser(text, source).parse()

    @classmethod
    def load(cls, path: str | Path) -> PauliSum:
        path = Path(path)
        try:
            text = path.read_text()
        except OSError as exc:
            raise InputError(f"cannot read Hamiltonian: {exc.strerror}", where=str(path)) from None
        return cls.parse(text, str(path))


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source

    def where(self, pos: int) -> str:
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return f"{self.source}:{line}:{col}"

    def tokens(self):
        pos = 0
        while pos < len(self.text):
            m = _TOKEN.match(self.text, pos)
            if not m:
                raise InputError(f"unexpected character {self.text[pos]!r} in Hamiltonian",
                                 where=self.where(pos))
            if m.lastgroup != "space":
                yield m.lastgroup, m.group(), pos
            pos = m.end()

    def number(self, kind: str, text: str, pos: int) -> float:
        try:
            value = complex(text.replace(" ", "")) if kind == "cplx" else float(text)
        except ValueError:
            raise InputError(f"bad coefficient {text!r}", where=self.where(pos)) from None
        if abs(value.imag) > 1e-12:
            raise InputError(f"coefficient {text} is not real (the Hamiltonian must be Hermitian)",
                             where=self.where(pos))
        return float(value.real)

    def parse(self) -> PauliSum:
        terms, sign, coeff, ops, started, bracket = [], 1.0, None, [], False, False
        last_pos = 0
        for kind, text, pos in self.tokens():
            last_pos = pos
            if kind in ("num", "cplx"):
                if coeff is not None or ops:
                    raise InputError("missing '+' between terms", where=self.where(pos))
                coeff, started = self.number(kind, text, pos), True
            elif kind == "pauli":
                ops.append((int(text[1:]), text[0].upper()))
                started = True
            elif text == "[":
                bracket = True
            elif text == "]":
                if not bracket:
                    raise InputError("unmatched ']'", where=self.where(pos))
                bracket = False
            elif text == "*":
                continue
            else:  # + or -
                if started:
                    terms.append((sign * (1.0 if coeff is None else coeff), tuple(ops)))
                    coeff, ops, started = None, [], False
                    sign = 1.0
                if text == "-":
                    sign = -sign
        if bracket:
            raise InputError("unclosed '['", where=self.where(last_pos))
        if started:
            terms.append((sign * (1.0 if coeff is None else coeff), tuple(ops)))
        if not terms:
            raise InputError("Hamiltonian has no terms", where=self.source)
        return PauliSum(terms)
