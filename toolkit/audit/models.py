"""Models under audit: Keras, SavedModel and ONNX, behind one :class:`Classifier`.

A classifier takes images in *data space* (N, H, W, C inside ``input_range``),
applies the recipe's preprocessing itself, and returns logits. White-box models
also give loss gradients and Jacobians, computed by TensorFlow under ``tf.function``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.toolkit.audit.losses import LOSSES, objective_tf
from mstool.toolkit.errors import InputError


@dataclass
class Preprocess:
    """Data space to model input: ``(x * scale - mean) / std`` then the model's layout.

    >>> p = Preprocess(scale=2.0, mean=[1.0], std=[2.0])
    >>> float(p.apply_numpy(np.ones((1, 2, 2, 1)))[0, 0, 0, 0])
    0.5
    """

    scale: float = 1.0
    mean: list[float] | None = None
    std: list[float] | None = None
    layout: str = "NHWC"
    input_range: tuple[float, float] = (0.0, 1.0)

    def apply_numpy(self, x: np.ndarray) -> np.ndarray:
        out = x.astype(np.float32) * np.float32(self.scale)
        if self.mean is not None:
            out = out - np.asarray(self.mean, np.float32)
        if self.std is not None:
            out = out / np.asarray(self.std, np.float32)
        return out.transpose(0, 3, 1, 2) if self.layout == "NCHW" else out

    def apply_tf(self, x):  # noqa: ANN001, ANN201 - tf tensors
        import tensorflow as tf

        out = x * self.scale
        if self.mean is not None:
            out = out - tf.constant(self.mean, tf.float32)
        if self.std is not None:
            out = out / tf.constant(self.std, tf.float32)
        return tf.transpose(out, (0, 3, 1, 2)) if self.layout == "NCHW" else out

    def model_shape(self, data_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The per-sample model input shape for a per-sample data shape (H, W, C)."""
        h, w, c = data_shape
        return (c, h, w) if self.layout == "NCHW" else (h, w, c)


