"""The only way text from a model (names, attributes, file names) reaches generated Python.

Model content is data: strings become checked literals, names become plain ASCII
identifiers, Einsum equations pass an allow-list grammar, docstring text is escaped, and
every statement the builder runs is checked against a small grammar before ``exec``.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Container, Iterable

from mstool.toolkit.errors import InputError

# Names generated code may use besides its own variables.
SAFE_GLOBALS = frozenset({"keras", "Constant", "float", "range", "int", "True", "False", "None"})
# Roots of ``keras.<root>...`` calls generated code may make.
KERAS_ROOTS = frozenset({"ops", "layers", "Input", "Model"})
# Attributes generated code may read on its own variables.
VARIABLE_ATTRIBUTES = frozenset({"shape", "dtype"})
# Variable names that would shadow something model.py itself uses.
RESERVED = frozenset({
    "keras", "Constant", "build_model", "inputs", "outputs", "model", "np", "self", "input", "float",
    "int", "len", "range", "list", "tuple", "dict", "type", "id", "max", "min", "sum", "abs", "round",
    "print", "open", "exec", "eval", "compile", "getattr", "setattr", "globals", "locals", "vars",
    *(f"i{j}" for j in range(10)),
})
MAX_IDENTIFIER = 60
MAX_TEXT = 200
_EINSUM_TERM = r"(?:[A-Za-z]|\.\.\.)*"
_EINSUM = re.compile(rf"{_EINSUM_TERM}(?:,{_EINSUM_TERM})*(?:->{_EINSUM_TERM})?")
_LOOP_INDEX = re.compile(r"i\d")
_IMPORTS = ([("keras", None)], [("sys", None)])
_RECURSION_LIMIT = re.compile(r"sys\.setrecursionlimit\(max\(sys\.getrecursionlimit\(\), \d+\)\)")
_ALLOWED_NODES = (
    ast.Module, ast.Assign, ast.Expr, ast.Name, ast.Load, ast.Store, ast.Call, ast.keyword, ast.Attribute,
    ast.Constant, ast.Tuple, ast.List, ast.Subscript, ast.Slice, ast.UnaryOp, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.ListComp, ast.comprehension,
)


class UnsafeCode(InputError):
    """Text that would not be plain data in generated code (a hostile or broken model): exit 2."""


def string_literal(text: str) -> str:
    """A Python string literal whose value is exactly ``text`` (checked: a constant, nothing else).

    >>> print(string_literal('ij->ij",x),print("hi")#'))
    'ij->ij",x),print("hi")#'
    """
    if not isinstance(text, str):
        raise UnsafeCode(f"expected a string, got {type(text).__name__}")
    source = repr(text)
    if "'" not in text and '"' not in text:
        source = '"' + source[1:-1] + '"'  # the style of the rest of model.py; same escapes inside
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:  # repr of a str always parses; anything else is refused
        raise UnsafeCode(f"not a plain string literal: {err.msg}") from None
    if not (isinstance(tree.body, ast.Constant) and tree.body.value == text):
        raise UnsafeCode("not a plain string literal")
    return source


def sanitize(text: str) -> str:
    """``text`` as ASCII letters, digits and single underscores (no collision handling).

    >>> sanitize("resnet/conv1:0"), sanitize("é"), sanitize("")
    ('resnet_conv1_0', '', '')
    """
    return re.sub(r"[^0-9A-Za-z]+", "_", str(text)).strip("_")


def identifier(hint: str, used: set[str], strip_prefix: str = "") -> str:
    """A new Python identifier from ``hint``, not in ``used`` (which it joins): deterministic
    for a given order of calls, ASCII only, never a keyword, builtin or reserved name.

    >>> used = set()
    >>> identifier("conv/1", used), identifier("conv_1", used), identifier("import", used)
    ('conv_1', 'conv_1_2', 'import_')
    >>> identifier('x"),open("PWNED","w").write("p")#', used)
    'x_open_PWNED_w_write_p'
    """
    base = sanitize(hint) or "t"
    if strip_prefix and base.startswith(strip_prefix) and len(base) > len(strip_prefix):
        base = base[len(strip_prefix):]
    base = base[:MAX_IDENTIFIER].rstrip("_") or "t"
    if base[0].isdigit():
        base = "t_" + base
    if keyword.iskeyword(base) or keyword.issoftkeyword(base) or base in RESERVED:
        base += "_"
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{base}_{k}"
    if not name.isidentifier():  # cannot happen for ASCII letters, digits and '_'; kept as a guard
        raise UnsafeCode(f"not an identifier: {name!r}")
    used.add(name)
    return name


def einsum_equation(text: str) -> str:
    """An Einsum equation checked against its grammar (letters, ',', '->', '...', spaces), spaces removed.

    >>> einsum_equation("bij, bjk -> bik")
    'bij,bjk->bik'
    >>> einsum_equation('ij->ij",x),print(1)#')  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafeCode: Einsum equation 'ij->ij",x),print(1)#' is not letters, ...
    """
    compact = str(text).replace(" ", "")
    if not _EINSUM.fullmatch(compact) or not compact:
        raise UnsafeCode(f"Einsum equation {shorten(text)!r} is not letters, ',', '->' and '...' only")
    return compact


def choice(value: str, allowed: Iterable[str], what: str) -> str:
    """``value`` when it is one of ``allowed`` (an attribute with a fixed set of values).

    >>> choice("reflect", ("constant", "reflect"), "Pad mode")
    'reflect'
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise UnsafeCode(f"{what} {shorten(value)!r} is not one of {', '.join(allowed)}")
    return value


