"""Model robustness audits: white- and black-box adversarial attacks, natural
perturbations, metrics and reports.

Entry points live in submodules (``models.load_classifier``, ``attacks.base``,
``runner``) so that importing the package does not start TensorFlow.
"""
