"""CPU seconds of one ``mstool preprocess`` run by process and thread (user / kernel), and its wall.

    .venv/bin/python benchmarks/preprocess/cpu_by_process.py --images 1024 -- --workers 1 --processes 2

Runs the command on ``--images`` COCO photos (linked from ../shared/data/images/coco, as
dask_scaling.py does) with the YOLOv3 416 recipe plus the options after ``--``, and samples
``/proc/<pid>/task/<tid>/stat`` of the command and every process it starts (its forkserver,
the Dask nanny and worker processes) every ``--interval`` seconds. CPU seconds are load-
insensitive, unlike wall: they say where the work goes (the client's scheduler, progress and
merge; each worker's decode, kernel and shard writes; the kernel's time in ``stime``).
A thread's last slice before its exit (at most one interval) is not seen. Also recorded:
``/proc/pressure/io`` (stall seconds while the command ran) and the bytes each process wrote.
The output and its shards are deleted after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dask_scaling import MSTOOL, RECIPE, image_set  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _stat(path: Path) -> tuple[str, int, float, float] | None:
    """(name, ppid, user s, system s) from a /proc stat file."""
    try:
        text = path.read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    return name, int(fields[1]), int(fields[11]) / TICK, int(fields[12]) / TICK


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            info = _stat(proc / "stat")
            if info is not None:
                children[info[1]].append(int(proc.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _role(pid: int) -> str:
    try:
        cmd = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")).decode(errors="replace")
    except OSError:
        return "?"
    if "forkserver" in cmd:
        return "forkserver"
    if "resource_tracker" in cmd:
        return "resource_tracker"
    if "mstool" in cmd and "preprocess" in cmd:
        return "client"
    return cmd[:60]


def _io_stall() -> float | None:
    try:
        line = Path("/proc/pressure/io").read_text().splitlines()[0]
    except OSError:
        return None
    return int(line.rsplit("total=", 1)[1]) / 1e6


def sample(root: int, seen: dict, roles: dict) -> None:
    """Record the latest (user, system) of every thread below ``root`` in ``seen``."""
    for pid in _descendants(root):
        if pid not in roles:
            roles[pid] = _role(pid)
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            info = _stat(Path(f"/proc/{pid}/task/{tid}/stat"))
            if info is not None:
                seen[(pid, int(tid))] = (info[0], info[2], info[3])
        try:
            io = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
            roles[(pid, "write_bytes")] = int(io["write_bytes"])
        except (OSError, KeyError, ValueError):
            pass


def run(images: int, options: list[str], interval: float, workdir: Path) -> dict:
    photos = image_set(workdir / f"photos{images}", images)
    out = workdir / "out.h5"
    argv = [str(MSTOOL), "preprocess", str(photos), "-o", str(out), "-r", str(RECIPE), "--json", *options]
    seen: dict = {}
    roles: dict = {}
    stall = _io_stall()
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    timeline = []  # (seconds since start, {pid: CPU s so far})
    while process.poll() is None:
        sample(process.pid, seen, roles)
        totals: dict = defaultdict(float)
        for (pid, _), (_, user, system) in seen.items():
            totals[pid] += user + system
        timeline.append((time.perf_counter() - start, dict(totals)))
        time.sleep(interval)
    wall = time.perf_counter() - start
    stall = (_io_stall() - stall) if stall is not None else None
    report = json.loads(process.stdout.read() or b"{}")
    by_process: dict = {}
    for (pid, tid), (_, user, system) in sorted(seen.items()):
        entry = by_process.setdefault(pid, {"role": roles.get(pid, "?"), "user": 0.0, "system": 0.0,
                                            "write_MB": roles.get((pid, "write_bytes"), 0) / 1e6,
                                            "threads": {}})
        entry["user"] += user
        entry["system"] += system
        entry["threads"][tid] = [round(user, 2), round(system, 2)]
    for entry in by_process.values():  # busiest first: Python threads share the process's name
        busy = sorted(entry["threads"].items(), key=lambda kv: -sum(kv[1]))
        entry["threads"] = {str(tid): cpu for tid, cpu in busy if sum(cpu) > 0.02}
    for path in out.parent.glob(f"{out.name}*"):
        path.unlink()
    return {"argv": argv[1:], "wall": wall, "images_per_second": images / wall, "io_stall_s": stall,
            "report_seconds": report.get("seconds"), "load": os.getloadavg(),
            "processes": {str(pid): entry for pid, entry in by_process.items()},
            "timeline": _coarse(timeline, 0.5)}


def _coarse(timeline: list, step: float) -> list:
    """CPU seconds per process in each ``step`` of wall: the run's phases."""
    rows, last, edge = [], {}, step
    for moment, totals in timeline:
        if moment >= edge:
            rows.append((round(edge, 1), {str(pid): round(cpu - last.get(pid, 0.0), 2)
                                          for pid, cpu in totals.items() if cpu - last.get(pid, 0.0) > 0.01}))
            last, edge = totals, edge + step
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--timeline", action="store_true", help="print CPU s per process per 0.5 s")
    parser.add_argument("options", nargs="*", help="mstool preprocess options (after --)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cpu-by-process-", dir=os.environ.get("BENCH_TMP")))
    try:
        result = run(args.images, args.options, args.interval, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(p["user"] + p["system"] for p in result["processes"].values())
    print(f"{' '.join(args.options) or 'in-process'}: wall {result['wall']:.2f} s, "
          f"{result['images_per_second']:.1f} images/s, CPU {total:.2f} s, io stall {result['io_stall_s']}, "
          f"load {result['load'][0]:.2f}")
    for pid, entry in result["processes"].items():
        print(f"  {pid} {entry['role']:<18} user {entry['user']:.2f} sys {entry['system']:.2f} "
              f"wrote {entry['write_MB']:.0f} MB  {entry['threads']}")
    if args.timeline:
        for moment, cpu in result["timeline"]:
            print(f"    t={moment:5.1f} " + " ".join(f"{pid}:{value:.2f}" for pid, value in cpu.items()))
    json.dump(result, sys.stderr if os.environ.get("CPU_JSON") == "-" else open(os.devnull, "w"))


if __name__ == "__main__":
    main()
