"""Regenerate digits_train.npz and digits_test.npz from scikit-learn's bundled digits.

scikit-learn is not a dependency of mstool: these two small files are shipped
instead, so the quick recipe and the demo run without it. Run with any Python that
has scikit-learn: ``python recipes/data/train/make_digits.py``.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

here = Path(__file__).resolve().parent
digits = load_digits()
x = (digits.images / 16.0).astype(np.float32)[..., None]
y = digits.target.astype(np.int64)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
names = np.array([str(i) for i in range(10)])
np.savez_compressed(here / "digits_train.npz", x=x_train, y=y_train, class_names=names)
np.savez_compressed(here / "digits_test.npz", x=x_test, y=y_test, class_names=names)
print(len(y_train), len(y_test))
