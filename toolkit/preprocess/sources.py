"""Which files to process: folders and files given on the command line, labels, shards.

Folders are scanned recursively for image suffixes (sorted, so every run and every
shard sees the same order); files named explicitly are taken whatever they are.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.files import read_regular_file

# integer labels name classes 0..max: a label of 99999999999 would allocate that many names
MAX_INTEGER_LABEL = 99_999
MAX_MANIFEST_BYTES = 256 * 1024 * 1024

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"}


@dataclass
class Item:
    """One input: its path, the key used to look up a manifest label, and the label."""

    path: Path
    key: str
    label: str | None = None


def _scan(folder: Path) -> list[Item]:
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES and not path.is_dir():
            found.append(Item(path, relative.as_posix()))
    if found and all("/" in item.key for item in found):
        for item in found:
            item.label = item.key.split("/", 1)[0]
    return found


def collect_inputs(inputs: list[Path]) -> list[Item]:
    """Items from folders (recursive scan, folder-per-class labels) and explicit files.

    Paths that do not exist are kept: they are skipped later as unreadable.

    >>> collect_inputs([Path("missing.jpg")])[0].key
    'missing.jpg'
    """
    items: list[Item] = []
    for entry in inputs:
        if entry.is_dir():
            items.extend(_scan(entry))
        else:
            items.append(Item(entry, entry.name))
    return items


def _is_integer_label(label: str) -> bool:
    return label.isascii() and label.isdigit()


def _check_label(label: str, where: str) -> str:
    if _is_integer_label(label) and int(label) > MAX_INTEGER_LABEL:
        raise InputError(f"integer label {label} is larger than {MAX_INTEGER_LABEL}; integer labels "
                         "number classes from 0, use class names instead", where=where)
    return label


def _manifest_text(path: Path) -> str:
    try:
        raw = read_regular_file(path, max_bytes=MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise InputError("no such labels manifest", where=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read labels manifest ({err.strerror or err})", where=str(path)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text at byte {err.start} ({err.reason})", where=str(path)) from None


def _json_manifest(text: str, path: Path) -> dict[str, str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg})", where=f"{path}:{err.lineno}") from err
    except RecursionError:
        raise InputError("JSON nested too deeply", where=str(path)) from None
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list) and all(isinstance(r, dict) and {"path", "label"} <= set(r) for r in data):
        pairs = [(r["path"], r["label"]) for r in data]
    else:
        raise InputError("expected {path: label} or a list of {path, label} objects", where=str(path))
    return {str(k): _check_label(str(v), str(path)) for k, v in pairs}


def read_manifest(path: Path) -> dict[str, str]:
    """Labels from a CSV (columns ``path,label``) or JSON (``{path: label}`` or a list of
    ``{"path": ..., "label": ...}``) manifest; keys are paths relative to the image folder.

    Integer labels above :data:`MAX_INTEGER_LABEL` are refused with the line that holds them.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "labels.csv"
    >>> _ = p.write_text("path,label\\na.jpg,cat\\nb.jpg,99999999999\\n")
    >>> try:
    ...     read_manifest(p)
    ... except InputError as err:
    ...     print(err.where.endswith("labels.csv:3"))
    True
    """
    text = _manifest_text(path)
    if path.suffix.lower() == ".json":
        return _json_manifest(text, path)
    labels: dict[str, str] = {}
    try:
        for number, row in enumerate(csv.reader(text.splitlines()), start=1):
            if not row or (number == 1 and [c.strip().lower() for c in row[:2]] == ["path", "label"]):
                continue
            if len(row) < 2:
                raise InputError("expected two columns: path,label", where=f"{path}:{number}")
            labels[row[0].strip()] = _check_label(row[1].strip(), f"{path}:{number}")
    except csv.Error as err:
        raise InputError(f"unreadable CSV ({err})", where=str(path)) from None
    return labels


def apply_manifest(items: list[Item], manifest: dict[str, str], source: Path) -> None:
    """Set each item's label from the manifest (by relative path, else by file name)."""
    by_name = {Path(k).name: v for k, v in manifest.items()}
    for item in items:
        label = manifest.get(item.key, by_name.get(item.path.name))
        if label is None:
            raise InputError(f"no label for {item.key}", where=str(source))
        item.label = label


def class_names_for(items: list[Item]) -> list[str]:
    """Sorted class names; integer labels keep their values (0..max).

    >>> class_names_for([Item(Path("a"), "a", "2"), Item(Path("b"), "b", "0")])
    ['0', '1', '2']
    """
    labels = {item.label for item in items if item.label is not None}
    if not labels:
        return []
    if all(_is_integer_label(label) for label in labels):
        largest = max(labels, key=int)
        _check_label(largest, next(str(i.path) for i in items if i.label == largest))
        return [str(i) for i in range(max(int(label) for label in labels) + 1)]
    return sorted(labels)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"i/N"`` (0-based i) into (i, N).

    >>> parse_shard("1/4")
    (1, 4)
    """
    if text is None:
        return None
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError as err:
        raise InputError(f"--shard expects i/N (e.g. 0/4), got '{text}'") from err
    if count < 1 or not 0 <= index < count:
        raise InputError(f"--shard {text}: need 0 <= i < N")
    return index, count


def shard_slice(items: list, shard: tuple[int, int] | None) -> list:
    """The contiguous, deterministic block of ``items`` for shard (i, N).

    >>> shard_slice(list(range(10)), (2, 3))
    [6, 7, 8, 9]
    """
    if shard is None:
        return items
    index, count = shard
    return items[index * len(items) // count : (index + 1) * len(items) // count]
