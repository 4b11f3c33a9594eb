"""The headless core never imports the UI: the engine, rubric and content work without Textual."""

from __future__ import annotations

import ast
from pathlib import Path

import roleplay

CORE = ("content", "text", "rubric", "engine")
UI_MODULES = ("textual", "rich")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_packages_do_not_import_the_ui():
    package = Path(roleplay.__file__).parent
    files = [f for name in CORE for f in (package / name).rglob("*.py")]
    assert len(files) >= 10
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in UI_MODULES}
        assert not bad, f"{path} imports {bad}"


def test_core_never_loads_textual_at_runtime():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from roleplay.content.library import load_library\n"
        "from roleplay.engine.session import Session\n"
        "lib = load_library(env='')\n"
        "s = lib.scenario('air_fryer_fab')\n"
        "session = Session(s, lib.persona(s.persona), lib.rubric(s.rubric))\n"
        "session.start(); session.reply('亲，您好', 3)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
