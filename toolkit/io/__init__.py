"""Artifact files (HDF5 containers, atomic writes, schema checks) and recipe loading."""

from mstool.toolkit.io.artifacts import (
    ArtifactInfo,
    describe_datasets,
    open_artifact,
    read_artifact,
    write_artifact,
)
from mstool.toolkit.io.atomic import atomic_write_path, atomic_write_text, check_writable
from mstool.toolkit.io.locks import lock_holder, output_lock
from mstool.toolkit.io.recipes import load_recipe, recipe_dir

__all__ = [
    "ArtifactInfo",
    "atomic_write_path",
    "atomic_write_text",
    "check_writable",
    "describe_datasets",
    "load_recipe",
    "lock_holder",
    "open_artifact",
    "output_lock",
    "read_artifact",
    "recipe_dir",
    "write_artifact",
]
