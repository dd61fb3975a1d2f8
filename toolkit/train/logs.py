"""Logs people open: ``training-log.csv`` beside the checkpoint, and TensorBoard event files on request.

Only the chief writes. The CSV is rewritten whole from the run's history (which the
checkpoint carries), so a resumed run's CSV is the same as an uninterrupted run's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mstool.toolkit.io.atomic import atomic_write_text
from mstool.toolkit.train.history import History

CSV_NAME = "training-log.csv"
CSV_FIELDS = ("epoch", "step", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "images_per_second")


def history_csv(history: History, steps_per_epoch: int) -> str:
    """One row per step; ``val_loss``/``val_accuracy`` on the last step of each evaluated epoch.

    >>> h = History()
    >>> h.add_step(step=1, loss=2.0, accuracy=0.5, lr=0.1, images_per_second=10.0)
    >>> h.add_epoch(epoch=1, val_loss=1.5, val_accuracy=0.6)
    >>> print(history_csv(h, steps_per_epoch=1).splitlines()[1])
    1,1,2.0,0.5,1.5,0.6,0.1,10.0
    """
    val = dict(zip(history.epochs["epoch"], zip(history.epochs["val_loss"], history.epochs["val_accuracy"],
                                               strict=True), strict=True))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    steps = history.steps
    for index, step in enumerate(steps["step"]):
        epoch = (step - 1) // steps_per_epoch + 1
        last_of_epoch = step % steps_per_epoch == 0
        val_loss, val_accuracy = val.get(epoch, ("", "")) if last_of_epoch else ("", "")
        writer.writerow([epoch, step, steps["loss"][index], steps["accuracy"][index], val_loss, val_accuracy,
                         steps["lr"][index], steps["images_per_second"][index]])
    return text.getvalue()


def _SCALAR_METADATA():  # noqa: N802 - a constant built lazily (TensorFlow is imported late)
    from tensorflow.core.framework.summary_pb2 import DataClass, SummaryMetadata

    metadata = SummaryMetadata()
    metadata.plugin_data.plugin_name = "scalars"
    metadata.data_class = DataClass.DATA_CLASS_SCALAR
    return metadata


class RunLogs:
    """The chief's log writers: the CSV (always) and a ``tf.summary`` file writer (optional)."""

    def __init__(self, output_dir: Path, steps_per_epoch: int, tensorboard_dir: Path | None) -> None:
        self.csv_path = output_dir / CSV_NAME
        self.steps_per_epoch = steps_per_epoch
        self.tensorboard_dir = tensorboard_dir
        self.writer = None
        if tensorboard_dir is not None:
            import tensorflow as tf

            tensorboard_dir.mkdir(parents=True, exist_ok=True)
            self.writer = tf.summary.create_file_writer(str(tensorboard_dir))

    def step(self, record: dict, loss_scale: float | None = None) -> None:
        """Scalars of one step: loss, accuracy, learning rate, images/s (and the float16 loss scale)."""
        if self.writer is None:
            return
        values = {"train/loss": record["loss"], "train/accuracy": record["accuracy"],
                  "train/learning_rate": record["lr"], "train/images_per_second": record["images_per_second"]}
        if loss_scale is not None:
            values["train/loss_scale"] = loss_scale
        self._scalars(record["step"], values)

    def epoch(self, step: int, val_loss: float, val_accuracy: float) -> None:
        """Validation scalars at the epoch's last step."""
        if self.writer is None:
            return
        self._scalars(step, {"val/loss": val_loss, "val/accuracy": val_accuracy})
        self.writer.flush()

    def _scalars(self, step: int, values: dict[str, float]) -> None:
        """Scalar summaries as TensorBoard's scalar plugin writes them (``tf.summary.scalar`` needs
        the tensorboard package installed; ``tf.summary.write`` with the plugin's metadata does not)."""
        import tensorflow as tf

        with self.writer.as_default(step=step):
            for tag, value in values.items():
                tf.summary.write(tag, tf.constant(value, tf.float32), metadata=_SCALAR_METADATA())

    def write_csv(self, history: History) -> None:
        atomic_write_text(self.csv_path, history_csv(history, self.steps_per_epoch))

    def close(self, history: History) -> dict[str, str]:
        """Write the CSV, close the event file; the paths for the run's summary."""
        self.write_csv(history)
        paths = {"csv_log": str(self.csv_path)}
        if self.writer is not None:
            self.writer.close()
            paths["tensorboard"] = str(self.tensorboard_dir)
        return paths
