"""Image preprocessing: decode, fused resize/crop/pad/flip/normalize kernels, HDF5 pipeline."""
