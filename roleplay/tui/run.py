"""Start the trainee UI from the command line (`roleplay`, `roleplay play`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path


def wants_ui() -> bool:
    """A person at a terminal, or a browser through `textual serve` (which sets TEXTUAL_DRIVER)."""
    return bool(os.environ.get("TEXTUAL_DRIVER")) or (sys.stdin.isatty() and sys.stdout.isatty())


def run_tui(
    content: Sequence[str] = (),
    *,
    scenario: str | None = None,
    seed: int | None = None,
    trainee: str = "",
    cohort: str = "",
    db: Path | None = None,
    free: tuple[str, str] | None = None,
    remember: bool = True,
) -> int:
    """The app with every option `roleplay play` was given, as line mode honours them."""
    from roleplay.tui.app import AppOptions, create_app

    options = AppOptions(
        content=list(content), scenario=scenario, seed=seed, trainee=trainee, cohort=cohort, db=db, free=free,
        remember=remember,
    )
    app = create_app(options)
    app.run()
    return app.return_code or 0
