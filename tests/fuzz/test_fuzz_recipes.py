"""Fuzz the recipe loader: mutated recipes and --set overrides either load or raise InputError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mstool.schemas.kinds import recipe_models
from mstool.toolkit.io import load_recipe
from tests.conftest import REPO_ROOT
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import edit

OUTCOMES = Outcomes("recipe loader")
MODELS = recipe_models()
RECIPES = sorted((REPO_ROOT / "recipes").glob("*.yaml"))
EXTRA_TEXTS = [
    b"a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    b"steps: 5\nintegrator:\n  dt: 0.002\n",
    b"- 1\n- 2\n",
    b"? [a, b]\n: 1\n",
]


def _model_for(path: Path):
    """The model a recipe's ``recipe:`` line names, else the one its file name starts with."""
    for line in path.read_text().splitlines():
        if line.startswith("recipe:"):
            return MODELS[line.split(":", 1)[1].strip()]
    return MODELS[path.stem.split("_")[0]]


# each bundled recipe with its model, plus alias-heavy texts for any model
SEEDS = [(p.read_bytes(), _model_for(p)) for p in RECIPES]
SEEDS += [(text, model) for text in EXTRA_TEXTS for model in MODELS.values()]
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-recipes-"))
OVERRIDE = st.one_of(
    st.from_regex(r"[a-z_.0-9]{0,20}=[ -~]{0,20}", fullmatch=True),
    st.sampled_from(["dt=.inf", "steps=-1", "seed=1e400", "ops.0.size=99999999999", "run.max_steps=.nan",
                     "integrator.dt=&a [*a]", "output.every=0"]),
)
OVERRIDES = st.one_of(st.just([]), st.lists(OVERRIDE, max_size=2))


def load(data: bytes, model, overrides: list[str]):
    path = WORKDIR / "recipe.yaml"
    path.write_bytes(data)
    return load_recipe(path, model, overrides)


@st.composite
def recipe_cases(draw):
    text, model = draw(st.sampled_from(SEEDS))
    return edit(draw, text), model


@FUZZ
@given(case=recipe_cases(), overrides=OVERRIDES)
def test_recipe_loads_or_raises_input_error(case, overrides):
    data, model = case
    loaded = OUTCOMES.run(load, data, model, overrides)
    if loaded is not None:
        assert isinstance(loaded, model)