@dataclass
class Classifier:
    """An image classifier in data space, counting its queries.

    ``logits_tf`` (data-space tensor -> logits tensor) is set for white-box models.
    """

    name: str
    model_format: str
    predict_raw: Callable[[np.ndarray], np.ndarray]
    input_shape: tuple[int, ...] | None
    preprocess: Preprocess
    logits_tf: Callable | None = None
    outputs: str = "logits"
    num_classes: int = 0
    batch_size: int = 256
    queries: int = 0
    reference: Callable[[np.ndarray], np.ndarray] | None = None  # onnxruntime, for converted models
    _compiled: dict = field(default_factory=dict)

    @property
    def whitebox(self) -> bool:
        return self.logits_tf is not None

    @property
    def clip(self) -> tuple[float, float]:
        return self.preprocess.input_range

    def _as_logits(self, out: np.ndarray) -> np.ndarray:
        out = np.asarray(out, np.float64).reshape(len(out), -1)
        if self.outputs == "probabilities":
            return np.log(np.clip(out, 1e-30, None))
        return out

    def logits(self, x: np.ndarray, count: bool = True) -> np.ndarray:
        """Logits (N, K) for data-space images; counts N queries when ``count``."""
        if count:
            self.queries += len(x)
        parts = [
            self._as_logits(self.predict_raw(x[i : i + self.batch_size].astype(np.float32)))
            for i in range(0, len(x), self.batch_size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.num_classes))

    def probabilities(self, x: np.ndarray, count: bool = True) -> np.ndarray:
        z = self.logits(x, count)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, x: np.ndarray, count: bool = True) -> np.ndarray:
        return self.logits(x, count).argmax(axis=1)

    # ---- white-box ------------------------------------------------------------------
    def tf_logits(self, x):  # noqa: ANN001, ANN202
        import tensorflow as tf

        out = tf.cast(self.logits_tf(x), tf.float32)
        out = tf.reshape(out, (tf.shape(out)[0], -1))
        if self.outputs == "probabilities":
            out = tf.math.log(tf.maximum(out, 1e-30))
        return out

    def _require_whitebox(self) -> None:
        if not self.whitebox:
            raise InputError(
                f"{self.name}: white-box attacks need a Keras/SavedModel model "
                "(or an ONNX model mstool convert supports)"
            )

    def loss_gradient(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        loss: str = "ce",
        targeted: bool = False,
        transform: Callable | None = None,
        true_labels: np.ndarray | None = None,
    ) -> np.ndarray:
        """Gradient of the per-sample objective an attack maximises.

        ``ce``: cross-entropy of ``labels`` (untargeted) or minus it (targeted);
        ``cw``: the logit margin ``max_{j!=y} z_j - z_y`` (or ``z_t - max_{j!=t} z_j``);
        ``dlr``: the difference of logits ratio (Croce and Hein, 2020), scale-invariant;
        targeted, ``labels`` are the targets and ``true_labels`` the true classes.
        ``transform`` (a tf function of x) is applied before the model (input diversity).
        """
        self._require_whitebox()
        import tensorflow as tf

        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {LOSSES}")
        key = ("grad", loss, targeted, transform)
        if key not in self._compiled:
            self._compiled[key] = tf.function(
                lambda xx, yy, tt: self._objective_grad(xx, yy, tt, loss, targeted, transform),
                reduce_retracing=True, autograph=False,
            )
        truth = labels if true_labels is None else true_labels
        out = []
        for i in range(0, len(x), self.batch_size):
            g = self._compiled[key](
                tf.constant(x[i : i + self.batch_size], tf.float32),
                tf.constant(labels[i : i + self.batch_size], tf.int32),
                tf.constant(truth[i : i + self.batch_size], tf.int32),
            )
            out.append(g.numpy())
        return np.concatenate(out).astype(np.float32)

    def _objective_grad(self, x, labels, truth, loss: str, targeted: bool, transform):  # noqa: ANN001, ANN202
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            z = self.tf_logits(transform(x) if transform is not None else x)
            value = objective_tf(z, labels, loss, targeted, truth)
        return tape.gradient(value, x)

    def jacobian(self, x: np.ndarray, probabilities: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Logits (N, K) and their Jacobian (N, K, H, W, C), all classes in one call."""
        self._require_whitebox()
        import tensorflow as tf

        key = ("jac", probabilities)
        if key not in self._compiled:

            def jac(xx):  # noqa: ANN001, ANN202
                with tf.GradientTape() as tape:
                    tape.watch(xx)
                    z = self.tf_logits(xx)
                    if probabilities:
                        z = tf.nn.softmax(z)
                return z, tape.batch_jacobian(z, xx)

            self._compiled[key] = tf.function(jac, reduce_retracing=True, autograph=False)
        zs, js = [], []
        for i in range(0, len(x), self.batch_size):
            z, j = self._compiled[key](tf.constant(x[i : i + self.batch_size], tf.float32))
            zs.append(z.numpy())
            js.append(j.numpy())
        return np.concatenate(zs), np.concatenate(js)


# ---- loading --------------------------------------------------------------------------
SAVEDMODEL_REASON = (
    "a TensorFlow SavedModel is a program, not data: loading and running it executes its graph, "
    "which can hold arbitrary ops (file writes, for one)"
)


def detect_format(path: Path) -> str:
    """``keras``, ``savedmodel`` or ``onnx`` from the path (see :func:`resolve_model_path`).

    >>> detect_format(Path("net.onnx")), detect_format(Path("net.h5"))
    ('onnx', 'keras')
    """
    if path.is_dir():
        if (path / "saved_model.pb").exists():
            return "savedmodel"
        if (path / "model.py").is_file():
            return "converted"
        raise InputError("directory is not a TensorFlow SavedModel (no saved_model.pb)", where=str(path))
    suffix = path.suffix.lower()
    if suffix in (".keras", ".h5", ".hdf5"):
        return "keras"
    if suffix == ".onnx":
        return "onnx"
    if suffix == ".pb":
        return "savedmodel"
    raise InputError(
        "unknown model format; expected .keras, .h5, .onnx, a SavedModel folder "
        "or an mstool convert output folder",
        where=str(path),
    )


def resolve_model_path(path: Path) -> Path:
    """The file to load: an mstool convert output folder is audited through its ``.keras`` file.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "net.keras").write_bytes(b"")
    >>> resolve_model_path(folder).name
    'net.keras'
    """
    if not path.is_dir() or (path / "saved_model.pb").exists():
        return path
    keras_files = sorted(path.glob("*.keras"))
    if len(keras_files) == 1:
        return keras_files[0]
    if len(keras_files) > 1:
        names = ", ".join(f.name for f in keras_files)
        raise InputError(f"folder holds several .keras models ({names}); name one", where=str(path))
    return path  # a convert folder without a .keras file: loaded through its checked model.py


def _keras_parts(model) -> tuple[Callable, Callable, tuple | None]:  # noqa: ANN001
    import tensorflow as tf

    shape = tuple(model.input_shape[1:]) if hasattr(model, "input_shape") else None
    call = tf.function(lambda t: model(t, training=False), reduce_retracing=True, autograph=False)
    return call, (lambda t: model(t, training=False)), shape


def _load_keras(path: Path) -> tuple[Callable, Callable, tuple | None]:
    import keras

    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as err:  # noqa: BLE001 - any loader failure is bad input
        raise InputError(f"cannot load Keras model ({type(err).__name__}: {err})", where=str(path)) from err
    return _keras_parts(model)


def _load_converted(path: Path) -> tuple[Callable, Callable, tuple | None]:
    """An ``mstool convert`` output folder: its model.py is checked against the generated-code
    grammar before it is imported (see docs/architecture.md, trust boundary)."""
    from mstool.toolkit.convert import load_converted

    return _keras_parts(load_converted(path))


def _load_savedmodel(path: Path) -> tuple[Callable, Callable, tuple | None]:
    import tensorflow as tf

    try:
        loaded = tf.saved_model.load(str(path))
    except Exception as err:  # noqa: BLE001
        raise InputError(f"cannot load SavedModel ({type(err).__name__}: {err})", where=str(path)) from err
    signature = loaded.signatures.get("serving_default")
    if signature is None:
        raise InputError("SavedModel has no serving_default signature", where=str(path))
    ((input_name, spec),) = signature.structured_input_signature[1].items()

    def call(t, _keep=loaded):  # noqa: ANN001, ANN202 - _keep holds the variables alive
        out = signature(**{input_name: t})
        return next(iter(out.values()))

    shape = tuple(spec.shape[1:]) if spec.shape.rank else None
    return call, call, shape


def _onnx_session(path: Path) -> tuple[Callable, tuple | None]:
    import onnxruntime as ort

    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as err:  # noqa: BLE001
        raise InputError(f"cannot load ONNX model ({type(err).__name__})", where=str(path)) from err
    inp = session.get_inputs()[0]
    shape = tuple(d if isinstance(d, int) else None for d in inp.shape[1:])

    def run(t: np.ndarray) -> np.ndarray:
        return session.run(None, {inp.name: t.astype(np.float32)})[0]

    return run, shape


def _onnx_whitebox(path: Path) -> tuple[Callable, Callable, tuple | None] | None:
    """Convert with ``mstool convert``; the converted graph has batch 1, so samples are
    vectorised with ``tf.vectorized_map`` (gradients flow through it)."""
    import tensorflow as tf

    try:
        from mstool.toolkit.convert import onnx_to_keras_model
    except ImportError:
        warnings.warn(f"{path}: ONNX to Keras conversion unavailable; auditing black-box only", stacklevel=2)
        return None
    try:
        model = onnx_to_keras_model(str(path))
    except Exception as err:  # noqa: BLE001 - fall back to black-box on any conversion failure
        warnings.warn(
            f"{path}: cannot convert for white-box attacks ({err}); auditing black-box only", stacklevel=2
        )
        return None

    def raw(t):  # noqa: ANN001, ANN202
        return tf.vectorized_map(lambda one: model(one[None], training=False)[0], t)

    return tf.function(raw, reduce_retracing=True, autograph=False), raw, tuple(model.input_shape[1:])


def _verify_conversion(clf: Classifier, x: np.ndarray, reference: Callable, where: str) -> None:
    """A converted ONNX model must reproduce onnxruntime's outputs; otherwise go black-box."""
    try:
        ours = np.asarray(clf.predict_raw(x), np.float64)
        ok = np.allclose(ours, np.asarray(reference(x), np.float64), rtol=1e-3, atol=1e-4)
        reason = "outputs differ from onnxruntime"
    except Exception as err:  # noqa: BLE001 - any failure of the converted graph means black-box
        ok, reason = False, f"{type(err).__name__}"
    if not ok:
        warnings.warn(f"{where}: converted model unusable for white-box attacks ({reason}); "
                      "auditing black-box only", stacklevel=2)
        clf.logits_tf = None
        clf.predict_raw = reference
        clf._compiled.clear()


