"""The same circuits in Qulacs, Qiskit Aer, PennyLane-Lightning and MindQuantum.

Each runner returns little-endian probabilities (layered, QASM) or (energy, gradient), so
the benchmark can check the anchors compute what mstool computes before timing them.
"""

from __future__ import annotations

import os

import numpy as np

THREADS = int(os.environ.get("OMP_NUM_THREADS", "2"))


def _big_to_little(probs: np.ndarray, n: int) -> np.ndarray:
    return np.asarray(probs).reshape((2,) * n).transpose(tuple(reversed(range(n)))).reshape(-1)


def layered_runners(n: int, angles: np.ndarray) -> dict:
    runners = {}
    try:
        import qulacs
        from qulacs.circuit import QuantumCircuitOptimizer
        from qulacs.gate import CNOT, RotX, RotZ

        circ = qulacs.QuantumCircuit(n)
        for layer in angles:
            for q in range(n):
                circ.add_gate(RotX(q, float(layer[0, q])))
            for q in range(n):
                circ.add_gate(RotZ(q, float(layer[1, q])))
            for q in range(n - 1):
                circ.add_gate(CNOT(q, q + 1))
        optimized = circ.copy()
        QuantumCircuitOptimizer().optimize(optimized, 2)

        def run_qulacs(c):
            state = qulacs.QuantumState(n)
            c.update_quantum_state(state)
            return np.abs(state.get_vector()) ** 2

        runners["qulacs"] = lambda: run_qulacs(circ)
        runners["qulacs (optimize 2)"] = lambda: run_qulacs(optimized)
    except ImportError as exc:
        print(f"  qulacs not available: {exc}")
    try:
        from mindquantum.core.circuit import Circuit as MqCircuit
        from mindquantum.core.gates import RX, RZ, X
        from mindquantum.simulator import Simulator as MqSimulator

        mq = MqCircuit()
        for layer in angles:
            for q in range(n):
                mq += RX(float(layer[0, q])).on(q)
            for q in range(n):
                mq += RZ(float(layer[1, q])).on(q)
            for q in range(n - 1):
                mq += X.on(q + 1, q)

        def run_mq():
            sim = MqSimulator("mqvector", n)
            sim.apply_circuit(mq)
            return np.abs(sim.get_qs()) ** 2

        runners["mindquantum"] = run_mq
    except ImportError as exc:
        print(f"  mindquantum not available: {exc}")
    try:
        from qiskit import QuantumCircuit
        from qiskit_aer import AerSimulator

        qc = QuantumCircuit(n)
        for layer in angles:
            for q in range(n):
                qc.rx(float(layer[0, q]), q)
            for q in range(n):
                qc.rz(float(layer[1, q]), q)
            for q in range(n - 1):
                qc.cx(q, q + 1)
        qc.save_statevector()
        aer = AerSimulator(method="statevector", max_parallel_threads=THREADS)

        def run_aer():
            return np.abs(np.asarray(aer.run(qc).result().get_statevector())) ** 2

        runners["qiskit-aer"] = run_aer
    except ImportError as exc:
        print(f"  qiskit-aer not available: {exc}")
    try:
        import pennylane as qml

        dev = qml.device("lightning.qubit", wires=n)

        @qml.qnode(dev)
        def lightning():
            for layer in angles:
                for q in range(n):
                    qml.RX(float(layer[0, q]), wires=q)
                for q in range(n):
                    qml.RZ(float(layer[1, q]), wires=q)
                for q in range(n - 1):
                    qml.CNOT(wires=[q, q + 1])
            return qml.state()

        runners["pennylane-lightning"] = lambda: _big_to_little(np.abs(lightning()) ** 2, n)
    except ImportError as exc:
        print(f"  pennylane-lightning not available: {exc}")
    return runners


