"""Registries found by looking: artifact kinds and recipe models in ``mstool.schemas``.

Adding a kind or a recipe means defining its model in a schemas module; nothing
else to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import mstool.schemas as schemas_package
from mstool.schemas.base import ArtifactMeta, Recipe


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


@cache
def _import_schema_modules() -> None:
    for module in pkgutil.iter_modules(schemas_package.__path__):
        importlib.import_module(f"mstool.schemas.{module.name}")


def _project_models(base: type) -> list[type]:
    _import_schema_modules()
    return [m for m in _all_subclasses(base) if m.__module__.startswith("mstool.schemas.")]


def artifact_kinds() -> dict[str, type[ArtifactMeta]]:
    """Map each artifact kind name to its metadata model.

    >>> "sample" in artifact_kinds()
    True
    """
    return {m.kind: m for m in _project_models(ArtifactMeta) if m.kind}


def meta_model_for(kind: str) -> type[ArtifactMeta] | None:
    """The metadata model of ``kind``, or None when mstool does not know it.

    >>> meta_model_for("sample").schema_version
    1
    """
    return artifact_kinds().get(kind)


def recipe_models() -> dict[str, type[Recipe]]:
    """Map each recipe name (``simulate``, ``qsim.vqe``, ...) to its model."""
    return {m.recipe_name: m for m in _project_models(Recipe) if m.recipe_name}