def load_classifier(
    path: str | Path,
    preprocess: Preprocess,
    model_format: str = "auto",
    outputs: str = "auto",
    whitebox: bool = True,
    batch_size: int = 256,
    trust_model: bool = False,
) -> Classifier:
    """Load a model file as a :class:`Classifier` (white-box when gradients are available).

    A SavedModel runs only with ``trust_model=True`` (it is a program, see
    :data:`SAVEDMODEL_REASON`); Keras files are loaded with Lambda layers refused.

    >>> load_classifier("missing.keras", Preprocess())
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: missing.keras: no such model file
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such model file", where=str(path))
    path = resolve_model_path(path)
    fmt = detect_format(path) if model_format == "auto" else model_format
    if fmt == "savedmodel" and not trust_model:
        raise InputError(
            f"refusing to load: {SAVEDMODEL_REASON}; pass --trust-model (model.trust: true) "
            "only for a model from a source you trust",
            where=str(path),
        )
    logits_tf = None
    if fmt == "onnx":
        run, shape = _onnx_session(path)
        parts = _onnx_whitebox(path) if whitebox else None
        reference = lambda x: run(preprocess.apply_numpy(x))  # noqa: E731
        predict = reference
        if parts is not None:
            logits_tf = lambda t: parts[1](preprocess.apply_tf(t))  # noqa: E731
            predict = _tf_predict(parts[0], preprocess)
    else:
        if fmt == "savedmodel" and path.is_file():
            path = path.parent  # a saved_model.pb names its folder
        loaders = {"savedmodel": _load_savedmodel, "keras": _load_keras, "converted": _load_converted}
        call, raw, shape = loaders[fmt](path)
        predict = _tf_predict(call, preprocess)
        if whitebox:
            logits_tf = lambda t: raw(preprocess.apply_tf(t))  # noqa: E731
    return Classifier(
        name=str(path),
        model_format=fmt,
        predict_raw=predict,
        input_shape=shape,
        preprocess=preprocess,
        logits_tf=logits_tf,
        outputs=outputs,
        batch_size=batch_size,
    )


def _tf_predict(call: Callable, preprocess: Preprocess) -> Callable[[np.ndarray], np.ndarray]:
    import tensorflow as tf

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(call(tf.constant(preprocess.apply_numpy(x))))

    return predict


def check_compatible(clf: Classifier, x: np.ndarray, y: np.ndarray, where: str) -> None:
    """Input shape, number of classes, label range and output kind; sets ``num_classes``."""
    expected = clf.input_shape
    got = clf.preprocess.model_shape(x.shape[1:])
    if expected is not None and (
        len(expected) != len(got)
        or any(e is not None and e != g for e, g in zip(expected, got, strict=False))
    ):
        shown = tuple("?" if e is None else e for e in expected)
        raise InputError(
            f"model expects input shape {shown} but the data gives {got} "
            f"(preprocess.layout={clf.preprocess.layout})",
            where=where,
        )
    if clf.reference is not None:
        _verify_conversion(clf, x[: min(len(x), 64)].astype(np.float32), clf.reference, where)
    try:
        out = np.asarray(clf.predict_raw(x[: min(len(x), 64)].astype(np.float32)), np.float64)
    except Exception as err:  # noqa: BLE001 - a model that cannot run on this data is bad input
        raise InputError(
            f"model cannot run on the data ({type(err).__name__}: {str(err).splitlines()[0][:200]})",
            where=where,
        ) from err
    out = out.reshape(len(out), -1)
    clf.num_classes = out.shape[1]
    if clf.outputs == "auto":
        is_prob = out.min() >= 0 and np.allclose(out.sum(axis=1), 1.0, atol=1e-3)
        clf.outputs = "probabilities" if is_prob else "logits"
    if len(y) and (y.min() < 0 or y.max() >= clf.num_classes):
        raise InputError(
            f"labels must be in [0, {clf.num_classes - 1}] for a model with "
            f"{clf.num_classes} outputs; found {int(y.min())}..{int(y.max())}",
            where=where,
        )
