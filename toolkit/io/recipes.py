"""Load YAML recipes into pydantic models, with errors that name the key and its line.

``--set a.b=value`` overrides are applied before validation, with YAML typing of
the value (``3`` is an int, ``true`` a bool, ``[1, 2]`` a list); a command's own options
arrive as ``(key, value)`` pairs whose values are already typed (no YAML text is built).
A path named in a recipe means one thing everywhere: :func:`resolve_path`.
"""

from __future__ import annotations

import os
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.files import read_regular_file

RecipeT = TypeVar("RecipeT", bound=BaseModel)
# One override: "a.b=value" text from --set (YAML-typed), or ("a.b", value) from a command's option.
Override = str | tuple[str, Any]


def _line_index(node: yaml.Node, prefix: tuple = (), index: dict | None = None) -> dict:
    """Map every key path in a composed YAML document to its 1-based line."""
    index = {} if index is None else index
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = prefix + (key_node.value,)
            index[path] = key_node.start_mark.line + 1
            _line_index(value_node, path, index)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            index[prefix + (i,)] = item.start_mark.line + 1
            _line_index(item, prefix + (i,), index)
    return index


def _unwrap(annotation: Any) -> list[type]:
    """The model classes an annotation may hold (through Optional, list, dict, unions)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, dict, set):
        found: list[type] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the key at ``loc`` (the parent of its last item).

    >>> from mstool.schemas.base import Recipe
    >>> model_at(Recipe, ("recipe",)).__name__
    'Recipe'
    """
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        models = _unwrap(field.annotation)
        # a union of several models (e.g. a list of op kinds) cannot be told apart here
        current = models[0] if len(models) == 1 else None
    return current


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    holder = model_at(model, loc)
    return sorted(holder.model_fields) if holder is not None else []


def _nearest_line(lines: dict, loc: tuple) -> int | None:
    for cut in range(len(loc), 0, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def format_validation_error(
    err: ValidationError, model: type[BaseModel], source: str, lines: dict | None = None
) -> InputError:
    """Turn the first pydantic error into a one-line :class:`InputError`."""
    first = err.errors()[0]
    loc = tuple(first["loc"])
    dotted = ".".join(str(p) for p in loc) or "(root)"
    line = _nearest_line(lines or {}, loc)
    where = f"{source}:{line}" if line else source
    more = len(err.errors()) - 1
    suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
    if first["type"] == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(model, loc)) or "none"
        return InputError(f"unknown key '{dotted}'; allowed keys: {allowed}{suffix}", where=where)
    return InputError(f"field '{dotted}': {first['msg']}{suffix}", where=where)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``a.b=value`` into a key path and a YAML-typed value.

    >>> parse_override("integrator.dt=0.002")
    (['integrator', 'dt'], 0.002)
    """
    if "=" not in text:
        raise InputError(f"--set expects key=value, got '{text}'")
    key, raw = text.split("=", 1)
    parts = [p for p in key.strip().split(".")]
    if not key.strip() or any(not p for p in parts):
        raise InputError(f"--set has an empty key in '{text}'")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return parts, value


def _split_override(item: Override) -> tuple[list[str], Any, str]:
    """(key path, value, text for messages) of one override."""
    if isinstance(item, str):
        return (*parse_override(item), item)
    key, value = item
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return key.split("."), value, f"{key}={value!r}"


def _step_into_list(items: list, part: str, text: str, loc: tuple, last: bool, value: Any) -> Any:
    dotted = ".".join(str(p) for p in loc[:-1])
    if not part.isdigit():
        raise InputError(f"--set {text}: '{dotted}' is a list; index it with a number")
    index = int(part)
    if index >= len(items):
        raise InputError(f"--set {text}: index {index} is out of range ('{dotted}' has {len(items)} items)")
    if last:
        items[index] = value
        return None
    return items[index]


def _is_container(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_container(arg) for arg in typing.get_args(annotation))
    return origin in (list, tuple, dict) or annotation in (list, tuple, dict)


def _check_key(model: type[BaseModel], loc: tuple, text: str) -> None:
    holder = model_at(model, loc)
    part = loc[-1]
    dotted = ".".join(str(p) for p in loc)
    if holder is None:
        return
    if part not in holder.model_fields:
        allowed = ", ".join(sorted(holder.model_fields))
        raise InputError(f"--set {text}: unknown key '{dotted}'; allowed keys: {allowed}")


def apply_overrides(data: dict, overrides: list[Override], model: type[BaseModel]) -> dict:
    """Apply overrides in order (a later one wins); unknown keys name the allowed ones.

    List items are addressed by index: ``--set ops.0.size=320``. A ``(key, value)`` pair sets
    the value as it is (a path with quotes in it stays that path).

    >>> from mstool.schemas.base import Recipe
    >>> class Run(Recipe):
    ...     sizes: list[int] = []
    ...     name: str = ""
    >>> apply_overrides({"sizes": [1, 2]}, ["sizes.1=5", ("name", "it's [1]")], Run)
    {'sizes': [1, 5], 'name': "it's [1]"}
    """
    for item in overrides:
        parts, value, text = _split_override(item)
        target: Any = data
        loc: tuple = ()
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if isinstance(target, list):
                loc = loc + (int(part) if part.isdigit() else part,)
                target = _step_into_list(target, part, text, loc, last, value)
                continue
            loc = loc + (part,)
            _check_key(model, loc, text)
            if last:
                target[part] = value
                continue
            holder = model_at(model, loc)
            field = holder.model_fields.get(part) if holder is not None else None
            if field is not None and not _unwrap(field.annotation) and not _is_container(field.annotation):
                raise InputError(f"--set {text}: '{'.'.join(map(str, loc))}' is not a section")
            nxt = target.get(part)
            if nxt is None:
                nxt = target[part] = {}
            if not isinstance(nxt, dict | list):
                raise InputError(f"--set {text}: '{'.'.join(map(str, loc))}' is not a section")
            target = nxt
    return data


MAX_RECIPE_BYTES = 4 * 1024 * 1024
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000


def _decode_recipe(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text at byte {err.start} ({err.reason})", where=str(path)) from None


def _count_aliases(text: str, path: Path) -> None:
    aliases = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                line = event.start_mark.line + 1
                raise InputError(f"more than {MAX_ALIASES} YAML aliases (*name); write the values out",
                                 where=f"{path}:{line}")


def _expanded_size(node: yaml.Node, path: Path, sizes: dict, open_nodes: set) -> int:
    """Nodes the document holds once aliases are expanded; refuses cycles and huge expansions."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise InputError("a YAML alias refers to itself", where=f"{path}:{node.start_mark.line + 1}")
    open_nodes.add(key)
    children: list = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    total = 1 + sum(_expanded_size(child, path, sizes, open_nodes) for child in children)
    open_nodes.discard(key)
    if total > MAX_EXPANDED_NODES:
        raise InputError(f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values",
                         where=f"{path}:{node.start_mark.line + 1}")
    sizes[key] = total
    return total


