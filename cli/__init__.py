"""The ``mstool`` command line: one module per subcommand, registered in ``app.py``."""
