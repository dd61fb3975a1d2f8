"""Check that numba.cuda compiles and runs a kernel on this machine's GPU."""

import sys

import numba
import numpy as np
from numba import cuda

print("python", sys.version.split()[0], "numba", numba.__version__)
try:
    import numba_cuda

    print("numba-cuda", numba_cuda.__version__)
except ImportError:
    print("numba-cuda not installed")
print("cuda available:", cuda.is_available())
cuda.detect()


@cuda.jit
def axpy(a, x, y, out):
    i = cuda.grid(1)
    if i < x.size:
        out[i] = a * x[i] + y[i]


x = np.arange(1 << 20, dtype=np.float64)
y = np.ones_like(x)
out = cuda.device_array_like(x)
axpy[(x.size + 255) // 256, 256](2.0, cuda.to_device(x), cuda.to_device(y), out)
assert np.allclose(out.copy_to_host(), 2 * x + y)
print("kernel ok")
