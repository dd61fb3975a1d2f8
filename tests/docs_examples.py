"""Extract the Python examples of a docs page and run them as a user would.

Rules a docs page follows (docs/*.md):

- every ```python block runs, unless the line just before it (blank lines aside) is
  ``<!-- not run: REASON -->`` (for a block that needs shared data or takes minutes);
- a block runs in its own subprocess, in a fresh temporary folder that holds a link
  ``recipes`` -> the repository's recipes/, so ``recipes/...`` paths read as from the
  repository root and everything the example writes lands in the temporary folder;
- a comment ``# prints: TEXT`` (on a ``print`` line or on its own line after it) is the
  output the example shows; each such TEXT must match a printed line, in order.
  Anything after `` -- `` in the comment is an explanation and is not compared.
  Numbers compare to the precision written (``0.906`` is 0.9055..0.9065); a number ending in
  ``...`` compares its digits as a prefix; ``prints: about TEXT`` allows 10 % on every number.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_NOT_RUN = re.compile(r"<!--\s*not run\b.*?-->\s*$", re.S)
_PRINTS = re.compile(r"#\s*prints:\s*(.*)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?(?:\.\.\.)?", re.I)
ABOUT_TOLERANCE = 0.10


@dataclass
class Example:
    """One ```python block of a page: its code, where it starts, and whether it runs."""

    page: str
    line: int
    code: str
    runs: bool

    @property
    def expected(self) -> list[str]:
        """The ``# prints:`` texts of the block, explanations removed, in order."""
        found = []
        for line in self.code.splitlines():
            match = _PRINTS.search(line)
            if match:
                found.append(match.group(1).split(" -- ")[0].strip())
        return found


def python_examples(page: str | Path) -> list[Example]:
    """All ```python blocks of a docs page (a path relative to the repository root)."""
    text = (REPO_ROOT / page).read_text()
    examples = []
    for match in _BLOCK.finditer(text):
        before = text[: match.start()].rstrip()
        runs = _NOT_RUN.search(before[-300:]) is None
        line = text.count("\n", 0, match.start()) + 2
        examples.append(Example(str(page), line, match.group(1), runs))
    return examples


def run_example(example: Example, workdir: Path, timeout: float = 300) -> str:
    """Run one example in ``workdir`` (a ``recipes`` link added); return its stdout.

    Fails with the page, line and stderr tail when the example does not exit 0.
    """
    link = workdir / "recipes"
    if not link.exists():
        link.symlink_to(REPO_ROOT / "recipes", target_is_directory=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-c", example.code], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{example.page}:{example.line}: example exited {proc.returncode}\n"
                             f"{proc.stderr[-3000:]}")
    return proc.stdout


def _numbers_match(expected: str, actual: str, relative: float) -> bool:
    truncated = expected.endswith("...")
    digits = expected.rstrip(".") if truncated else expected
    if truncated:
        same_sign = actual.startswith("-") == digits.startswith("-")
        return same_sign and actual.lstrip("-").startswith(digits.lstrip("-"))
    value, got = float(digits), float(actual)
    decimals = len(digits.split(".")[1]) if "." in digits and "e" not in digits.lower() else 0
    tolerance = max(0.5 * 10.0 ** -decimals, relative * abs(value))
    return math.isclose(value, got, abs_tol=tolerance * (1 + 1e-9))


def line_matches(expected: str, printed: str) -> bool:
    """Whether a printed line shows the ``# prints:`` text (numbers to the precision written).

    >>> line_matches("0.4535961214255... [-1.78]", "0.45359612142557726 [-1.78241472]")
    True
    >>> line_matches("about 0.90 ok", "0.93 ok"), line_matches("0.90 ok", "0.93 ok")
    (True, False)
    """
    relative = 0.0
    if expected.startswith("about "):
        expected, relative = expected[len("about "):], ABOUT_TOLERANCE
    want_numbers, got_numbers = _NUMBER.findall(expected), _NUMBER.findall(printed)
    if _squash(_NUMBER.sub("#", expected)) != _squash(_NUMBER.sub("#", printed)):
        return False
    return len(want_numbers) == len(got_numbers) and all(
        _numbers_match(want, got, relative) for want, got in zip(want_numbers, got_numbers, strict=True))


def _squash(text: str) -> str:
    # numpy pads arrays with spaces and drops trailing zeros ("0." vs "0.0"): compare words only
    return re.sub(r"\s+", "", text.replace("#.", "#"))


def assert_prints(example: Example, stdout: str) -> None:
    """Each ``# prints:`` text matches a printed line, in the order the page shows them."""
    lines = stdout.splitlines()
    position = 0
    for expected in example.expected:
        for index in range(position, len(lines)):
            if line_matches(expected, lines[index]):
                position = index + 1
                break
        else:
            raise AssertionError(f"{example.page}:{example.line}: no printed line matches "
                                 f"{expected!r} (after line {position}); printed:\n{stdout}")
