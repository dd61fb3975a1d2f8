"""Adversarial training (Madry et al., 2018): fine-tune a Keras model on adversarial examples
made on the fly, each batch, by audit's own attacks against the model being trained.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack
from mstool.toolkit.audit.attacks.base import resolve_params
from mstool.toolkit.audit.models import Classifier, Preprocess
from mstool.toolkit.errors import InputError

TRAINING_ATTACKS = ("pgd", "fgsm")


@dataclass
class HardenSettings:
    """How to harden: attack, budget (data space), steps, share of each batch made adversarial."""

    eps: float
    attack: str = "pgd"
    steps: int = 10
    ratio: float = 1.0
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 1e-3
    seed: int = 0
    step_size: float | None = None  # PGD step; None: the attack's default (2.5 eps / steps)
    eps_ramp_epochs: int = 0  # eps grows linearly from eps / ramp to eps over these first epochs
    lr_schedule: str = "constant"  # constant | cosine (decays to zero at schedule_epochs)
    schedule_epochs: int | None = None  # length of the cosine; None: epochs (a larger one stops early)
    shift: int = 0  # random translation of every training image by up to this many pixels
    ema: float = 0.0  # weight averaging: momentum of an exponential moving average (0: off)

    def eps_at(self, epoch: int) -> float:
        """The training budget in epoch ``epoch`` (0-based).

        >>> [HardenSettings(eps=0.3, eps_ramp_epochs=3).eps_at(e) for e in range(4)]
        [0.1, 0.2, 0.3, 0.3]
        """
        if epoch >= self.eps_ramp_epochs:
            return self.eps
        return round(self.eps * (epoch + 1) / self.eps_ramp_epochs, 10)

    def learning_rate_at(self, epoch: int) -> float:
        """The learning rate in epoch ``epoch`` (0-based) under ``lr_schedule``.

        >>> s = HardenSettings(eps=0.3, epochs=4, learning_rate=1.0, lr_schedule="cosine")
        >>> [round(s.learning_rate_at(e), 3) for e in range(4)]
        [1.0, 0.854, 0.5, 0.146]
        """
        if self.lr_schedule == "constant":
            return self.learning_rate
        length = self.schedule_epochs or self.epochs
        return self.learning_rate * 0.5 * (1 + math.cos(math.pi * epoch / length))


@dataclass
class HardenResult:
    """The hardened model and how its training went."""

    model: object
    seconds: float
    epochs: list[dict] = field(default_factory=list)


def load_trainable(path: str | Path) -> object:
    """A Keras model that can be trained, or an error that says why not."""
    import keras

    path = Path(path)
    if path.is_dir() or path.suffix.lower() not in (".keras", ".h5", ".hdf5"):
        raise InputError(
            "hardening needs a Keras .keras/.h5 model (weights to train); SavedModel and ONNX "
            "models are inference graphs",
            where=str(path),
        )
    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as err:  # noqa: BLE001 - any loader failure is bad input
        raise InputError(f"cannot load Keras model ({type(err).__name__}: {err})", where=str(path)) from err
    if not model.trainable_weights:
        raise InputError("the model has no trainable weights to harden", where=str(path))
    return model


def live_classifier(model: object, preprocess: Preprocess, batch_size: int = 256) -> Classifier:
    """A white-box :class:`Classifier` around an in-memory Keras model (weights read live)."""
    import tensorflow as tf

    call = tf.function(lambda t: model(t, training=False), reduce_retracing=True, autograph=False)

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(call(tf.constant(preprocess.apply_numpy(x))))

    return Classifier(
        name="model being hardened",
        model_format="keras",
        predict_raw=predict,
        input_shape=tuple(model.input_shape[1:]),
        preprocess=preprocess,
        logits_tf=lambda t: model(preprocess.apply_tf(t), training=False),
        outputs="logits",
        num_classes=int(model.output_shape[-1]),
        batch_size=batch_size,
    )


def adversarial_batch(
    clf: Classifier, x: np.ndarray, y: np.ndarray, settings: HardenSettings, rng: np.random.Generator,
    eps: float | None = None,
) -> np.ndarray:
    """``x`` with a ``ratio`` share of rows replaced by adversarial examples against ``clf``
    (budget ``eps``, default ``settings.eps``; the PGD step scales with it)."""
    eps = settings.eps if eps is None else eps
    step_size = None if settings.step_size is None else settings.step_size * eps / settings.eps
    count = int(round(settings.ratio * len(x)))
    if count == 0:
        return x
    spec = get_attack(settings.attack)
    params = {}
    if spec.name == "pgd":
        params = {"steps": settings.steps, "restarts": 1, "step_size": step_size}
    rows = rng.permutation(len(x))[:count]
    job = AttackJob(clf, x[rows], y[rows], eps, rng, params=resolve_params(spec, params, "harden"))
    out = x.copy()
    out[rows] = run_attack(spec, job)
    return out


def shifted(x: np.ndarray, pixels: int, rng: np.random.Generator) -> np.ndarray:
    """Each image of ``x`` (N, H, W, C) translated by up to ``pixels`` in each direction, the
    border filled by edge values (data augmentation for small training sets).

    >>> img = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    >>> out = shifted(img, 1, np.random.default_rng(0))
    >>> out.shape, bool(np.isin(out, img).all())
    ((1, 3, 3, 1), True)
    """
    h, w = x.shape[1:3]
    padded = np.pad(x, ((0, 0), (pixels, pixels), (pixels, pixels), (0, 0)), mode="edge")
    offsets = rng.integers(0, 2 * pixels + 1, size=(len(x), 2))
    return np.stack([padded[i, dy : dy + h, dx : dx + w] for i, (dy, dx) in enumerate(offsets)])


def adversarial_train(
    model: object,
    x: np.ndarray,
    y: np.ndarray,
    settings: HardenSettings,
    preprocess: Preprocess | None = None,
    progress: Callable[[str], None] | None = None,
    on_epoch_end: Callable[[dict], None] | None = None,
) -> HardenResult:
    """Fine-tune ``model`` (in place) on adversarial examples; returns it with per-epoch stats.

    ``on_epoch_end`` is called with each epoch's stats (a place to checkpoint the model).
    With ``settings.ema`` > 0 the model holds the averaged weights during ``on_epoch_end`` and
    after training (training itself goes on with the raw weights).

    >>> import keras
    >>> keras.utils.set_random_seed(0)
    >>> net = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    >>> x = np.random.default_rng(0).uniform(0, 1, (32, 2, 2, 1)).astype(np.float32)
    >>> y = (x.sum(axis=(1, 2, 3)) > 2).astype(int)
    >>> out = adversarial_train(net, x, y, HardenSettings(eps=0.05, steps=3, epochs=2, batch_size=16))
    >>> len(out.epochs), sorted(out.epochs[0])
    (2, ['adversarial_accuracy', 'epoch', 'loss', 'seconds'])
    """
    import keras
    import tensorflow as tf

    if settings.attack not in TRAINING_ATTACKS:
        raise InputError(
            f"adversarial training attack must be one of {TRAINING_ATTACKS}", where="harden.attack"
        )
    preprocess = preprocess or Preprocess()
    clf = live_classifier(model, preprocess)
    optimizer = keras.optimizers.Adam(settings.learning_rate)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function(reduce_retracing=True)
    def train_step(xb, yb):  # noqa: ANN001, ANN202
        with tf.GradientTape() as tape:
            logits = model(preprocess.apply_tf(xb), training=True)
            loss = loss_fn(yb, logits)
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
        correct = tf.reduce_sum(tf.cast(tf.argmax(logits, axis=1, output_type=tf.int32) == yb, tf.float32))
        return loss, correct

    averaged = WeightAverage(model, settings.ema) if settings.ema > 0 else None
    rng = np.random.default_rng(settings.seed)
    result = HardenResult(model, 0.0)
    start = time.perf_counter()
    for epoch in range(settings.epochs):
        epoch_start = time.perf_counter()
        eps = settings.eps_at(epoch)
        optimizer.learning_rate.assign(settings.learning_rate_at(epoch))
        order = rng.permutation(len(x))
        losses, correct = [], 0.0
        for i in range(0, len(x), settings.batch_size):
            rows = order[i : i + settings.batch_size]
            xb = shifted(x[rows], settings.shift, rng) if settings.shift else x[rows]
            xb = adversarial_batch(clf, xb, y[rows], settings, rng, eps)
            loss, hits = train_step(tf.constant(xb, tf.float32), tf.constant(y[rows], tf.int32))
            if averaged is not None:
                averaged.update()
            losses.append(float(loss))
            correct += float(hits)
        result.epochs.append({
            "epoch": epoch + 1,
            "loss": round(float(np.mean(losses)), 4),
            "adversarial_accuracy": round(correct / len(x), 4),
            "seconds": round(time.perf_counter() - epoch_start, 3),
        })
        if on_epoch_end is not None:
            if averaged is None:
                on_epoch_end(result.epochs[-1])
            else:
                with averaged.swapped_in():
                    on_epoch_end(result.epochs[-1])
        if progress is not None:
            progress(f"harden epoch {epoch + 1}/{settings.epochs} loss {np.mean(losses):.3f}")
    if averaged is not None:
        averaged.assign_to_model()
    result.seconds = time.perf_counter() - start
    return result


class WeightAverage:
    """An exponential moving average of a Keras model's trainable weights (weight averaging adds
    robust accuracy at almost no cost; the average starts from the current weights).

    >>> import keras
    >>> net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    >>> net.set_weights([np.ones((1, 1), np.float32)])
    >>> avg = WeightAverage(net, momentum=0.5)
    >>> net.set_weights([np.full((1, 1), 3.0, np.float32)]); avg.update()
    >>> with avg.swapped_in():
    ...     float(net.get_weights()[0][0, 0])
    2.0
    >>> float(net.get_weights()[0][0, 0])
    3.0
    """

    def __init__(self, model: object, momentum: float) -> None:
        import tensorflow as tf

        self.model, self.momentum = model, momentum
        self.shadow = [tf.Variable(w.numpy() if hasattr(w, "numpy") else np.asarray(w), trainable=False)
                       for w in model.trainable_weights]
        self._update = tf.function(self._update_eager, autograph=False)

    def _update_eager(self) -> None:
        for avg, w in zip(self.shadow, self.model.trainable_weights, strict=True):
            avg.assign(self.momentum * avg + (1.0 - self.momentum) * w)

    def update(self) -> None:
        """Move the average one step towards the current weights."""
        self._update()

    def assign_to_model(self) -> None:
        """Overwrite the model's weights with the average."""
        for avg, w in zip(self.shadow, self.model.trainable_weights, strict=True):
            w.assign(avg)

    @contextmanager
    def swapped_in(self) -> Iterator[None]:
        """The averaged weights in the model inside the block, the raw ones restored after."""
        raw = [np.array(w.numpy()) for w in self.model.trainable_weights]
        self.assign_to_model()
        try:
            yield
        finally:
            for w, value in zip(self.model.trainable_weights, raw, strict=True):
                w.assign(value)


def save_model(model: object, path: str | Path) -> Path:
    """Write the hardened model atomically (a killed run leaves no half-written file)."""
    from mstool.toolkit.io.atomic import atomic_write_path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write_path(path) as tmp:
        # Keras picks the format from the suffix, so the temporary name keeps it
        staged = tmp.with_name(tmp.name + path.suffix)
        try:
            model.save(staged)
            staged.replace(tmp)
        finally:
            staged.unlink(missing_ok=True)
    return path
