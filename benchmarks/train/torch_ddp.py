"""PyTorch eager training throughput, one process or DDP over gloo, printing one JSON line.

Rank 0's step times, CPU seconds per step (its process, all threads) and the median wall and
CPU seconds of each phase: forward, backward (with DDP's all-reduce), optimizer.

python torch_ddp.py --model resnet18 --size 32 --batch 32 --steps 8 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch_resnet import build


def _worker(rank: int, args, port: int, queue) -> None:
    torch.set_num_threads(max(1, args.threads // args.workers))
    torch.manual_seed(0)
    if args.workers > 1:
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        dist.init_process_group("gloo", rank=rank, world_size=args.workers)
    model = build(args.model, args.size, 10)
    if args.workers > 1:
        model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    per_replica = args.batch // args.workers
    images = torch.rand(per_replica, 3, args.size, args.size).contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 10, (per_replica,))
    model = model.to(memory_format=torch.channels_last)
    times, cpu, phases = [], [], []
    for _ in range(args.steps):
        started, cpu_started = time.perf_counter(), time.process_time()
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        forward = time.perf_counter(), time.process_time()
        loss.backward()  # DDP's bucketed all-reduce runs here, overlapped with the backward pass
        backward = time.perf_counter(), time.process_time()
        optimizer.step()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        phases.append({"forward": (forward[0] - started, forward[1] - cpu_started),
                       "backward + all-reduce": (backward[0] - forward[0], backward[1] - forward[1]),
                       "optimizer": (times[-1] + started - backward[0], cpu[-1] + cpu_started - backward[1])})
    if rank == 0:
        queue.put((times, cpu, phases))
    if args.workers > 1:
        dist.destroy_process_group()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--port", type=int, default=29511)
    args = parser.parse_args()
    started = time.perf_counter()
    context = mp.get_context("spawn")
    queue = context.Queue()
    procs = [context.Process(target=_worker, args=(r, args, args.port, queue)) for r in range(args.workers)]
    for proc in procs:
        proc.start()
    times, cpu, phases = queue.get()
    for proc in procs:
        proc.join()
    steady = times[1:] or times
    steady_phases = phases[1:] or phases
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"images_per_second": args.batch / statistics.median(steady),
                      "median_step_s": statistics.median(steady), "wall_s": time.perf_counter() - started,
                      "cpu_s": usage.ru_utime + usage.ru_stime,
                      "cpu_per_step_s": statistics.median(cpu[1:] or cpu),
                      "phases_wall_cpu_s": {name: [statistics.median(p[name][k] for p in steady_phases)
                                                   for k in (0, 1)] for name in steady_phases[0]}}))


if __name__ == "__main__":
    main()
