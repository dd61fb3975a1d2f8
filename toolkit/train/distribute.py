"""Choosing the tf.distribute strategy: one device, mirrored, or multi-worker.

The multi-worker cluster comes from TF_CONFIG or, under Slurm, from
tf.distribute's SlurmClusterResolver. Every peer is probed over TCP with a short
timeout so an unreachable worker is named instead of hanging the job.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass

from mstool.toolkit.errors import InputError, WorkFailed


@dataclass
class Placement:
    """The strategy and where this process sits in the cluster."""

    strategy: object
    worker: int = 0
    workers: int = 1
    peers: tuple[str, ...] = ()

    @property
    def is_chief(self) -> bool:
        return self.worker == 0

    @property
    def replicas(self) -> int:
        return int(self.strategy.num_replicas_in_sync)


def cluster_from_environment() -> tuple[str, dict, int] | None:
    """``(source, cluster_spec_dict, worker_index)`` from TF_CONFIG or Slurm, or None.

    >>> os.environ["TF_CONFIG"] = '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"index": 1}}'
    >>> cluster_from_environment()
    ('TF_CONFIG', {'worker': ['a:1', 'b:2']}, 1)
    >>> del os.environ["TF_CONFIG"]
    """
    raw = os.environ.get("TF_CONFIG")
    if raw:
        try:
            config = json.loads(raw)
            workers = list(config["cluster"]["worker"])
            task = config.get("task", {})
            index = int(task.get("index", 0))
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(f"TF_CONFIG is not a valid cluster description ({err})",
                             where="TF_CONFIG") from err
        if task.get("type", "worker") != "worker" or not 0 <= index < len(workers):
            raise InputError(f"TF_CONFIG task {task} is not one of the {len(workers)} workers",
                             where="TF_CONFIG")
        return "TF_CONFIG", {"worker": workers}, index
    if "SLURM_PROCID" in os.environ and "SLURM_STEP_NODELIST" in os.environ:
        import tensorflow as tf

        # The resolver counts GPUs with nvidia-smi and divides by the GPUs per task,
        # both of which fail on CPU-only nodes; there, give it a notional GPU per task
        # and tell it not to set CUDA_VISIBLE_DEVICES.
        gpus = len(tf.config.list_physical_devices("GPU"))
        port_base = int(os.environ.get("MSTOOL_SLURM_PORT_BASE", 8888))
        if gpus:
            resolver = tf.distribute.cluster_resolver.SlurmClusterResolver(port_base=port_base,
                                                                          gpus_per_node=gpus)
        else:
            resolver = tf.distribute.cluster_resolver.SlurmClusterResolver(
                port_base=port_base, gpus_per_node=1024, gpus_per_task=1, auto_set_gpu=False)
        spec = resolver.cluster_spec().as_dict()
        return "Slurm", {"worker": list(spec.get("worker", []))}, int(resolver.task_id)
    return None


def unreachable_peers(peers: list[str] | tuple[str, ...], own: int) -> list[str]:
    """The peer addresses (other than ``own``) that refuse a TCP connection right now.

    >>> unreachable_peers(["127.0.0.1:1"], own=-1)
    ['127.0.0.1:1']
    """
    missing = []
    for index, address in enumerate(peers):
        if index == own:
            continue
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=1.0):
                pass
        except OSError:
            missing.append(address)
    return missing


def rendezvous(peers: list[str], own: int, timeout: float) -> None:
    """Wait until every other worker's port answers, holding our own port open meanwhile.

    TensorFlow's start-up waits without limit, in native code, for a missing worker;
    this plain TCP round first, with a deadline, names the address that never came.
    Our listener closes before TensorFlow binds the same port; a peer still probing
    then reaches TensorFlow's server instead, which answers just as well.
    """
    own_port = int(peers[own].rpartition(":")[2])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("", own_port))
        listener.listen(16)
    except OSError as err:
        listener.close()
        raise WorkFailed(f"cannot listen on {peers[own]} for worker {own} ({err.strerror})") from err
    deadline = time.monotonic() + timeout
    try:
        while True:
            missing = unreachable_peers(peers, own)
            if not missing:
                return
            if time.monotonic() > deadline:
                names = ", ".join(f"worker {peers.index(a)} at {a}" for a in missing)
                raise WorkFailed(f"{names} unreachable after {timeout:g} s "
                                 "(is it running, is the port open?)")
            time.sleep(0.2)
    finally:
        listener.close()


def _multi_worker_strategy(cluster: dict, index: int, timeout: float, pack_mb: float):
    import tensorflow as tf

    rendezvous(cluster["worker"], index, timeout)
    # Gradients are summed in packs of about pack_mb, last layers first: the first
    # packs travel while the backward pass is still computing the earlier layers.
    options = tf.distribute.experimental.CommunicationOptions(
        bytes_per_pack=int(pack_mb * 2**20),
        implementation=tf.distribute.experimental.CommunicationImplementation.RING)
    return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)


def make_placement(kind: str, connect_timeout: float = 60.0, pack_mb: float = 0.0) -> Placement:
    """Build the strategy; for ``multi-worker`` read the cluster and wait for every peer.

    ``pack_mb`` sizes the gradient all-reduce packs across workers (0: one pack).
    """
    import tensorflow as tf

    if kind == "one":
        device = "/gpu:0" if tf.config.list_physical_devices("GPU") else "/cpu:0"
        return Placement(tf.distribute.OneDeviceStrategy(device))
    if kind == "mirrored":
        return Placement(tf.distribute.MirroredStrategy())
    found = cluster_from_environment()
    if found is None:
        raise InputError("multi-worker needs TF_CONFIG or a Slurm job (or use --workers N to launch locally)",
                         where="strategy")
    source, cluster, index = found
    os.environ["TF_CONFIG"] = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
    strategy = _multi_worker_strategy(cluster, index, connect_timeout, pack_mb)
    return Placement(strategy, worker=index, workers=len(cluster["worker"]), peers=tuple(cluster["worker"]))
