"""Describe any file mstool reads or writes: HDF5 artifacts, ONNX models, recipes."""

from mstool.toolkit.inspect.describe import describe_file

__all__ = ["describe_file"]
