"""Mixed precision in the loop: float16 with dynamic loss scaling, and bfloat16, against float32."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.train.loop import train
from tests.train.helpers import checkpoint_weights, small_recipe


def _mlp_recipe(precision, epochs: int = 2):
    recipe = small_recipe(validate=True, max_steps=None, epochs=epochs)
    recipe.model.name, recipe.model.width = "mlp", 64
    recipe.run.mixed_precision = precision
    return recipe


def test_float16_skips_overflowing_steps_and_still_converges(tmp_path):
    reference = train(_mlp_recipe(False), tmp_path / "f32", export=False)
    recipe = _mlp_recipe("float16")
    # 2**20 overflows float16 gradients at first: the scale must come down before any step applies
    recipe.run.loss_scale = 2.0**20
    recipe.run.loss_scale_growth_steps = 10
    summary = train(recipe, tmp_path / "f16", export=False)
    assert summary.steps == reference.steps == 88
    assert summary.mixed_precision == "float16"
    assert 4 <= summary.skipped_steps <= 20
    assert 2.0**14 <= summary.loss_scale <= 2.0**19
    assert all(np.isfinite(w).all() for w in checkpoint_weights(tmp_path / "f16" / "checkpoint.h5"))
    assert summary.val_accuracy > 0.85
    assert summary.val_accuracy > reference.val_accuracy - 0.06


def test_bfloat16_still_trains_like_float32(tmp_path):
    reference = train(_mlp_recipe(False, epochs=1), tmp_path / "f32", export=False)
    summary = train(_mlp_recipe(True, epochs=1), tmp_path / "bf16", export=False)
    assert summary.mixed_precision is True and summary.loss_scale is None
    assert abs(summary.val_loss - reference.val_loss) < 0.05
