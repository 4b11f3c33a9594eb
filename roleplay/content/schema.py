"""JSON Schema (draft-07) and a Markdown field reference, both generated from the content models.

Editors with the YAML language server complete and check fields from the schemas (each shipped
file's first line names its schema), so a trainer sees a typo before running anything. Pydantic
emits JSON Schema 2020-12 style (``$defs``, ``$ref`` with sibling keywords); the YAML language
server and most tools know draft-07 best, so the output is converted: ``definitions``, and a
``$ref`` with a description becomes ``allOf: [{$ref}]`` (draft-07 ignores siblings of ``$ref``).
Mappings keyed by ids (``nodes``, ``intents``) come as ``patternProperties``; pydantic rejects
other keys, so the schema does too (``additionalProperties: false``).

The committed copies (``schemas/*.json``, ``docs/reference.md``) are regenerated with
:data:`REGENERATE`; tests fail when they drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from roleplay.content.labels import LabelledReply
from roleplay.content.loader import FOLDERS, MODELS, Kind

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
#: The command that rewrites the committed schemas and reference (run from the repository root).
REGENERATE = "roleplay schema --out schemas --reference docs/reference.md"
#: Where each kind's files live in a content folder (for headings and the modeline).
FOLDER: dict[Kind, str] = {kind: folder for folder, kind in FOLDERS.items()}


#: JSON Lines record formats read by commands (not content files): a schema each, for other tools.
RECORD_FORMATS: dict[str, type[BaseModel]] = {"labelled_reply": LabelledReply}


def schema_filename(kind: str) -> str:
    return f"{kind}.schema.json"


def modeline(kind: Kind) -> str:
    """The first line of a content file: tells the YAML language server which schema applies."""
    return f"# yaml-language-server: $schema=../schemas/{schema_filename(kind)}"


def json_schema(kind: Kind) -> dict[str, Any]:
    """The draft-07 JSON Schema of one kind of content file."""
    return model_schema(MODELS[kind])


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The draft-07 JSON Schema of a pydantic model."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    converted = _draft07(schema)
    definitions = converted.pop("$defs", None)
    out: dict[str, Any] = {"$schema": DRAFT_07, **converted}
    if definitions:
        out["definitions"] = definitions
    return out


def _draft07(node: Any) -> Any:
    """Recursively make ``node`` mean in draft-07 what pydantic validates (see the module doc)."""
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _draft07(value) for key, value in node.items()}
    if "patternProperties" in out:
        out.setdefault("additionalProperties", False)
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def schema_texts() -> dict[str, str]:
    """File name → pretty JSON text of every kind's schema, as committed under ``schemas/``."""
    schemas = {schema_filename(kind): json_schema(kind) for kind in MODELS}
    schemas.update({schema_filename(name): model_schema(model) for name, model in RECORD_FORMATS.items()})
    return {name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n" for name, schema in schemas.items()}


def write_files(texts: dict[str, str], folder: Path) -> list[Path]:
    """Write ``texts`` (relative name → text) under ``folder``; returns the paths written."""
    written = []
    for name, text in texts.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# Markdown field reference
# ---------------------------------------------------------------------------------------------

IDENTIFIER_PATTERN = "^[a-z][a-z0-9_]*$"


def reference_markdown() -> str:
    """The field reference of every content file, one table per model, generated from the schemas."""
    lines = [
        "# Content file reference",
        "",
        f"<!-- Generated from roleplay/content/models.py by `{REGENERATE}`; do not edit. -->",
        "",
        "Every key of a persona, scenario and rubric file: its type, whether it is required (or its "
        "default) and what it does. `id` means a lower-case id: letters, digits and underscores, "
        "starting with a letter. The tutorial is in [authoring.md](authoring.md).",
    ]
    documented: set[str] = set()
    for kind in MODELS:
        schema = json_schema(kind)
        definitions = schema.get("definitions", {})
        lines += ["", f"## {schema['title']} (`{FOLDER[kind]}/*.yaml`)", ""]
        lines += _model_section(schema)
        for name in _referenced(schema, definitions):
            if name not in documented:
                documented.add(name)
                lines += ["", f"### {name}", ""]
                lines += _model_section(definitions[name])
    return "\n".join(lines) + "\n"


def _referenced(schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    """Definition names reachable from ``schema``, breadth first (the order a reader meets them)."""
    order: list[str] = []
    queue = [schema]
    while queue:
        for name in _refs(queue.pop(0)):
            if name not in order:
                order.append(name)
                queue.append(definitions[name])
    return order


def _refs(node: Any) -> list[str]:
    """Names of the definitions ``node`` refers to, in document order."""
    if isinstance(node, list):
        return [name for item in node for name in _refs(item)]
    if not isinstance(node, dict):
        return []
    own = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
    return own + [name for key, value in node.items() if key != "definitions" for name in _refs(value)]


def _model_section(model: dict[str, Any]) -> list[str]:
    """A model's description and a table of its keys."""
    lines = [_cell(model.get("description", ""), table=False), ""] if model.get("description") else []
    lines += ["| key | type | required / default | meaning |", "|---|---|---|---|"]
    required = set(model.get("required", []))
    for key, prop in model.get("properties", {}).items():
        if key in required:
            need = "**required**"
        elif "default" in prop and prop["default"] is not None:
            need = f"`{json.dumps(prop['default'], ensure_ascii=False)}`"
        else:
            need = "optional"
        lines.append(f"| `{key}` | {_type(prop)} | {need} | {_cell(prop.get('description', ''))} |")
    return lines


def _type(prop: dict[str, Any]) -> str:
    """A short, readable type: ``integer 0–100``, ``list of [Reaction](#reaction)``, ``one of `a`, `b```."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "allOf" in prop:
        return _type(prop["allOf"][0])
    if "anyOf" in prop:
        options = [_type(option) for option in prop["anyOf"] if option.get("type") != "null"]
        return " or ".join(options)
    if "enum" in prop:
        return "one of " + ", ".join(f"`{value}`" for value in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        items = _type(prop.get("items", {}))
        return f"list of ({items})" if " or " in items else f"list of {items}"
    if kind == "object":
        return _mapping(prop)
    if kind == "string" and prop.get("pattern") == IDENTIFIER_PATTERN:
        return "id"
    if kind == "string" and "pattern" in prop:
        return f"string matching `{prop['pattern']}`"
    return kind + _bounds(prop)


def _mapping(prop: dict[str, Any]) -> str:
    """``mapping of id → [Node](#node)``: keys from propertyNames or patternProperties."""
    patterns = prop.get("patternProperties")
    if patterns:
        pattern, values = next(iter(patterns.items()))
        return f"mapping of {_type({'type': 'string', 'pattern': pattern})} → {_type(values)}"
    keys = _type({"type": "string", **prop.get("propertyNames", {})})
    return f"mapping of {keys} → {_type(prop.get('additionalProperties', {}))}"


def _bounds(prop: dict[str, Any]) -> str:
    """`` 0–100``, `` ≥ 1`` or `` > 0`` from the numeric bounds of a schema."""
    low = prop.get("minimum")
    high = prop.get("maximum")
    if low is not None and high is not None:
        return f" {low:g}–{high:g}"
    if low is not None:
        return f" ≥ {low:g}"
    if "exclusiveMinimum" in prop:
        return f" > {prop['exclusiveMinimum']:g}"
    return ""


def _cell(text: str, table: bool = True) -> str:
    """Text safe inside a Markdown table cell (or paragraph): one line, pipes escaped."""
    flat = " ".join(text.split())
    return flat.replace("|", "\\|") if table else flat
