"""Text diagrams of circuits: one row per qubit, operations packed into columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mstool.toolkit.qsim.circuit import Circuit


def draw(circuit: Circuit) -> str:
    """Render ``circuit`` as text.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> print(Circuit(2).h(0).cx(0, 1).diagram())
    q0: ─H─●─
    q1: ───X─
    """
    n = circuit.n_qubits
    columns: list[dict[int, str]] = []
    busy_until = [0] * max(n, 1)
    for op in circuit.ops:
        qubits = op.qubits or tuple(range(n))
        lo, hi = min(qubits), max(qubits)
        col = max(busy_until[lo:hi + 1])
        if col == len(columns):
            columns.append({})
        cells = columns[col]
        for q in range(lo, hi + 1):
            cells[q] = "│"
            busy_until[q] = col + 1
        for q in op.controls:
            cells[q] = "●"
        label = "X" if op.name == "x" and op.controls else op.label()
        if op.name == "barrier":
            label = "░"
        for i, q in enumerate(op.targets or qubits):
            cells[q] = label if len(op.targets) < 2 else f"{label}{i}"
    rows = []
    width = len(f"q{n - 1}") if n else 2
    for q in range(n):
        text = f"{f'q{q}':>{width}}: ─"
        for cells in columns:
            cell_width = max((len(c) for c in cells.values()), default=1)
            cell = cells.get(q, "")
            text += cell.center(cell_width, "─") + "─" if cell else "─" * cell_width + "─"
        rows.append(text)
    return "\n".join(rows)
