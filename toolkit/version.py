"""The installed mstool version, read from the package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mstool")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+source"
