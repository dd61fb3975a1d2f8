"""Raw chunk writes (pwrite at preallocated, aligned chunks) against HDF5's own chunk writes."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.io import read_artifact
from mstool.toolkit.preprocess import chunkio
from mstool.toolkit.preprocess.pipeline import PreprocessOptions, preprocess_images
from tests.preprocess.images import encode, synthetic_rgb, write_demo_set

DATASETS = ("images", "source", "original_size", "scale", "padding", "affine", "labels")


def recipe(size: int, dtype: str) -> PreprocessRecipe:
    ops = [{"op": "letterbox", "size": size, "fill": 114}]
    if dtype != "uint8":
        ops.append({"op": "normalize", "scale": 1 / 255, "mean": [0.1, 0.2, 0.3], "std": [0.5, 0.6, 0.7]})
    return PreprocessRecipe.model_validate({"recipe": "preprocess", "ops": ops, "output": {"dtype": dtype}})


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "images"
    write_demo_set(root)
    (root / "blocks" / "broken.jpg").write_bytes(encode(synthetic_rgb(64, 64), "JPEG")[:300])
    (root / "stripes" / "empty.jpg").write_bytes(b"")
    return root


def read_all(path) -> dict:
    """Every dataset; strings as a list (an object array's bytes are pointers)."""
    with h5py.File(path) as h5:
        assert h5["images"].chunks == (1, *h5["images"].shape[1:])
        data = {name: h5[name][()] for name in DATASETS if name in h5}
    data["source"] = np.array([s.decode() for s in data["source"]])
    return data


CASES = [(32, "float32"), (32, "uint8"), (30, "float16"), (64, "float32")]  # direct, buffered, copy, direct


@pytest.mark.parametrize(("size", "dtype"), CASES)
@pytest.mark.parametrize("shard", [None, (1, 2)])
def test_raw_writes_read_back_identical_to_hdf5_chunk_writes(folder, tmp_path, size, dtype, shard):
    model = recipe(size, dtype)
    outputs = {}
    for raw in (True, False):
        out = tmp_path / f"{raw}.h5"
        options = PreprocessOptions(workers=2, shard=shard, raw_writes=raw)
        preprocess_images([folder], out, model, options)
        outputs[raw] = out
    new, old = read_all(outputs[True]), read_all(outputs[False])
    assert new.keys() == old.keys() and "labels" in new
    for name in new:
        assert new[name].dtype == old[name].dtype and new[name].shape == old[name].shape, name
        assert new[name].tobytes() == old[name].tobytes(), name
    meta_new = read_artifact(outputs[True], "images").meta
    assert meta_new == read_artifact(outputs[False], "images").meta
    assert meta_new.count + len(meta_new.skipped) == (10 if shard is None else 5)  # shard 1/2: the last 5
    assert meta_new.count == new["images"].shape[0] and (shard is not None or len(meta_new.skipped) == 2)


def test_chunks_are_aligned_and_written_directly_when_the_file_system_allows(tmp_path):
    path = tmp_path / "a.h5"
    data = np.arange(5 * 3 * 32 * 32, dtype=np.float32).reshape(5, 3, 32, 32)
    with chunkio.aligned_artifact(path) as art:
        dataset = chunkio.preallocated_chunks(art.h5, "x", data.shape, "float32")
        raw = chunkio.RawChunkWriter(dataset, art.h5.filename)
        assert (raw.offsets % chunkio.ALIGNMENT == 0).all() and raw.chunk_bytes == 3 * 4096
        direct = raw.direct is not None
        buffer = chunkio.aligned_empty(data[0].size, np.float32)
        for i in (4, 0, 2, 1, 3):
            buffer[:] = data[i].ravel()
            raw.write(i, buffer)
        assert raw.direct_writes == (5 if direct else 0)
        raw.close()
        from mstool.schemas.sample import SampleMeta

        art.meta = SampleMeta(datasets=["x"])
    with h5py.File(path) as h5:
        np.testing.assert_array_equal(h5["x"][()], data)


def test_without_direct_io_the_buffered_writes_give_the_same_file_contents(folder, tmp_path, monkeypatch):
    model = recipe(64, "float32")
    preprocess_images([folder], tmp_path / "direct.h5", model, PreprocessOptions(workers=2))
    monkeypatch.setattr(chunkio.RawChunkWriter, "_open_direct", lambda self, path: None)
    preprocess_images([folder], tmp_path / "buffered.h5", model, PreprocessOptions(workers=2))
    a, b = read_all(tmp_path / "direct.h5"), read_all(tmp_path / "buffered.h5")
    assert all(a[name].tobytes() == b[name].tobytes() for name in a)


def test_a_chunk_of_the_wrong_size_is_refused(tmp_path):
    with h5py.File(tmp_path / "w.h5", "w") as h5:
        dataset = chunkio.preallocated_chunks(h5, "x", (2, 8, 8), "uint8")
        raw = chunkio.RawChunkWriter(dataset, tmp_path / "w.h5")
        with pytest.raises(ValueError, match="expected 64 contiguous bytes"):
            raw.write(0, np.zeros((8, 9), np.uint8))
        raw.close()
        raw.close()
