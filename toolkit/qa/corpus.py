"""Read a corpus of titled paragraphs from JSONL, a folder of text files, or QA datasets.

Accepted inputs: JSONL with ``title``/``text`` (optional ``sentences``, ``links``);
JSONL of questions carrying their ``paragraphs`` (pooled); HotpotQA JSON
(``context``) and MuSiQue JSON/JSONL (``paragraph_text``); a folder of .txt/.md files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.files import read_regular_file
from mstool.toolkit.qa.text import split_sentences

MAX_JSON_BYTES = 4 * 1024**3  # HotpotQA's full-wiki files are ~0.5 GB


@dataclass
class Paragraph:
    """A titled paragraph split into sentences; ``links`` are titles it points to.

    >>> Paragraph("Paris", ["Paris is big.", "It is old."]).text
    'Paris is big. It is old.'
    """

    title: str
    sentences: list[str]
    links: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def _clean_sentences(sentences: list[Any], where: str) -> list[str]:
    if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
        raise InputError("field 'sentences' must be a list of strings", where=where)
    cleaned = [" ".join(s.split()) for s in sentences]
    return [s for s in cleaned if s]


def paragraph_from_record(record: dict, where: str) -> Paragraph:
    """One paragraph from a JSON object with ``title`` and ``text`` or ``sentences``.

    >>> paragraph_from_record({"title": "A", "text": "One. Two."}, "x:1").sentences
    ['One.', 'Two.']
    """
    if not isinstance(record, dict):
        raise InputError("expected a paragraph object with 'title' and 'text'", where=where)
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError("paragraph has no 'title'", where=where)
    if "sentences" in record and record["sentences"]:
        sentences = _clean_sentences(record["sentences"], where)
    else:
        text = record.get("text", record.get("paragraph_text"))
        if text is not None and not isinstance(text, str):
            raise InputError("field 'text' must be a string", where=where)
        sentences = split_sentences(" ".join((text or "").split()))
    if not sentences:
        raise InputError(f"paragraph '{title}' has no text", where=where)
    links = record.get("links") or []
    if not isinstance(links, list) or not all(isinstance(t, str) for t in links):
        raise InputError("field 'links' must be a list of titles", where=where)
    return Paragraph(" ".join(title.split()), sentences, list(links))


def _paragraphs_of_item(item: Any, where: str) -> Iterator[Paragraph]:
    """Paragraphs of one JSON item: a paragraph, or a question carrying its paragraphs."""
    if not isinstance(item, dict):
        raise InputError("expected a JSON object", where=where)
    if "paragraphs" in item:
        if not isinstance(item["paragraphs"], list):
            raise InputError("field 'paragraphs' must be a list", where=where)
        for para in item["paragraphs"]:
            yield paragraph_from_record(para, where)
    elif "context" in item:
        if not isinstance(item["context"], list):
            raise InputError("field 'context' must be a list of [title, sentences]", where=where)
        for entry in item["context"]:
            if not (isinstance(entry, list) and len(entry) == 2):
                raise InputError("'context' entries must be [title, sentences]", where=where)
            yield paragraph_from_record({"title": entry[0], "sentences": entry[1]}, where)
    else:
        yield paragraph_from_record(item, where)


def iter_json_records(path: Path) -> Iterator[tuple[Any, str]]:
    """JSON objects from a .json file (a list) or a JSONL file, with their location.

    Raises :class:`InputError` naming the line of a JSONL line that is not JSON.
    """
    try:
        raw = read_regular_file(path, max_bytes=MAX_JSON_BYTES).decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text at byte {err.start} ({err.reason})", where=str(path)) from err
    except FileNotFoundError:
        raise InputError("no such file", where=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read ({err.strerror or err})", where=str(path)) from None
    stripped = raw.lstrip()
    if path.suffix == ".json" or stripped.startswith("["):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            raise InputError(f"not valid JSON ({err.msg})", where=f"{path}:{err.lineno}") from err
        except RecursionError:
            raise InputError("JSON nested too deeply", where=str(path)) from None
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            yield item, f"{path}[{i}]"
        return
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"line is not JSON ({err.msg})", where=f"{path}:{lineno}") from err
        except RecursionError:
            raise InputError("JSON nested too deeply", where=f"{path}:{lineno}") from None
        yield record, f"{path}:{lineno}"


def _read_text_file(path: Path) -> Paragraph:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    title = path.stem.replace("_", " ")
    body = [ln for ln in lines]
    for i, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith("#"):
                title = line.lstrip("# ").strip() or title
                body = lines[i + 1:]
            break
    return paragraph_from_record({"title": title, "text": " ".join(body)}, str(path))


def read_corpus(path: str | Path) -> list[Paragraph]:
    """All paragraphs of a corpus file or folder, de-duplicated by (title, text).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = p.write_text('{"title": "A", "text": "x y."}\\n{"title": "A", "text": "x y."}\\n')
    >>> len(read_corpus(p))
    1
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or folder", where=str(path))
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file())
        found = [_read_text_file(p) for p in files]
    else:
        found = [p for item, where in iter_json_records(path) for p in _paragraphs_of_item(item, where)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for para in found:
        key = (para.title, para.text)
        if key not in seen:
            seen.add(key)
            unique.append(para)
    if not unique:
        raise InputError("corpus is empty: no paragraphs found", where=str(path))
    return unique