def shorten(text: object, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, for messages.

    >>> shorten("a" * 100, 5)
    'aaaaa...'
    """
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def docstring_text(text: str, limit: int = MAX_TEXT) -> str:
    r"""``text`` escaped for one line of a triple-quoted docstring or a comment: no newline,
    no unescaped quote or backslash, printable ASCII only.

    >>> print(docstring_text('a"b\nc'))
    a\"b\nc
    """
    escaped = shorten(text, limit).encode("unicode_escape").decode("ascii").replace('"', '\\"')
    body = '"""' + escaped + '"""'
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError:
        raise UnsafeCode("docstring text does not stay a string") from None
    stays_text = isinstance(tree.body, ast.Constant) and escaped.isprintable()
    if not stays_text or any(c in escaped for c in "\n\r"):
        raise UnsafeCode("docstring text does not stay a string")
    return escaped


def check_statement(code: str, known: Container[str]) -> None:
    """Refuse generated code that is more than assignments of keras calls on known variables.

    ``known`` holds the variables defined so far (names starting with '_' never count). Only
    ``keras.ops``/``keras.layers`` calls, ``Constant``, a few builtins, literals, indexing and
    arithmetic pass.

    >>> check_statement('y = keras.ops.relu(x)', {"x"})
    >>> check_statement('y = open("PWNED", "w")', {"x"})  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafeCode: generated code uses name 'open'
    """
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        raise UnsafeCode(f"generated code does not parse: {err.msg}") from None
    _check_tree(tree, known)


def _stored_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _check_tree(tree: ast.AST, known: Container[str]) -> None:
    defined = _stored_names(tree)
    for name in defined:
        shadows = name in SAFE_GLOBALS or name in RESERVED and not _LOOP_INDEX.fullmatch(name)
        if name.startswith("_") or shadows:
            raise UnsafeCode(f"generated code assigns to {name!r}")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeCode(f"generated code contains {type(node).__name__}")
        if isinstance(node, ast.Name):
            _check_name(node.id, known, defined)
        elif isinstance(node, ast.Attribute):
            _check_attribute(node)
        elif isinstance(node, ast.keyword) and (node.arg is None or node.arg.startswith("_")):
            raise UnsafeCode("generated code passes **kwargs or a private keyword")


def _check_name(name: str, known: Container[str], defined: set[str]) -> None:
    if name.startswith("_") or not (name in SAFE_GLOBALS or name in known or name in defined):
        raise UnsafeCode(f"generated code uses name {name!r}")
    if name in RESERVED and name not in SAFE_GLOBALS and not _LOOP_INDEX.fullmatch(name):
        raise UnsafeCode(f"generated code uses name {name!r}")


def _check_attribute(node: ast.Attribute) -> None:
    if node.attr.startswith("_"):
        raise UnsafeCode(f"generated code reads private attribute {node.attr!r}")
    chain = [node.attr]
    value = node.value
    while isinstance(value, ast.Attribute):
        chain.append(value.attr)
        value = value.value
    if isinstance(value, ast.Name) and value.id == "keras":
        if chain[-1] not in KERAS_ROOTS:
            raise UnsafeCode(f"generated code uses keras.{chain[-1]}")
    elif len(chain) > 1 or node.attr not in VARIABLE_ATTRIBUTES:
        raise UnsafeCode(f"generated code reads attribute {node.attr!r}")


def check_model_source(source: str, fixed_class_source: str) -> None:
    """Refuse a ``model.py`` that is more than: a docstring, ``import keras`` (and ``sys`` with a
    recursion limit for deep graphs), the fixed ``Constant`` class, and ``build_model()`` made
    of checked statements ending in ``return``.

    >>> check_model_source("'doc'\\nimport keras\\n\\ndef build_model():\\n    return 1\\n", "")
    >>> check_model_source("'doc'\\nimport os\\n", "")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafeCode: model.py has an unexpected top-level statement
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise UnsafeCode(f"model.py does not parse: {err.msg}") from None
    fixed = [ast.dump(node) for node in ast.parse(fixed_class_source).body]
    body = list(tree.body)
    if not (body and _is_docstring(body[0])):
        raise UnsafeCode("model.py does not start with its docstring")
    for node in body[1:]:
        if isinstance(node, ast.Import) and [(a.name, a.asname) for a in node.names] in _IMPORTS:
            continue
        if isinstance(node, ast.Expr) and _RECURSION_LIMIT.fullmatch(ast.unparse(node)):
            continue
        if ast.dump(node) in fixed:
            continue
        if isinstance(node, ast.FunctionDef) and node.name == "build_model":
            _check_build_model(node)
            continue
        raise UnsafeCode("model.py has an unexpected top-level statement")


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(getattr(node.value, "value", None), str) \
        and isinstance(node.value, ast.Constant)


def _check_build_model(function: ast.FunctionDef) -> None:
    if function.args.args or function.decorator_list or not function.body:
        raise UnsafeCode("build_model() has an unexpected signature")
    statements = function.body[1:] if _is_docstring(function.body[0]) else function.body
    *assignments, last = statements
    known: set[str] = set()
    for statement in assignments:
        if not isinstance(statement, ast.Assign):
            raise UnsafeCode("build_model() holds something other than assignments")
        _check_tree(statement, known)
        known.update(_stored_names(statement))
    if not isinstance(last, ast.Return) or last.value is None:
        raise UnsafeCode("build_model() does not end with return")
    _check_tree(last.value, known)
