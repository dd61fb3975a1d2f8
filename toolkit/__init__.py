"""mstool's domain libraries: importable and usable without the command line.

Each subpackage is one domain (``qsim``, ``md``, ``convert``, ...); ``io`` owns
artifact files and recipes.
"""
