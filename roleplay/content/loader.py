"""Load content files into models, reporting every problem of a file at once with line:col."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from roleplay.content.models import (
    REFUSE_BACKTRACKING,
    REFUSED_PATTERNS,
    ClosingCriterion,
    Persona,
    ProductCard,
    QuickReplySet,
    Rubric,
    Scenario,
)
from roleplay.content.yamlmarks import MarkedDocument, Problem, load_marked

Kind = Literal["persona", "scenario", "product", "rubric", "quick_replies"]
MODELS: dict[Kind, type[BaseModel]] = {
    "persona": Persona,
    "scenario": Scenario,
    "product": ProductCard,
    "rubric": Rubric,
    "quick_replies": QuickReplySet,
}
#: Folder names that hold each kind inside a content directory.
FOLDERS: dict[str, Kind] = {
    "personas": "persona",
    "scenarios": "scenario",
    "products": "product",
    "rubrics": "rubric",
    "quick_replies": "quick_replies",
}
#: What content files end in.
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
M = TypeVar("M", bound=BaseModel)


def guess_kind(path: Path, data: Any) -> Kind | None:
    """The kind of a file: from its folder (personas/, scenarios/, rubrics/), else from its keys."""
    for parent in path.parents:
        if parent.name in FOLDERS:
            return FOLDERS[parent.name]
    if isinstance(data, dict):
        if "nodes" in data:
            return "scenario"
        if "archetype" in data or "phrasebook" in data:
            return "persona"
        if "criteria" in data:
            return "rubric"
        if "price" in data and "shipping" in data:
            return "product"
    return None


def validation_problems(doc: MarkedDocument, error: ValidationError) -> list[Problem]:
    """Turn pydantic errors into ``path:line:col`` problems a trainer can act on.

    Errors of one union field (e.g. a line that is neither a string nor a list) arrive as several
    errors with type names in their location; they are merged into one message.
    """
    merged: dict[tuple[int, int], list[str]] = {}
    for err in error.errors(include_url=False):
        # a criterion's settings are picked by their kind: pydantic names it (kind=fab) in the path
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and part.startswith("kind=")))
        kind = err["type"]
        if kind == "extra_forbidden":
            position = doc.key_mark(loc)
            message = f"unknown key {loc[-1]!r}: check its spelling or remove it"
        elif kind == "missing":
            position, _ = doc.locate(loc[:-1])
            message = f"missing required key {loc[-1]!r}"
        else:
            position, _ = doc.locate(loc)
            message = _describe(err)
            where = dotted(loc)
            if where:
                message = f"{where}: {message}"
        merged.setdefault(position, [])
        if message not in merged[position]:
            merged[position].append(message)
    return [
        Problem(doc.path, line, col, "; ".join(messages))
        for (line, col), messages in sorted(merged.items())
    ]


def dotted(loc: tuple[Any, ...]) -> str:
    """``nodes.greet.transitions[0].to`` – the location without pydantic's type-name parts."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"}):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(err: dict[str, Any]) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{message} (got the number {value!r}: YAML reads bare numbers as numbers, so quote it: '{value}')"
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(str(value)) <= 40:
        message += f" (got {value!r})"
    return message


def load_model(path: Path, kind: Kind | None = None) -> tuple[BaseModel | None, list[Problem]]:
    """Load and validate one content file; on failure the model is None and problems say why.

    Whatever goes wrong inside is a problem of this file: one bad file must cost only itself, never
    the rest of the library (the command line and the app go on with the files that load).
    """
    skipped = link_problem(path)
    if skipped is not None:
        return None, [skipped]
    try:
        return _load_model(path, kind)
    except Exception as exc:  # a check that fails on a value it did not foresee: report, go on
        message = f"cannot be checked ({type(exc).__name__}: {exc}); the file is skipped"
        return None, [Problem(str(path), 1, 1, message)]


def _load_model(path: Path, kind: Kind | None) -> tuple[BaseModel | None, list[Problem]]:
    doc, problems = load_marked(path)
    if doc is None:
        return None, problems
    if doc.data is None:
        return None, [*problems, Problem(doc.path, 1, 1, "file is empty")]
    kind = kind or guess_kind(path, doc.data)
    if kind is None:
        message = "cannot tell what this file is: put it under personas/, scenarios/ or rubrics/"
        return None, [*problems, Problem(doc.path, 1, 1, message)]
    if not isinstance(doc.data, dict):
        return None, [*problems, doc.problem((), f"a {kind} file must be a mapping of keys to values")]
    refused: list[str] = []
    try:
        model = MODELS[kind].model_validate(doc.data, context={REFUSED_PATTERNS: refused})
    except ValidationError as exc:
        return None, [*problems, *validation_problems(doc, exc)]
    problems.extend(_reference_problems(doc, model))
    usable = not any(p.severity == "error" for p in problems)
    if refused:
        problems.extend(_refused_patterns(doc, kind))
    return (model if usable else None), problems


