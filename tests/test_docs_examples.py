"""The Python examples in the user docs run as written and print what the pages show.

The rules (which blocks run, how shown output is compared) are in tests/docs_examples.py.
"""

from __future__ import annotations

import pytest

from tests.docs_examples import assert_prints, line_matches, python_examples, run_example

# audit.md has its own test (tests/audit/test_docs.py); architecture.md shows no runnable code
# each runs in a few seconds (train, two epochs: 7-11 s on 2 cores; all of them about 20 s)
PAGES = ("convert", "qa", "qsim", "preprocess", "train", "simulate")


def _cases():
    for page in PAGES:
        for number, example in enumerate(python_examples(f"docs/{page}.md")):
            marks = []
            if not example.runs:
                marks.append(pytest.mark.skip(reason=f"marked <!-- not run --> in docs/{page}.md"))
            yield pytest.param(example, id=f"{page}-{number}", marks=marks)


@pytest.mark.parametrize("example", list(_cases()))
def test_docs_example_runs_and_prints_what_the_page_shows(example, tmp_path):
    stdout = run_example(example, tmp_path)
    assert_prints(example, stdout)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_python_example_that_runs(page):
    assert any(example.runs for example in python_examples(f"docs/{page}.md"))


def test_a_not_run_comment_skips_only_the_block_it_precedes(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text("```python\nprint(1)  # prints: 1\n```\n\n<!-- not run: needs shared data -->\n\n"
                    "```python\nraise SystemExit(3)\n```\n")
    monkeypatch.setattr("tests.docs_examples.REPO_ROOT", tmp_path)
    first, second = python_examples("page.md")
    assert (first.runs, second.runs) == (True, False)
    assert first.expected == ["1"]


def test_a_wrong_shown_output_fails(tmp_path):
    from tests.docs_examples import Example

    example = Example("page.md", 1, "print(0.5, 'ok')  # prints: 0.6 ok -- a wrong value\n", True)
    with pytest.raises(AssertionError, match="no printed line matches '0.6 ok'"):
        assert_prints(example, run_example(example, tmp_path))


@pytest.mark.parametrize(("shown", "printed", "matches"), [
    ("0.906", "0.9058", True),                      # to the precision written
    ("0.906", "0.9071", False),
    ("about 0.90 ok", "0.93 ok", True),             # "about": 10 % on every number
    ("0.90 ok", "0.93 ok", False),
    ("0.4535961214255... [-1.78]", "0.45359612142557726 [-1.78241472]", True),  # "..." is a prefix
    ("0.4535961214255...", "0.4535961214256", False),
    ("[0.832 0. 83.]", "[ 0.832  0.     83.0 ]", True),  # numpy spacing and trailing zeros
    ("Milton Keynes ['A']", "Bletchley ['A']", False),  # words must be the same
    ("2 (3, 4)", "2 (3, 4, 5)", False),
])
def test_shown_output_compares_numbers_to_the_precision_written(shown, printed, matches):
    assert line_matches(shown, printed) is matches
