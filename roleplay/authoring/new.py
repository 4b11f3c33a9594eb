"""Commented starting files for ``roleplay new persona|scenario|product ID``.

A trainer starts from a small file that already validates (strictly) and, for a scenario, passes
its own self-tests, with a comment on every key: changing a working file is easier than writing
one from the reference. The templates are YAML files next to this module.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter, ValidationError

from roleplay.content.loader import link_fault
from roleplay.content.models import Identifier
from roleplay.content.schema import FOLDER
from roleplay.errors import RoleplayError

NewKind = Literal["persona", "scenario", "product"]
DEFAULT_PERSONA = "decisive"


def check_id(item_id: str) -> None:
    """Raise ValueError with a trainer-readable reason if ``item_id`` is not a valid id."""
    try:
        TypeAdapter(Identifier).validate_python(item_id)
    except ValidationError:
        raise ValueError(
            f"{item_id!r} is not a valid id: use lower-case letters, digits and underscores, starting with a letter"
        ) from None


def starting_file(kind: NewKind, item_id: str, persona: str = DEFAULT_PERSONA) -> str:
    """The text of a new persona, scenario or product file called ``item_id``."""
    check_id(item_id)
    check_id(persona)
    template = files("roleplay.authoring").joinpath("templates", f"{kind}.yaml").read_text(encoding="utf-8")
    return template.replace("__ID__", item_id).replace("__PERSONA__", persona)


class CannotWrite(RoleplayError):
    """The starting file cannot be written; the message names the file and why, for the trainer."""


def new_path(kind: NewKind, item_id: str, folder: Path) -> Path:
    """Where ``roleplay new`` writes: ``personas/ID.yaml``, ``scenarios/ID.yaml`` or ``products/ID.yaml``."""
    return folder / FOLDER[kind] / f"{item_id}.yaml"


def write_new(kind: NewKind, item_id: str, folder: Path, persona: str = DEFAULT_PERSONA, text: str | None = None) -> Path:
    """Write the starting file (``text``, else the kind's template) into the content ``folder``;
    never overwrites a trainer's work."""
    text = text if text is not None else starting_file(kind, item_id, persona)
    path = new_path(kind, item_id, folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists
            handle.write(text)
    except FileExistsError:
        if path.is_file():
            raise CannotWrite(f"{path} already exists: choose another id or edit that file") from None
        raise CannotWrite(f"cannot write {path}: {path.parent} is {link_fault(path.parent) or 'not a folder'}") from None
    except OSError as exc:
        raise CannotWrite(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