def _refused_patterns(doc: MarkedDocument, kind: Kind) -> list[Problem]:
    """Each pattern that could backtrack catastrophically, at the pattern, as an error of the file:
    the file still loads with the pattern left out (it matches nothing), so that one pattern
    neither freezes scoring nor takes the rest of the rubric with it, but every command that
    loads it says which pattern to rewrite."""
    try:
        MODELS[kind].model_validate(doc.data, context={REFUSE_BACKTRACKING: True})
    except ValidationError as exc:
        return validation_problems(doc, exc)
    return []


def _reference_problems(doc: MarkedDocument, model: BaseModel) -> list[Problem]:
    """References inside one file (scenario nodes and intents, a rubric's closing techniques), each
    at the offending value."""
    if isinstance(model, Rubric):
        return _rubric_reference_problems(doc, model)
    if not isinstance(model, Scenario):
        return []
    problems = []
    if model.start not in model.nodes:
        problems.append(doc.problem(("start",), f"start node {model.start!r} is not defined under nodes"))
    for node_id, node in model.nodes.items():
        for index, transition in enumerate(node.transitions):
            loc = ("nodes", node_id, "transitions", index)
            if transition.to not in model.nodes:
                known = ", ".join(model.nodes)
                problems.append(
                    doc.problem((*loc, "to"), f"unknown node {transition.to!r}; known nodes: {known}")
                )
            if transition.intent and transition.intent not in model.intents:
                problems.append(
                    doc.problem(
                        (*loc, "intent"),
                        f"intent {transition.intent!r} is not declared under intents",
                    )
                )
    return problems


def _rubric_reference_problems(doc: MarkedDocument, rubric: Rubric) -> list[Problem]:
    """A closing technique ruled out by itself or by a technique its criterion does not have."""
    return [
        doc.problem(
            ("criteria", name, "techniques", tid, "ruled_out_by", index),
            f"ruled_out_by names {other!r}: list other techniques of this criterion ({', '.join(criterion.techniques)})",
        )
        for name, criterion in rubric.criteria.items()
        if isinstance(criterion, ClosingCriterion)
        for tid, index, other in criterion.misnamed_rulers()
    ]


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """Every .yaml/.yml file in the given files and folders, in a stable order.

    Links inside a folder are listed, not walked: a link to a folder (``shared -> /usr``) would walk
    wherever it points, so it is listed for :func:`load_model` to name and skip. A folder given
    here is walked even if it is itself a link: it was named on purpose.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(_walk(path)))
        else:
            found.append(path)
    return found


def _walk(folder: Path) -> Iterator[Path]:
    """The YAML files under ``folder`` and the links to folders, without following any link (a
    folder that cannot be listed is passed over, as ``Path.rglob`` does)."""
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            path = current / entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif path.suffix in YAML_SUFFIXES or (entry.is_symlink() and _leads_to_folder(path)):
                yield path


def _leads_to_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a loop of links (Python before 3.12 answers False itself)
        return False


def resolved(path: Path) -> Path:
    """``path.resolve()``; the absolute path where links loop (Python before 3.13 raises RuntimeError)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def link_fault(path: Path) -> str | None:
    """What is wrong with ``path`` if it is a link that leads nowhere, else None.

    ``is not a folder`` or ``no such file`` would hide that the name exists as a link; the trainer
    needs to know where the link points to mend it.
    """
    if not path.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        target = os.path.normpath(os.path.join(path.absolute().parent, os.readlink(path)))
        return f"a broken link to {target}, which does not exist"
    except RuntimeError:  # Python before 3.13 on a loop
        return "a link that loops back to itself"
    except OSError as exc:
        return f"a link that cannot be followed: {exc.strerror or exc}"
    return None


def content_root(path: Path) -> Path:
    """The content folder a file belongs to: the one holding its personas/, scenarios/… folder, else
    the file's own folder."""
    for parent in path.parents:
        if parent.name in FOLDERS:
            return parent.parent
    return path.parent


def link_problem(path: Path) -> Problem | None:
    """Why a link among the content files is not read (a warning), or None to read ``path``.

    A link may point to a file inside its content folder. One that leads out of it (to
    ``/dev/zero``, another project) or to a folder (walking ``/usr`` takes half a minute) is
    named and skipped, never followed silently.
    """
    if not path.is_symlink():
        return None
    fault = link_fault(path)
    if fault is None:
        target, root = path.resolve(), resolved(content_root(path))
        if target.is_dir():
            fault = (
                f"a link to the folder {target}: links to folders are not followed; copy its files into the "
                "content folder, or add the content folder it belongs to with --content or ROLEPLAY_PATH"
            )
        elif not target.is_relative_to(root):
            fault = (
                f"a link to {target}, outside the content folder {root}: links are followed only inside it; "
                "copy the file into the content folder"
            )
        else:
            return None
    return Problem(str(path), 1, 1, f"skipped: {fault}", "warning")
