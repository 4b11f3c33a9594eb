"""Find and load all content: built-in, ROLEPLAY_PATH and --content folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from roleplay import environment
from roleplay.content.free_practice import free_scenario
from roleplay.content.labels import labelled_file_problems
from roleplay.content.loader import FOLDERS, MODELS, link_fault, load_model, resolved, yaml_files
from roleplay.content.models import Persona, ProductCard, QuickReply, QuickReplySet, Rubric, Scenario
from roleplay.content.yamlmarks import Problem, load_marked
from roleplay.environment import VARIABLES
from roleplay.errors import NotFound

ENV_PATH = VARIABLES["path"]
T = TypeVar("T")


def builtin_dir() -> Path:
    """Where the shipped personas/scenarios/rubrics are.

    In an installed wheel they are package data under ``roleplay/_builtin``; in a source checkout
    (or an editable install) they are the repository's top-level folders.
    """
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_builtin"
    return shipped if shipped.is_dir() else package.parent


def content_dirs(extra: Sequence[Path | str] = (), env: str | None = None) -> list[Path]:
    """Content folders in precedence order: built-in first, then ROLEPLAY_PATH, then --content."""
    env = environment.read().path if env is None else env
    from_env = [Path(p) for p in env.split(os.pathsep) if p.strip()]
    dirs = [builtin_dir(), *from_env, *(Path(p) for p in extra)]
    unique: list[Path] = []
    for d in dirs:
        if resolved(d) not in {resolved(u) for u in unique}:
            unique.append(d)
    return unique


def content_dir_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a content folder, or None; a mistyped folder must not be ignored silently.

    A content folder holds at least one of personas/, scenarios/, rubrics/ and quick_replies/;
    naming one of those subfolders instead of the folder itself is the usual slip. A link that
    leads nowhere is said to be one, with where it points (not "no such folder").
    """
    fault = link_fault(path)
    if fault:
        return f"{path} is {fault}"
    if not path.exists():
        return f"no such folder: {path}"
    if not path.is_dir():
        return f"not a folder: {path} (a content folder holds personas/, scenarios/, rubrics/, quick_replies/)"
    if any((path / name).is_dir() for name in FOLDERS):
        return None
    broken = next(((path / name, fault) for name in FOLDERS if (fault := link_fault(path / name))), None)
    if broken:
        return f"{path} is not a content folder: its {broken[0].name} is {broken[1]}"
    parent = os.path.normpath(os.path.join(path, os.pardir))
    hint = f"; did you mean the parent folder `{parent}`?" if path.resolve().name in FOLDERS else ""
    return f"{path} is not a content folder: it has none of personas/, scenarios/, rubrics/, quick_replies/{hint}"


def env_dir_problems(env: str | None = None) -> list[str]:
    """What is wrong with the folders in ``ROLEPLAY_PATH`` (they are skipped, not fatal)."""
    env = environment.read().path if env is None else env
    found = (content_dir_problem(Path(p)) for p in env.split(os.pathsep) if p.strip())
    return [f"{ENV_PATH}: {problem}" for problem in found if problem]


