"""One worker process of a local multi-worker job (started by :mod:`.launcher`).

``python -m mstool.toolkit.train.worker SPEC.json``; TF_CONFIG names the cluster.
The chief reports progress as ``MSTOOL_EVENT {json}`` lines on stdout. Exit codes:
0 done, 2 bad input, 3 the work failed for good (NaN loss), 1 anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
from pathlib import Path

EVENT_PREFIX = "MSTOOL_EVENT "
EXIT_BAD_INPUT, EXIT_FAILED = 2, 3
LAUNCHER_ENV = "MSTOOL_TRAIN_LAUNCHER"
_PR_SET_PDEATHSIG = 1


def die_with_launcher() -> None:
    """Have the kernel kill this worker when its launcher dies (Linux), so a ``kill -9`` of
    ``mstool train`` leaves no orphan writing checkpoints or holding the shared file."""
    launcher = os.environ.get(LAUNCHER_ENV)
    if not launcher or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(launcher):  # it died before the line above took effect
        os._exit(1)


def _event(kind: str, payload) -> None:
    sys.stdout.write(EVENT_PREFIX + json.dumps({"kind": kind, "data": payload}) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    die_with_launcher()
    from mstool.schemas.train import TrainRecipe
    from mstool.toolkit.errors import InputError, WorkFailed
    from mstool.toolkit.train.loop import Events, train

    class LineEvents(Events):
        def start(self, total_steps: int, done: int) -> None:
            _event("start", [total_steps, done])

        def step(self, record: dict) -> None:
            _event("step", record)

        def epoch(self, record: dict) -> None:
            _event("epoch", record)

        def warn(self, message: str) -> None:
            _event("warn", message)

    spec = json.loads(Path(argv[0]).read_text())
    try:
        recipe = TrainRecipe.model_validate(spec["recipe"])
        summary = train(recipe, spec["output_dir"], resume=spec["resume"], base_dir=spec["base_dir"],
                        events=LineEvents(), export=spec["export"])
    except InputError as err:
        sys.stderr.write(err.render() + "\n")
        return EXIT_BAD_INPUT
    except WorkFailed as err:
        sys.stderr.write(err.render() + "\n")
        return EXIT_FAILED
    _event("summary", summary.to_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
