"""docs/authoring.md, followed literally: its files written, its commands run, its outputs seen.

The page's fenced blocks are its script, in order:

- ```` ```yaml file=PATH ```` writes PATH, ```` ```yaml append=PATH ```` appends to it;
- ```` ```sh ```` runs each command with bash in the tutorial folder (``roleplay`` is this
  checkout's ``python -m roleplay``) and must succeed;
- a block whose info string ends in ``output`` is what the previous commands print: every line
  of it must appear in their output, ``…`` standing for anything.

Blocks without these markers (an example message, a schema modeline) are illustrations only.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "authoring.md"
FENCE = re.compile(r"^```(\S*)[ \t]*(.*?)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    language: str
    info: str
    body: str


def blocks(text: str) -> list[Block]:
    return [Block(m.group(1), m.group(2).strip(), m.group(3)) for m in FENCE.finditer(text)]


def shows(output: str, expected: str) -> bool:
    """Whether some line of ``output`` has the parts of ``expected`` between its ``…`` in order."""
    parts = [part for part in expected.split("…") if part.strip()]
    for line in output.splitlines():
        position = 0
        for part in parts:
            position = line.find(part.strip(), position)
            if position < 0:
                break
            position += len(part.strip())
        else:
            return True
    return False


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty tutorial folder and the environment its commands run in."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "roleplay"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m roleplay "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    work = tmp_path / "my-content"
    work.mkdir()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "ROLEPLAY_PATH": "",
        "ROLEPLAY_DB": str(tmp_path / "records.db"),
        "NO_COLOR": "1",
        "HOME": str(tmp_path),
    }
    return work, env


def test_the_page_has_a_script_to_follow():
    kinds = [(b.language, b.info.split("=")[0]) for b in blocks(PAGE.read_text(encoding="utf-8"))]
    assert ("yaml", "file") in kinds and ("yaml", "append") in kinds
    assert sum(language == "sh" for language, _ in kinds) >= 8
    assert sum(info == "output" for _, info in kinds) >= 7


def test_following_the_tutorial(folder):
    work, env = folder
    output, commands = "", ""
    for block in blocks(PAGE.read_text(encoding="utf-8")):
        target, _, relative = block.info.partition("=")
        if block.language == "yaml" and target in {"file", "append"}:
            path = work / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w" if target == "file" else "a", encoding="utf-8") as handle:
                handle.write(block.body)
        elif block.language == "sh":
            result = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", block.body],
                cwd=work, env=env, input="", capture_output=True, text=True, encoding="utf-8", timeout=300,
            )
            assert result.returncode == 0, f"{block.body}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr
            output, commands = result.stdout, commands + block.body
        elif block.info == "output":
            missing = [line for line in block.body.splitlines() if line.strip() and not shows(output, line)]
            assert missing == [], f"the page shows lines the commands did not print:\n{output}"
    # The page leaves the trainer with files that validated strictly, passed their tests and played.
    for step in ("roleplay schema", "roleplay new persona", "roleplay new scenario", "roleplay graph",
                 "roleplay validate --strict --content .\n", "roleplay test", "roleplay play --plain", "--watch"):
        assert step in commands, f"the tutorial no longer runs {step!r}"
    assert (work / "personas" / "careful_mom.yaml").is_file()
    assert (work / "scenarios" / "kids_cup_safety.yaml").is_file()


def test_shows_matches_parts_in_order():
    assert shows("OK: 1 file(s) checked — 6 personas", "OK: 1 file(s) checked — …")
    assert shows("a b c", "a … c") and not shows("c b a", "a … c")
    assert not shows("OK: 2 file(s)", "OK: 1 file(s)")