@dataclass
class Library:
    """All loaded content, with the file each item came from and every problem found."""

    personas: dict[str, Persona] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    products: dict[str, ProductCard] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    quick_reply_sets: dict[str, QuickReplySet] = field(default_factory=dict)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def scenario(self, scenario_id: str) -> Scenario:
        return _lookup(self.scenarios, "scenario", scenario_id)

    def rubric(self, rubric_id: str) -> Rubric:
        return _lookup(self.rubrics, "rubric", rubric_id)

    def persona(self, persona_id: str) -> Persona:
        return _lookup(self.personas, "persona", persona_id)

    def product(self, product_id: str) -> ProductCard:
        return _lookup(self.products, "product", product_id)

    def free_practice(self, product_id: str, persona_id: str) -> Scenario:
        """The free-practice scenario of a card and a persona (自由对练), added to the scenarios so
        that sessions, records and reports find it by its id like any other."""
        scenario = free_scenario(self.product(product_id), self.persona(persona_id))
        self.scenarios[scenario.id] = scenario
        return scenario

    def add_file(self, path: Path) -> None:
        """Load one file and file it under its kind.

        A trainer's file may replace a built-in item by using its id (documented). Two of the
        trainer's own files with one id are a mistake — one would silently shadow the other — so
        the second is an error naming both, and the first is kept.
        """
        model, problems = load_model(path)
        self.problems.extend(problems)
        if model is None:
            return
        if isinstance(model, Rubric):
            model = self._with_examples_found(model, path)
        key = (KIND_OF[type(model)], model.id)
        earlier = self.sources.get(key)
        if earlier is not None and not _replaces(path, earlier):
            self.problems.append(_duplicate_id(key[0], model.id, path, earlier))
            return
        if path.stem != model.id:
            message = f"the file is named {path.name} but its id is {model.id!r}: name it {model.id}{path.suffix}"
            self.problems.append(_at_id(path, message, "warning"))
        table: dict = {
            Persona: self.personas,
            Scenario: self.scenarios,
            ProductCard: self.products,
            Rubric: self.rubrics,
            QuickReplySet: self.quick_reply_sets,
        }[type(model)]
        table[model.id] = model
        self.sources[key] = path

    def _with_examples_found(self, rubric: Rubric, path: Path) -> Rubric:
        """The rubric with its criteria's example files' paths made absolute (they are relative to
        the rubric file), each missing or unreadable file or bad line reported at the key that
        names it. A missing file is left out, so the rubric still scores (by its rules alone, if
        none is left)."""
        updates = {}
        checked: dict[Path, list[str]] = {}  # criteria that learn from one file read it once
        for name, criterion in rubric.criteria.items():
            if getattr(criterion, "learned", None) is not None:
                key = ("criteria", name, "learned", "examples")
                found = self._examples(criterion.learned.examples, path, key, checked)
                learned = criterion.learned.model_copy(update={"examples": found}) if found else None
                updates[name] = criterion.model_copy(update={"learned": learned})
        if not updates:
            return rubric
        return rubric.model_copy(update={"criteria": {**rubric.criteria, **updates}})

    def _examples(self, names: list[str], path: Path, key: tuple[str, ...], checked: dict[Path, list[str]]) -> list[str]:
        """The example files that exist, as absolute paths; a problem for each that does not read
        (``checked`` keeps each file's problems, so a file is read once per rubric)."""
        resolved = []
        for index, name in enumerate(names):
            example = (path.parent / name).resolve()
            if example.is_file():
                resolved.append(str(example))
                if example not in checked:
                    checked[example] = labelled_file_problems(example)
                found = checked[example]
                message = f"example file {name!r} has lines that do not read: {'; '.join(found[:3])}" if found else ""
            else:
                message = f"example file {name!r} not found (looked for {example}); paths are relative to the rubric file"
            if message:
                doc, _ = load_marked(path)
                self.problems.append(doc.problem((*key, index), message) if doc else Problem(str(path), 1, 1, message))
        return resolved

    @property
    def quick_replies(self) -> list[QuickReply]:
        """Every quick reply of every set, in the order the sets were loaded (F2 first)."""
        return [phrase for quick in self.quick_reply_sets.values() for phrase in quick.phrases]

    def check_references(self) -> None:
        """Every scenario's persona, rubric and product card must exist, reported at the scenario's
        key. A scenario that names its card by id gets the card; one whose card is missing cannot
        be played or graded against, so it is not kept (the error says why)."""
        for scenario in list(self.scenarios.values()):
            path = self.sources[("scenario", scenario.id)]
            for key, table in (("persona", self.personas), ("rubric", self.rubrics), ("product", self.products)):
                ref = getattr(scenario, key)
                if isinstance(ref, str) and ref not in table:
                    doc, _ = load_marked(path)
                    known = ", ".join(sorted(table)) or "none loaded"
                    message = f"unknown {key} {ref!r}; known: {known}"
                    if key == "product":
                        message += f" (a card is a file products/{ref}.yaml, or write the card in the scenario)"
                    self.problems.append(doc.problem((key,), message) if doc else Problem(str(path), 1, 1, message))
            if isinstance(scenario.product, str):
                card = self.products.get(scenario.product)
                if card is None:
                    del self.scenarios[scenario.id]
                else:
                    self.scenarios[scenario.id] = scenario.model_copy(update={"product": card})


#: Each model's kind of file: the library files what it loads under (kind, id).
KIND_OF = {model: kind for kind, model in MODELS.items()}
#: How an error names a kind, where the file kind's own name is not plain words.
KIND_NAMES = {"quick_replies": "quick-reply set"}


def _replaces(path: Path, earlier: Path) -> bool:
    """Whether ``path`` may take the place of the item loaded from ``earlier``: a built-in one (or itself)."""
    return resolved(path) == resolved(earlier) or (is_builtin(earlier) and not is_builtin(path))


def is_builtin(path: Path) -> bool:
    """Whether a content file is one of the shipped ones."""
    root = builtin_dir().resolve()
    return any(resolved(path).is_relative_to(root / folder) for folder in FOLDERS)


def _duplicate_id(kind: str, item_id: str, path: Path, earlier: Path) -> Problem:
    (line, col) = _id_position(earlier)
    message = (
        f"duplicate {KIND_NAMES.get(kind, kind)} id {item_id!r}: {earlier}:{line}:{col} already has it; "
        "give each file its own id (only a built-in item can be replaced by using its id)"
    )
    return _at_id(path, message)


def _at_id(path: Path, message: str, severity: str = "error") -> Problem:
    line, col = _id_position(path)
    return Problem(str(path), line, col, message, severity)


def _id_position(path: Path) -> tuple[int, int]:
    """line:col of the ``id`` value in a file that has loaded."""
    doc, _ = load_marked(path)
    return doc.locate(("id",))[0] if doc else (1, 1)


def _lookup(table: dict[str, T], kind: str, item_id: str) -> T:
    """An item by id, or a LookupError that lists what is available."""
    try:
        return table[item_id]
    except KeyError:
        known = ", ".join(sorted(table)) or "none"
        raise NotFound(f"unknown {kind} {item_id!r}; available: {known}") from None


def content_files(dirs: Iterable[Path]) -> list[Path]:
    """The YAML files of each content folder's personas/, scenarios/, rubrics/… subfolders.

    A subfolder that is a link is listed, not walked, so that loading names it and says why it is
    skipped (a link out of the content folder is never followed silently).
    """
    files: list[Path] = []
    for directory in dirs:
        for name in FOLDERS:
            subfolder = directory / name
            if subfolder.is_symlink():
                files.append(subfolder)
            elif subfolder.is_dir():
                files.extend(yaml_files([subfolder]))
    return files


def load_library(
    extra: Sequence[Path | str] = (), files: Sequence[Path] | None = None, env: str | None = None
) -> Library:
    """Load built-in and user content (or exactly ``files``) and check references between files."""
    library = Library()
    for path in files if files is not None else content_files(content_dirs(extra, env)):
        library.add_file(path)
    library.check_references()
    return library
