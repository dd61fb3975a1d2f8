"""Data-parallel training of image classifiers on tf.distribute, eager or graph mode.

Entry points live in submodules (``loop.train``, ``models.build_model``,
``sources.open_source``) so that importing the package does not start TensorFlow.
"""
