"""Shared fuzzing budget: a fixed seed, a small CI budget, and a long run through an env var.

CI runs ``MSTOOL_FUZZ_EXAMPLES`` (default 50) cases per parser, derandomized so every
run tries the same inputs. The long run (see docs/architecture.md, "Limits and
validation") raises it, e.g. ``MSTOOL_FUZZ_EXAMPLES=5000``; ``MSTOOL_FUZZ_REPORT=FILE``
appends one JSON line per parser: cases, outcomes and the process's peak memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import time
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, settings

from mstool.toolkit.errors import InputError

EXAMPLES = int(os.environ.get("MSTOOL_FUZZ_EXAMPLES", "50"))
CASE_SECONDS = float(os.environ.get("MSTOOL_FUZZ_CASE_SECONDS", "20"))

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=CASE_SECONDS / 2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    print_blob=True,
)


class Hang(Exception):
    """A case ran past ``MSTOOL_FUZZ_CASE_SECONDS``."""


@contextlib.contextmanager
def case_time_limit(seconds: float = CASE_SECONDS):
    """Raise :class:`Hang` in the main thread when a case runs longer than ``seconds``."""

    def expire(signum, frame):
        raise Hang(f"case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Outcomes:
    """Counts what each fuzz case ended in; raw exceptions and hangs are counted, then re-raised."""

    def __init__(self, parser: str, refused: tuple[type[BaseException], ...] = (InputError,)) -> None:
        self.parser, self.refused = parser, refused
        self.counts: Counter = Counter()
        self.started = time.perf_counter()

    def run(self, case, *args):
        """Run ``case(*args)``: 'loaded' when it returns, 'refused' on an expected error."""
        try:
            with case_time_limit():
                result = case(*args)
        except self.refused:
            self.counts["refused"] += 1
            return None
        except Hang:
            self.counts["hang"] += 1
            raise
        except BaseException:
            self.counts["raw exception"] += 1
            raise
        self.counts["loaded"] += 1
        return result

    def report(self) -> dict:
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"parser": self.parser, "cases": sum(self.counts.values()), **self.counts,
                "seconds": round(time.perf_counter() - self.started, 1), "peak_rss_mib": round(peak_mib)}

    def write_report(self) -> None:
        target = os.environ.get("MSTOOL_FUZZ_REPORT")
        if target:
            with open(target, "a") as handle:
                handle.write(json.dumps(self.report()) + "\n")
