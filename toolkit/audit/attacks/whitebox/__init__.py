"""White-box attacks: gradients of the model under ``tf.function``, batched."""
