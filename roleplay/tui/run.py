"""Start the trainee UI from the command line (`roleplay`, `roleplay play`)."""

from __future__ import annotations

from collections.abc import Sequence


def run_tui(content: Sequence[str] = (), *, scenario: str | None = None, seed: int | None = None) -> int:
    from roleplay.tui.app import AppOptions, create_app

    app = create_app(AppOptions(content=list(content), scenario=scenario, seed=seed))
    app.run()
    return app.return_code or 0
