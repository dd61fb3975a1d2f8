"""Read a corpus of titled paragraphs from JSONL, TSV, a folder of text files, or QA datasets.

Accepted inputs: JSONL with ``title``/``text`` (optional ``id``, ``url``, ``sentences``,
``links`` and any other fields, kept as the document's ``fields``); TSV with a header
row naming at least ``title`` and ``text``; JSONL of questions carrying their
``paragraphs`` (pooled); HotpotQA JSON (``context``) and MuSiQue JSON/JSONL
(``paragraph_text``); a folder of .txt/.md files (one document per file).
"""

from __future__ import annotations

import csv
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

    ``doc_id``, ``url`` and ``fields`` (any other string/number fields of the record)
    are the user's own and travel through the index into answers.

    >>> Paragraph("Paris", ["Paris is big.", "It is old."], doc_id="p1").text
    'Paris is big. It is old.'
    """

    title: str
    sentences: list[str]
    links: list[str] = field(default_factory=list)
    doc_id: str | None = None
    url: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

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
    doc_id, url, extra = _identity(record, where)
    return Paragraph(" ".join(title.split()), sentences, list(links), doc_id, url, extra)


# Record keys that are read as paragraph content (or are dataset bookkeeping), not user fields.
_CONTENT_KEYS = frozenset({"title", "text", "paragraph_text", "sentences", "links", "id", "_id", "doc_id",
                           "url", "is_supporting", "idx"})


def _identity(record: dict, where: str) -> tuple[str | None, str | None, dict[str, Any]]:
    """(id, url, extra fields) of a record; an id is a non-empty string or an integer."""
    doc_id = record.get("id", record.get("doc_id", record.get("_id")))
    if doc_id is not None:
        if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or not str(doc_id).strip():
            raise InputError("field 'id' must be a non-empty string or an integer", where=where)
        doc_id = str(doc_id).strip()
    url = record.get("url")
    if url is not None and not isinstance(url, str):
        raise InputError("field 'url' must be a string", where=where)
    extra = {k: v for k, v in record.items() if k not in _CONTENT_KEYS}
    for key, value in extra.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise InputError(f"field '{key}' must be a string, number or boolean", where=where)
    return doc_id, url or None, extra


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


def iter_tsv_records(path: Path) -> Iterator[tuple[dict, str]]:
    """Rows of a TSV file with a header row (``title`` and ``text`` required), with their line.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.tsv"
    >>> _ = p.write_text("id\\ttitle\\ttext\\n7\\tParis\\tParis is big.\\n")
    >>> list(iter_tsv_records(p))[0][0]["title"], str(list(iter_tsv_records(p))[0][1]).endswith("c.tsv:2")
    ('Paris', True)
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text at byte {err.start} ({err.reason})", where=str(path)) from err
    rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if not header or not {"title", "text"} <= set(header):
        raise InputError(f"TSV header must name 'title' and 'text' columns, got {header}", where=f"{path}:1")
    for lineno, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"row has {len(row)} columns, the header {len(header)}",
                             where=f"{path}:{lineno}")
        yield {k: v for k, v in zip(header, row, strict=True) if k not in ("url", "id") or v.strip()}, \
            f"{path}:{lineno}"


def _read_text_file(path: Path, root: Path) -> Paragraph:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text at byte {err.start} ({err.reason})", where=str(path)) from err
    title = path.stem.replace("_", " ")
    body = [ln for ln in lines]
    for i, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith("#"):
                title = line.lstrip("# ").strip() or title
                body = lines[i + 1:]
            break
    doc_id = path.relative_to(root).as_posix()
    return paragraph_from_record({"title": title, "text": " ".join(body), "id": doc_id}, str(path))


def read_corpus(path: str | Path) -> list[Paragraph]:
    """All paragraphs of a corpus file or folder, de-duplicated by (title, text).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = p.write_text('{"title": "A", "text": "x y."}\\n{"title": "A", "text": "x y."}\\n')
    >>> len(read_corpus(p))
    1

    Two documents with the same ``id`` are an error naming both places.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or folder", where=str(path))
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file())
        found = [(_read_text_file(p, path), str(p)) for p in files]
    elif path.suffix.lower() in (".tsv", ".tab"):
        found = [(paragraph_from_record(rec, where), where) for rec, where in iter_tsv_records(path)]
    else:
        found = [(p, where) for item, where in iter_json_records(path)
                 for p in _paragraphs_of_item(item, where)]
    unique = unique_paragraphs(found)
    if not unique:
        raise InputError("corpus is empty: no paragraphs found", where=str(path))
    return unique


def unique_paragraphs(found: list[tuple[Paragraph, str]], taken: dict[str, str] | None = None
                      ) -> list[Paragraph]:
    """Paragraphs without repeats of (title, text); a repeated document id raises, naming both places.

    ``taken`` maps ids already in use (say, in an index being appended to) to where they are.

    >>> a = Paragraph("A", ["x."], doc_id="d1")
    >>> len(unique_paragraphs([(a, "c.jsonl:1"), (Paragraph("A", ["x."]), "c.jsonl:2")]))
    1
    >>> try:
    ...     unique_paragraphs([(a, "c.jsonl:1"), (Paragraph("B", ["y."], doc_id="d1"), "c.jsonl:2")])
    ... except InputError as err:
    ...     print(err)
    c.jsonl:2: duplicate document id 'd1' (first at c.jsonl:1)
    """
    ids = dict(taken or {})
    seen: set[tuple[str, str]] = set()
    unique = []
    for para, where in found:
        if para.doc_id is not None:
            if para.doc_id in ids:
                raise InputError(f"duplicate document id '{para.doc_id}' (first at {ids[para.doc_id]})",
                                 where=where)
            ids[para.doc_id] = where
        key = (para.title, para.text)
        if key not in seen:
            seen.add(key)
            unique.append(para)
    return unique
