"""Global command-line settings (``--json``, ``--quiet``, ``--debug``) for this invocation."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class Settings:
    """What the root options asked for; reset at the start of every invocation."""

    json: bool = False
    quiet: bool = False
    debug: bool = False

    def reset(self) -> None:
        self.json = False
        self.quiet = False
        self.debug = bool(os.environ.get("MSTOOL_DEBUG"))


settings = Settings()
