"""The house's shape: the headless core never imports the UI, imports only go down the layers, and
no module imports itself through others.

The layers, lowest first (a module may import its own layer and those below it, never above):

0. ``environment``, ``errors``, ``labels``, ``parallel``: the ``ROLEPLAY_*`` variables, the error
   base class, the Chinese words for the product's own codes, work spread over every core
1. ``text``: normalisation, segmentation, matching, clause analysis, learned text models
2. ``content``: the pydantic models of every file format, loading, the library
3. ``rubric``: one scorer per criterion kind and the scorer that combines them
4. ``engine``: the simulated customer and the session
5. ``records``, ``grade``, ``rescore``, ``evaluate``, ``authoring``, ``marks``, ``feedback``: what
   is built on sessions and scores
6. ``render``, ``plain``, ``tui``, ``export``: the views
7. ``commands``, ``cli``, ``__main__``: the command line
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import roleplay

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"environment", "errors", "labels", "parallel"}),
    frozenset({"text"}),
    frozenset({"content"}),
    frozenset({"rubric"}),
    frozenset({"engine"}),
    frozenset({"records", "grade", "rescore", "evaluate", "authoring", "marks", "feedback"}),
    frozenset({"render", "plain", "tui", "export"}),
    frozenset({"commands", "cli", "__main__"}),
)
PACKAGE = Path(roleplay.__file__).parent

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


def layer_of(part: str) -> int:
    """The layer of a top-level part of roleplay (a package or a module); a part no layer names
    fails the test, so that a new one is placed on purpose."""
    for rank, members in enumerate(LAYERS):
        if part in members:
            return rank
    raise AssertionError(f"roleplay.{part} is in no layer: add it to LAYERS in tests/test_architecture.py")


def upward_imports(part: str, source: str) -> list[str]:
    """The roleplay modules ``source`` (a module of ``part``) imports from a higher layer,
    whether at the top, inside a function or under TYPE_CHECKING (annotations bind layers too)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # from roleplay import environment names a module; from roleplay.x import y, x
            names = [f"roleplay.{a.name}" for a in node.names] if node.module == "roleplay" else [node.module]
        for name in names:
            if name == "roleplay.__version__":
                continue
            if name.startswith("roleplay.") and layer_of(name.split(".")[1]) > layer_of(part):
                found.append(name)
    return found


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def test_imports_only_go_down_the_layers():
    bad = []
    for name, path in modules().items():
        parts = name.split(".")
        if len(parts) < 2:
            continue  # roleplay/__init__.py holds the version only
        bad += [f"{name} imports {target}" for target in upward_imports(parts[1], path.read_text(encoding="utf-8"))]
    assert not bad, "imports against the layers (see this file's docstring):\n" + "\n".join(bad)


def test_the_direction_check_catches_a_data_module_reaching_into_the_engine():
    # what content/checks.py once did: the data layer importing the engine's intents
    source = "from roleplay.content.models import Scenario\nfrom roleplay.engine.intents import IntentMatcher\n"
    assert upward_imports("content", source) == ["roleplay.engine.intents"]
    assert upward_imports("authoring", source) == []


def runtime_imports(tree: ast.Module) -> set[str]:
    """What a module imports when it runs: everything but the imports under ``if TYPE_CHECKING``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.add(child.module)
                found.update(f"{child.module}.{a.name}" for a in child.names)
            visit(child)

    visit(tree)
    return found


def test_no_module_imports_itself_through_others():
    """No import circle, not even through an import inside a function: screens navigate through
    the app and type it under TYPE_CHECKING only (elia's pattern)."""
    known = modules()
    graph = {
        name: sorted(m for m in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))) if m in known and m != name)
        for name, path in known.items()
    }
    state: dict[str, str] = {}
    trail: list[str] = []
    circles: list[str] = []

    def walk(name: str) -> None:
        state[name] = "open"
        trail.append(name)
        for target in graph[name]:
            if state.get(target) == "open":
                circles.append(" -> ".join(trail[trail.index(target) :] + [target]))
            elif target not in state:
                walk(target)
        trail.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            walk(name)
    assert not circles, "\n".join(circles)


def test_every_roleplay_variable_is_read_in_one_place():
    """``roleplay.environment`` reads the ``ROLEPLAY_*`` variables; no other module reads one."""
    from roleplay import environment

    readers = []
    for name, path in modules().items():
        source = path.read_text(encoding="utf-8")
        if name != "roleplay.environment" and ("environ.get(\"ROLEPLAY_" in source or "environ[\"ROLEPLAY_" in source):
            readers.append(name)
    assert not readers
    assert environment.read({"ROLEPLAY_DB": " /tmp/r.db ", "ROLEPLAY_PATH": ""}) == environment.Environment(db="/tmp/r.db")
    readme = Path(__file__).resolve().parent.parent / "README.md"  # the checkout's, not the installed package's
    documented = set(re.findall(r"ROLEPLAY_[A-Z_]+", readme.read_text(encoding="utf-8")))
    assert documented == set(environment.VARIABLES.values())


def test_expected_errors_share_one_base_whose_message_the_cli_prints(tmp_path, capsys):
    from roleplay.authoring.new import CannotWrite
    from roleplay.cli import main
    from roleplay.errors import NotFound, RoleplayError
    from roleplay.records.store import RecordError

    assert all(issubclass(cls, RoleplayError) for cls in (CannotWrite, NotFound, RecordError))
    assert main(["play", "--plain", "--scenario", "no_such_scenario"]) == 2
    assert capsys.readouterr().err.startswith("roleplay: unknown scenario 'no_such_scenario'")


#: How a module would pick one criterion by its id: results["fab"], criteria["needs"], criteria.greeting.
NAMES_A_CRITERION = re.compile(r'(?:results|criteria)\[\s*["\']|\.criteria\.(?!items\b|values\b|keys\b|get\b)[a-z_]+')


def test_no_module_below_the_views_names_a_criterion():
    """The engine, the rubric's combiner, records and grading iterate over the criteria the rubric
    declares, or ask for the one of a kind (fab, closing…): a rubric may call its criteria anything."""
    views = next(rank for rank, members in enumerate(LAYERS) if "tui" in members)
    naming = []
    for name, path in modules().items():
        parts = name.split(".")
        if len(parts) > 1 and layer_of(parts[1]) < views:
            naming += [f"{name}: {m.group()}" for m in NAMES_A_CRITERION.finditer(path.read_text(encoding="utf-8"))]
    assert not naming, "\n".join(naming)
    assert NAMES_A_CRITERION.search('fatal = results["forbidden"].detail')  # what the test catches
