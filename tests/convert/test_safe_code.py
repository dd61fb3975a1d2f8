"""safe_code: the one gate between model text and generated Python."""

from __future__ import annotations

import ast
import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mstool.toolkit.convert.codegen import model_source
from mstool.toolkit.convert.safe_code import (
    UnsafeCode,
    check_model_source,
    check_statement,
    docstring_text,
    einsum_equation,
    identifier,
    string_literal,
)
from mstool.toolkit.errors import InputError

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXT)
def test_string_literal_is_a_constant_equal_to_the_text(text):
    tree = ast.parse(string_literal(text), mode="eval")
    assert isinstance(tree.body, ast.Constant) and tree.body.value == text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(TEXT, max_size=8))
def test_identifiers_are_ascii_unique_and_deterministic(hints):
    used, again = set(), set()
    names = [identifier(h, used) for h in hints]
    assert names == [identifier(h, again) for h in hints]
    assert len(set(names)) == len(names)
    for name in names:
        assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
        assert not name.startswith("_") and len(name) <= 70


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXT)
def test_docstring_text_stays_inside_its_docstring(text):
    escaped = docstring_text(text)
    tree = ast.parse(f'"""{escaped}"""\nx = 1\n')
    assert len(tree.body) == 2 and tree.body[0].value.value == text[:200] + ("..." if len(text) > 200 else "")


@pytest.mark.parametrize("equation", ["ij,jk->ik", "bij, bjk -> bik", "...ij->...ji", "ii", "ij,ij", "i->"])
def test_einsum_grammar_accepts_onnx_equations(equation):
    assert einsum_equation(equation) == equation.replace(" ", "")


@pytest.mark.parametrize("equation", ['ij->ij",x),print(1)#', "ij->j\ni", "i1->i", "ij->->i", "..->i", "",
                                      "ij->i'j", "ij-i"])
def test_einsum_grammar_refuses_anything_else(equation):
    with pytest.raises(UnsafeCode):
        einsum_equation(equation)


def test_unsafe_code_is_an_input_error():
    assert issubclass(UnsafeCode, InputError) and UnsafeCode("x").exit_code == 2


@pytest.mark.parametrize("code", [
    'y = open("PWNED", "w")', "y = __import__('os')", "y = x.__class__", "y = keras.utils.get_file('a')",
    "y = (lambda: 1)()", "import os", "y = x.numpy()", "keras = x", "y = {1: x}",
    "y = keras.ops.add(x, z)", "y = eval('1')", "y = keras.ops.relu(**x)",
])
def test_check_statement_refuses_code_that_is_not_keras_on_known_tensors(code):
    with pytest.raises(UnsafeCode):
        check_statement(code, {"x"})


def test_check_statement_passes_what_converters_write():
    known = {"x", "w"}
    check_statement('y = keras.layers.Conv2D(filters=4, kernel_size=(3, 3), name="y")(x)  # (1, 8, 4)', known)
    check_statement("a, b = keras.ops.top_k(keras.ops.negative(x), 2)", known)
    check_statement("y = keras.ops.stack([\n    x[:, i0:i0 + 3:1]\n    for i0 in range(0, 3, 1)\n])", known)
    check_statement('y = Constant((2, 3), "float32", name="y")(x)', known)
    check_statement('y = keras.ops.where(keras.ops.less(x, 0.0), -float("inf"), x.shape[1])', known)


def test_model_source_escapes_the_file_name_and_the_check_catches_additions():
    name = 'm"""\nopen("PWNED", "w")\n"""x.onnx'
    lines = ['x = keras.Input(batch_shape=(1, 2), name="x")', "y = keras.ops.relu(x)"]
    source = model_source(lines, ["x"], ["y"], name, 17, "note")
    check_model_source(source, "")
    docstring = ast.get_docstring(ast.parse(source))
    assert f"Source: {name}\n" in docstring  # the docstring's value is the name, as text
    assert 'Source: m\\"\\"\\"\\nopen(\\"PWNED\\", \\"w\\")' in source
    with pytest.raises(UnsafeCode):
        check_model_source(source + "\nopen('PWNED', 'w')\n", "")
    with pytest.raises(UnsafeCode):
        check_model_source(source.replace("    return", "    import os\n    return"), "")