def _parse(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    try:
        _count_aliases(text, path)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _expanded_size(node, path, {}, set())
        return node, yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError(f"invalid YAML: {err.problem}", where=where) from err
    except yaml.YAMLError as err:
        raise InputError(f"invalid YAML: {err}", where=str(path)) from err
    except RecursionError:
        raise InputError("YAML nested too deeply", where=str(path)) from None


def read_yaml(path: Path) -> tuple[dict, dict]:
    """Parse a recipe file into (data, line index); syntax errors name line and column.

    Aliases are bounded (:data:`MAX_ALIASES`, :data:`MAX_EXPANDED_NODES`) before
    anything walks the expanded document, so a small "billion laughs" file is refused.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.yaml"
    >>> _ = p.write_text("steps: 5\\nseed: 1\\n")
    >>> read_yaml(p)
    ({'steps': 5, 'seed': 1}, {('steps',): 1, ('seed',): 2})
    """
    try:
        raw = read_regular_file(path, max_bytes=MAX_RECIPE_BYTES)
    except FileNotFoundError:
        raise InputError("no such recipe file", where=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a YAML recipe", where=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read recipe ({err.strerror or err})", where=str(path)) from None
    node, data = _parse(_decode_recipe(raw, path), path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("a recipe must be a mapping of keys to values", where=str(path))
    return data, (_line_index(node) if node is not None else {})


def load_recipe(
    path: str | os.PathLike | None,
    model: type[RecipeT],
    overrides: list[Override] | None = None,
    *,
    base_dir_key: str | None = None,
) -> RecipeT:
    """Read a YAML recipe (or start from defaults when ``path`` is None), apply overrides.

    Relative paths inside the recipe stay as written; callers resolve each one with
    :func:`resolve_path` where they open it.

    >>> from mstool.schemas.base import Recipe
    >>> class Run(Recipe):
    ...     steps: int = 10
    >>> load_recipe(None, Run, ["steps=5"]).steps
    5
    """
    source = str(path) if path is not None else "recipe"
    data, lines = read_yaml(Path(path)) if path is not None else ({}, {})
    data = apply_overrides(data, overrides or [], model)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise format_validation_error(err, model, source, lines) from err


def recipe_dir(path: str | os.PathLike | None) -> Path:
    """The folder relative paths in a recipe are resolved against (the working directory without one)."""
    return Path(path).resolve().parent if path is not None else Path.cwd()


def resolve_path(value: str | os.PathLike, recipe_file: str | os.PathLike | None) -> Path:
    """The one rule for a path named in a recipe: ``~`` is expanded, and a relative path is
    relative to the recipe file's folder (the working directory when there is no recipe file).

    ``recipe_file`` may also be that folder itself, as toolkit functions receive it
    (``base_dir``). Paths given as command-line options are relative to the working directory;
    commands make them absolute before they become overrides.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "run.yaml").write_text("recipe: x")
    9
    >>> resolve_path("data/in.npz", folder / "run.yaml") == folder.resolve() / "data" / "in.npz"
    True
    >>> resolve_path("data/in.npz", folder) == resolve_path("data/in.npz", folder / "run.yaml")
    True
    >>> resolve_path("~/in.npz", None) == Path.home() / "in.npz"
    True
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    if recipe_file is None:
        return Path.cwd() / path
    base = Path(recipe_file).expanduser()
    return (base if base.is_dir() else recipe_dir(base)) / path