def gradient_runners(n: int, x: np.ndarray, layers: int = 6) -> dict:
    runners = {}
    x = np.asarray(x, dtype=float)
    try:
        import qulacs

        pc = qulacs.ParametricQuantumCircuit(n)
        k = 0
        for _ in range(layers):
            for q in range(n):
                pc.add_parametric_RY_gate(q, -x[k])  # qulacs rotates by exp(+i angle P / 2)
                pc.add_parametric_RZ_gate(q, -x[k + 1])
                k += 2
            for q in range(n - 1):
                pc.add_CNOT_gate(q, q + 1)
        obs = qulacs.Observable(n)
        for q in range(n):
            obs.add_operator(1.0, f"Z {q}")

        def run_qulacs():
            grad = -np.asarray(pc.backprop(obs))
            state = qulacs.QuantumState(n)
            pc.update_quantum_state(state)
            return obs.get_expectation_value(state), grad

        runners["qulacs backprop"] = run_qulacs
    except ImportError:
        pass
    try:
        from mindquantum.core.circuit import Circuit as MqCircuit
        from mindquantum.core.gates import RY, RZ, X
        from mindquantum.core.operators import Hamiltonian, QubitOperator
        from mindquantum.simulator import Simulator as MqSimulator

        mq = MqCircuit()
        for layer in range(layers):
            for q in range(n):
                mq += RY(f"y{layer}_{q}").on(q)
                mq += RZ(f"z{layer}_{q}").on(q)
            for q in range(n - 1):
                mq += X.on(q + 1, q)
        ham = Hamiltonian(sum((QubitOperator(f"Z{q}") for q in range(1, n)), QubitOperator("Z0")))
        sim = MqSimulator("mqvector", n)
        grad_ops = sim.get_expectation_with_grad(ham, mq)

        def run_mq():
            f, g = grad_ops(x)
            return float(np.real(f[0, 0])), np.real(g[0, 0])

        runners["mindquantum"] = run_mq
    except ImportError:
        pass
    try:
        import pennylane as qml
        from pennylane import numpy as pnp

        dev = qml.device("lightning.qubit", wires=n)
        hamiltonian = qml.Hamiltonian([1.0] * n, [qml.PauliZ(q) for q in range(n)])

        @qml.qnode(dev, diff_method="adjoint")
        def energy(params):
            k = 0
            for _ in range(layers):
                for q in range(n):
                    qml.RY(params[k], wires=q)
                    qml.RZ(params[k + 1], wires=q)
                    k += 2
                for q in range(n - 1):
                    qml.CNOT(wires=[q, q + 1])
            return qml.expval(hamiltonian)

        params = pnp.array(x, requires_grad=True)

        def run_lightning():
            grad_fn = qml.grad(energy)
            g = grad_fn(params)
            return float(grad_fn.forward), np.asarray(g)

        runners["pennylane-lightning adjoint"] = run_lightning
    except ImportError:
        pass
    return runners


def qasm_runners(path) -> dict:
    runners = {}
    text = path.read_text()
    try:
        from qiskit import QuantumCircuit
        from qiskit_aer import AerSimulator

        qc = QuantumCircuit.from_qasm_file(str(path))
        qc.remove_final_measurements()
        qc.save_statevector()
        aer = AerSimulator(method="statevector", max_parallel_threads=THREADS)
        runners["qiskit-aer"] = lambda: np.abs(np.asarray(aer.run(qc).result().get_statevector())) ** 2
    except ImportError:
        pass
    try:
        import qulacs
        from qulacs.converter import convert_QASM_to_qulacs_circuit

        lines = [ln.split("//")[0].strip() for ln in text.splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith(("measure", "creg", "barrier"))]
        circ = convert_QASM_to_qulacs_circuit(lines)
        n = circ.get_qubit_count()

        def run_qulacs():
            state = qulacs.QuantumState(n)
            circ.update_quantum_state(state)
            return np.abs(state.get_vector()) ** 2

        runners["qulacs"] = run_qulacs
    except Exception as exc:  # noqa: BLE001 - the converter rejects some QASM
        print(f"  qulacs QASM converter: {type(exc).__name__}: {exc}")
    try:
        from mindquantum.io import OpenQASM
        from mindquantum.simulator import Simulator as MqSimulator

        lines = [ln for ln in text.splitlines() if not ln.strip().startswith("measure")]
        mq = OpenQASM().from_string("\n".join(lines))
        n = mq.n_qubits

        def run_mq():
            sim = MqSimulator("mqvector", n)
            sim.apply_circuit(mq)
            return np.abs(sim.get_qs()) ** 2

        runners["mindquantum"] = run_mq
    except Exception as exc:  # noqa: BLE001
        print(f"  mindquantum QASM import: {type(exc).__name__}: {exc}")
    return runners
