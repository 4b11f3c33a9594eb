"""JSON Schemas and the field reference: generated from the models, committed, and kept in sync.

Editors check trainers' files against ``schemas/*.json``; these tests make sure the schemas say
what the loader says (same files accepted, same mistakes rejected) and never drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from roleplay.cli import main
from roleplay.content.loader import MODELS
from roleplay.content.schema import (
    DRAFT_07,
    FOLDER,
    REGENERATE,
    json_schema,
    modeline,
    reference_markdown,
    schema_filename,
    schema_texts,
)
from roleplay.content.yamlmarks import ContentLoader

ROOT = Path(__file__).resolve().parent.parent
KINDS = list(MODELS)


def committed(kind: str) -> dict[str, Any]:
    return json.loads((ROOT / "schemas" / schema_filename(kind)).read_text(encoding="utf-8"))


def shipped(kind: str) -> list[Path]:
    return sorted((ROOT / FOLDER[kind]).glob("*.yaml"))


def read_yaml(text: str) -> Any:
    return yaml.load(text, Loader=ContentLoader)


def test_committed_schemas_match_the_models():
    for name, text in schema_texts().items():
        path = ROOT / "schemas" / name
        assert path.is_file() and path.read_text(encoding="utf-8") == text, (
            f"schemas/{name} is out of date with roleplay/content/models.py: "
            f"run `{REGENERATE}` from the repository root"
        )


def test_committed_reference_matches_the_models():
    path = ROOT / "docs" / "reference.md"
    assert path.read_text(encoding="utf-8") == reference_markdown(), (
        f"docs/reference.md is out of date with roleplay/content/models.py: run `{REGENERATE}` from the repository root"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_draft_07(kind):
    schema = json_schema(kind)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_07
    text = json.dumps(schema)
    assert "$defs" not in text
    refs = [part.split('"')[0] for part in text.split('"$ref": "#/definitions/')[1:]]
    assert refs and set(refs) <= set(schema["definitions"])


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_a_description(kind):
    """Descriptions are what editors show on hover and what the reference explains."""
    schema = json_schema(kind)
    for model in [schema, *schema.get("definitions", {}).values()]:
        assert model.get("description"), model["title"]
        for key, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{model['title']}.{key} has no description"


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_files_name_their_schema_and_satisfy_it(kind):
    validator = Draft7Validator(committed(kind))
    files = shipped(kind)
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == modeline(kind), f"{path.name}: the first line must name the schema"
        errors = [error.message for error in validator.iter_errors(read_yaml(text))]
        assert errors == [], f"{path.name}: {errors}"


BROKEN = {
    "unknown key": ("nodes", "opening", "colour"),
    "node id in capitals": ("nodes", "Opening"),
    "bad outcome": ("nodes", "ordered", "outcome"),
    "bad signal": ("nodes", "opening", "transitions", 0, "signal"),
    "test without outcome": ("tests", 0, "outcome"),
    "reply as a number": ("tests", 0, "replies", 0),
}


def _break(data: dict[str, Any], case: str) -> None:
    """Make one mistake in a scenario's data, the kind a trainer makes in an editor."""
    nodes = data["nodes"]
    if case == "unknown key":
        nodes["opening"]["colour"] = "red"
    elif case == "node id in capitals":
        nodes["Opening"] = nodes["opening"]
    elif case == "bad outcome":
        nodes["ordered"]["outcome"] = "sold"
    elif case == "bad signal":
        nodes["opening"]["transitions"][0]["signal"] = "Pitch!"  # not a signal's shape (unknown names: validate)
    elif case == "test without outcome":
        del data["tests"][0]["outcome"]
    elif case == "reply as a number":
        data["tests"][0]["replies"][0] = 42


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_schema_rejects_what_the_loader_rejects(case):
    from pydantic import ValidationError

    from roleplay.content.models import Scenario

    data = read_yaml((ROOT / "scenarios" / "air_fryer_fab.yaml").read_text(encoding="utf-8"))
    _break(data, case)
    assert list(Draft7Validator(committed("scenario")).iter_errors(data)), f"the schema accepts: {case}"
    with pytest.raises(ValidationError):
        Scenario.model_validate(data)


def test_schema_command_writes_the_committed_files(tmp_path, capsys):
    reference = tmp_path / "docs" / "reference.md"
    assert main(["schema", "--out", str(tmp_path / "schemas"), "--reference", str(reference)]) == 0
    for kind in KINDS:
        written = (tmp_path / "schemas" / schema_filename(kind)).read_text(encoding="utf-8")
        assert json.loads(written) == committed(kind)
    assert reference.read_text(encoding="utf-8") == (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert f"wrote {reference}" in capsys.readouterr().out


def test_reference_documents_every_key_of_every_model():
    text = reference_markdown()
    for kind in KINDS:
        schema = json_schema(kind)
        for model in [schema, *schema.get("definitions", {}).values()]:
            for key in model.get("properties", {}):
                assert f"| `{key}` |" in text
    assert "### ScenarioTest" in text and "[Node](#node)" in text
