"""Safe YAML loading that remembers where every value came from.

Pydantic reports errors at a *location* (``("nodes", "greet", "transitions", 0, "to")``); the
trainer needs ``scenario.yaml:42:9``. We compose the YAML node graph once (safe loader only),
build plain Python data from it and keep the graph so any location can be mapped to a mark.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ContentLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans: only true/false are booleans.

    Under YAML 1.1 rules ``on``, ``off``, ``yes`` and ``no`` become booleans, so a reaction's
    ``on:`` key or an answer "no" would silently change meaning.
    """


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning in a content file, printed as ``path:line:col: message``."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"


class MarkedDocument:
    """A parsed YAML document: its data plus the node graph for locating values."""

    def __init__(self, path: str, root: yaml.Node | None, data: Any) -> None:
        self.path = path
        self.root = root
        self.data = data

    def locate(self, loc: Sequence[str | int]) -> tuple[tuple[int, int], bool]:
        """(line, col) of the deepest node reachable along ``loc``, and whether all of it was found.

        A ``"[key]"`` element (pydantic's marker for errors in dict keys) points at the key itself.
        """
        node, last_key = self.root, None
        if node is None:
            return (1, 1), not loc
        for part in loc:
            if part == "[key]" and last_key is not None:
                return _position(last_key), True
            child = None
            if isinstance(node, yaml.MappingNode):
                pair = _find_key(node, part)
                if pair is not None:
                    last_key, child = pair
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    last_key, child = None, node.value[part]
            if child is None:
                return _position(node), False
            node = child
        return _position(node), True

    def key_mark(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """Line/col of the key that ends ``loc`` (for 'unknown key' messages)."""
        return self.locate([*loc, "[key]"])[0]

    def problem(self, loc: Sequence[str | int], message: str, severity: str = "error") -> Problem:
        (line, col), _ = self.locate(loc)
        return Problem(self.path, line, col, message, severity)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _find_key(node: yaml.MappingNode, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
            return key_node, value_node
    return None


def _duplicate_keys(node: yaml.Node | None, path: str) -> list[Problem]:
    """PyYAML silently keeps the last of two equal keys; a trainer wants to know."""
    problems: list[Problem] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = getattr(key_node, "value", None)
                if isinstance(key, str):
                    if key in seen:
                        mark = key_node.start_mark
                        problems.append(
                            Problem(path, mark.line + 1, mark.column + 1, f"duplicate key {key!r}; keep only one")
                        )
                    seen.add(key)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return problems


def load_marked(path: Path | str, text: str | None = None) -> tuple[MarkedDocument | None, list[Problem]]:
    """Parse one YAML file safely. Returns the document (None if unreadable) and its problems."""
    shown = str(path)
    try:
        source = Path(path).read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, 1, 1, f"cannot read file: {exc}")]
    try:
        root = yaml.compose(source, Loader=ContentLoader)
        constructor = ContentLoader(source)
        data = constructor.construct_document(root) if root is not None else None
        constructor.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or str(exc)
        if "'\\t'" in what:
            what += " (indent with spaces, not tabs)"
        return None, [Problem(shown, line, col, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, 1, 1, f"YAML error: {exc}")]
    return MarkedDocument(shown, root, data), _duplicate_keys(root, shown)
