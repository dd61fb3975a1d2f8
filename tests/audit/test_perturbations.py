"""Natural perturbations: shapes, ranges, severities, and independent references."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.audit.attacks.perturbations import PERTURBATIONS, apply_perturbation
from mstool.toolkit.audit.attacks.perturbations.geometric import affine, homography
from mstool.toolkit.audit.metrics import ssim
from mstool.toolkit.errors import InputError


def _images(channels: int = 3) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.uniform(0.1, 0.9, (3, 12, 12, channels)).astype(np.float32)


def test_at_least_twenty_perturbations():
    assert len(PERTURBATIONS) >= 20


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_perturbation_keeps_shape_range_and_grows_with_severity(name):
    x = _images() * 255.0  # data space 0-255
    changes = []
    for severity in (1, 5):
        out = apply_perturbation(name, x, severity, 0.0, 255.0, np.random.default_rng(3))
        assert out.shape == x.shape and out.dtype == np.float32
        assert out.min() >= 0.0 and out.max() <= 255.0
        changes.append(np.abs(out - x).mean())
    assert changes[1] > 0
    assert changes[1] >= changes[0] * 0.9, name


def test_same_seed_same_perturbation():
    x = _images()
    a = apply_perturbation("elastic", x, 3, 0, 1, np.random.default_rng(5))
    b = apply_perturbation("elastic", x, 3, 0, 1, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_bad_severity():
    with pytest.raises(InputError):
        apply_perturbation("fog", _images(), 6, 0, 1, np.random.default_rng(0))


def test_affine_rotation_by_90_degrees_matches_numpy():
    x = _images(1)
    # source = M @ (out - centre): M = [[0, 1], [-1, 0]] is a quarter turn
    out = affine(x.astype(np.float64), np.array([[0.0, 1.0], [-1.0, 0.0]]), np.zeros(2))
    np.testing.assert_allclose(out, np.rot90(x, k=1, axes=(1, 2)), atol=1e-6)


def test_homography_maps_the_corners():
    src = np.array([[0, 0], [0, 9], [9, 9], [9, 0]], float)
    dst = src + np.array([[1, 0], [0, -1], [-1, 0], [0, 1]])
    h = homography(src, dst)
    mapped = h @ np.vstack([src.T, np.ones(4)])
    np.testing.assert_allclose((mapped[:2] / mapped[2]).T, dst, atol=1e-9)


def test_jpeg_matches_pillow_roundtrip():
    import io

    from PIL import Image

    x = _images()
    out = apply_perturbation("jpeg", x, 1, 0.0, 1.0, np.random.default_rng(0))
    u8 = np.round(x[0] * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(u8).save(buffer, format="JPEG", quality=30)
    ref = np.asarray(Image.open(buffer), np.float32) / 255.0
    np.testing.assert_allclose(out[0], ref, atol=1e-6)


def test_ssim_of_constant_images_matches_formula():
    a = np.full((1, 16, 16, 1), 0.3)
    b = np.full((1, 16, 16, 1), 0.6)
    c1 = 0.01**2
    expected = (2 * 0.3 * 0.6 + c1) / (0.3**2 + 0.6**2 + c1)
    np.testing.assert_allclose(ssim(a, b, 1.0), [expected], rtol=1e-9)
    noisy = a + np.random.default_rng(0).normal(0, 0.1, a.shape)
    assert ssim(a, noisy, 1.0)[0] < ssim(a, a + 0.01, 1.0)[0] <= 1.0


def test_real_colour_images_from_shared_data():
    """CIFAR-10 photos (0-255): every perturbation keeps the range; saturation greys, brightness lifts."""
    from tests.conftest import shared_data

    with np.load(shared_data("foolbox_samples", "foolbox_cifar10_20.npz")) as data:
        x = data["x"][:4].astype(np.float32)
    for name in sorted(PERTURBATIONS):
        out = apply_perturbation(name, x, 3, 0.0, 255.0, np.random.default_rng(0))
        assert out.shape == x.shape and 0.0 <= out.min() and out.max() <= 255.0, name
    grey = apply_perturbation("saturation", x, 5, 0.0, 255.0, np.random.default_rng(0))
    assert np.abs(grey[..., 0] - grey[..., 1]).max() < 1e-3
    assert apply_perturbation("brightness", x, 2, 0.0, 255.0, np.random.default_rng(0)).mean() > x.mean()
