"""Start the trainee UI from the command line (`roleplay`, `roleplay play`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def wants_ui() -> bool:
    """A person at a terminal, or a browser through `textual serve` (which sets TEXTUAL_DRIVER)."""
    return bool(os.environ.get("TEXTUAL_DRIVER")) or (sys.stdin.isatty() and sys.stdout.isatty())


def run_tui(content: Sequence[str] = (), *, scenario: str | None = None, seed: int | None = None) -> int:
    from roleplay.tui.app import AppOptions, create_app

    app = create_app(AppOptions(content=list(content), scenario=scenario, seed=seed))
    app.run()
    return app.return_code or 0
