"""Map the three top-level source folders into the ``mstool`` namespace.

``cli/`` installs as ``mstool.cli``, ``toolkit/`` as ``mstool.toolkit`` and
``schemas/`` as ``mstool.schemas``; every subpackage below them follows.
"""

from setuptools import find_packages, setup

SOURCE_FOLDERS = ("cli", "toolkit", "schemas")

packages = []
package_dir = {}
for folder in SOURCE_FOLDERS:
    packages.append(f"mstool.{folder}")
    package_dir[f"mstool.{folder}"] = folder
    for sub in find_packages(folder):
        name = f"mstool.{folder}.{sub}"
        packages.append(name)
        package_dir[name] = f"{folder}/{sub.replace('.', '/')}"

setup(packages=packages, package_dir=package_dir)
