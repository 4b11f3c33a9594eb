"""Safe YAML loading that remembers where every value came from.

Pydantic reports errors at a *location* (``("nodes", "greet", "transitions", 0, "to")``); the
trainer needs ``scenario.yaml:42:9``. We compose the YAML node graph once (safe loader only),
build plain Python data from it and keep the graph so any location can be mapped to a mark.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


#: How many values a document's aliases may add to the values written in it. A file without
#: aliases adds none, however large (its size is bounded by ``MAX_FILE_BYTES``); a "billion laughs"
#: file (aliases of aliases) adds millions and would keep validation busy for minutes.
MAX_EXPANDED_VALUES = 100_000
#: The largest content file that is read, in bytes (1 MB): about nine times the largest shipped file
#: (the default rubric). A file is parsed whole in memory and a megabyte of YAML already takes a
#: second or two to check, so a larger one is refused with a message instead of read.
MAX_FILE_BYTES = 1_000_000
#: The most digits a number in a content file may have. No price, count or limit needs more; Python
#: refuses to convert a number of over 4,300 digits (a traceback, before this limit).
MAX_NUMBER_DIGITS = 100
#: What a scalar of each tag is called when it cannot be read as one.
_SCALAR_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


class AliasError(yaml.MarkedYAMLError):
    """An alias that would make the document contain itself or expand without bound."""


class ExpansionError(AliasError):
    """Aliases that add too many values; found after reading, so both readers find it alike."""


class BadValue(yaml.constructor.ConstructorError):
    """A scalar that cannot become the value its form says (``2024-13-01``, a 5,000-digit number)."""


def _checked(construct: Any, kind: str) -> Any:
    """``construct`` (PyYAML's constructor of numbers or dates) made to turn a scalar Python cannot
    read into a located YAML error, not a traceback: the 13th month of a date, a number too long.
    Registered for those tags only, so every other value is constructed at PyYAML's own speed."""

    def checked(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        if kind == "a number":
            digits = sum(char.isdigit() for char in node.value)
            if digits > MAX_NUMBER_DIGITS:
                message = (
                    f"a number of {digits:,} digits is longer than any content needs (at most "
                    f"{MAX_NUMBER_DIGITS}); if it is text, put it in quotes"
                )
                raise BadValue(None, None, message, node.start_mark)
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            message = f"cannot read {shown!r} as {kind}: {exc}; if it is text, put it in quotes"
            raise BadValue(None, None, message, node.start_mark) from None

    return checked


class ContentLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans (only true/false are booleans) and safe aliases.

    Under YAML 1.1 rules ``on``, ``off``, ``yes`` and ``no`` become booleans, so a reaction's
    ``on:`` key or an answer "no" would silently change meaning. An alias to a value it is inside
    (``&a [*a]``) is refused while composing: the data would contain itself, and every walk over
    it (validation, duplicate-key checks) would never end.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._open_anchors: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        anchor = event.anchor
        if isinstance(event, yaml.AliasEvent):
            if anchor in self._open_anchors:
                raise AliasError(
                    None,
                    None,
                    f"recursive alias *{anchor}: it refers to the value &{anchor} it is inside, so the value "
                    "would contain itself; write the value out instead",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        if anchor is not None:
            self._open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open_anchors.discard(anchor)


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _FastContentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader with the same booleans; it composes in C, so it cannot refuse a
    recursive alias while composing: :func:`_check_expansion` finds the cycle instead."""


_FastContentLoader.yaml_implicit_resolvers = ContentLoader.yaml_implicit_resolvers
for loader_class in (ContentLoader, _FastContentLoader):
    for tag, kind in _SCALAR_KINDS.items():
        loader_class.add_constructor(tag, _checked(loader_class.yaml_constructors[tag], kind))
#: None where PyYAML was built without libyaml (every document is read in Python then).
_FastLoader: type[yaml.SafeLoader] | None = _FastContentLoader if yaml.__with_libyaml__ else None


class _Cycle(Exception):
    """A value that contains itself (a recursive alias libyaml composed without complaint)."""


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


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _nodes(root: yaml.Node | None) -> list[yaml.Node]:
    """Every node of the graph once, however many aliases refer to it (no exponential walk)."""
    seen: set[int] = set()
    out: list[yaml.Node] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        stack.extend(_children(node))
    return out


def _check_expansion(root: yaml.Node | None) -> None:
    """Raise ExpansionError at the first value whose aliases add more than ``MAX_EXPANDED_VALUES``
    values to those written in the file, and _Cycle at a value that contains itself.

    Sizes are computed once per node (children before parents), so this is linear in the file
    however the aliases nest. A node met again while its own children are still being sized is
    inside itself (PyYAML's composer refuses that while composing; libyaml's does not). A large
    file without aliases expands to exactly the values it writes, so it is never refused here.
    """
    sizes: dict[int, int] = {}
    sized: list[yaml.Node] = []  # children before parents
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done:
            if id(node) in open_:
                raise _Cycle
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
        sized.append(node)
        open_.discard(id(node))
    limit = len(sizes) + MAX_EXPANDED_VALUES
    node = next((node for node in sized if sizes[id(node)] > limit), None)
    if node is not None:
        raise ExpansionError(
            None,
            None,
            f"this value expands to more than {MAX_EXPANDED_VALUES:,} values through its aliases "
            "(aliases of aliases multiply); write the values out or use fewer aliases",
            node.start_mark,
        )


def _duplicate_keys(root: yaml.Node | None, path: str) -> list[Problem]:
    """PyYAML silently keeps the last of two equal keys; a trainer wants to know."""
    problems: list[Problem] = []
    for current in _nodes(root):
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
    return problems


#: What to say about a file that is not UTF-8; Chinese Windows editors often save GBK.
NOT_UTF8 = "not UTF-8 text (saved as GBK?): save the file as UTF-8"


def undecodable_position(exc: UnicodeDecodeError) -> tuple[int, int]:
    """Line and column (1-based, in characters) of the first byte that is not UTF-8.

    Python reports a byte offset into the whole file; an editor needs line:col to jump there.
    """
    before = bytes(exc.object[: exc.start])
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace"))
    return before.count(b"\n") + 1, column + 1


def _parse(source: str) -> tuple[yaml.Node | None, Any]:
    """The node graph and the data of one YAML text (safe tags only).

    libyaml reads a document ten times faster than PyYAML's pure-Python reader and composes the
    same graph, marks included; it is tried first. A document it cannot read, or whose aliases
    make a value contain itself, is read again by the pure-Python loader, which says what is wrong
    and where in the words trainers have always seen (libyaml's messages say less).
    """
    if _FastLoader is not None:
        try:
            return _compose_and_construct(_FastLoader(source))
        except (ExpansionError, BadValue):
            raise  # found after reading: the Python reader would say the same, only slower
        except (yaml.YAMLError, RecursionError, UnicodeError, _Cycle):
            pass
    return _compose_and_construct(ContentLoader(source))


def _compose_and_construct(loader: yaml.SafeLoader) -> tuple[yaml.Node | None, Any]:
    try:
        try:
            root = loader.get_single_node()
        except RecursionError:
            raise AliasError(
                None, None, "values nested too deeply to read; a content file needs a few levels, not hundreds",
                loader.get_mark(),
            ) from None
        _check_expansion(root)
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


class Unreadable(Exception):
    """A content file that is not read, and why (a warning where it is merely skipped)."""

    def __init__(self, message: str, severity: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.severity = severity


#: What each kind of file that is not a regular file is called.
_SPECIAL_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_content(path: Path) -> str:
    """The text of a content file (universal newlines, as ``Path.read_text``), read only if it is a
    regular file of at most ``MAX_FILE_BYTES``.

    Reading a named pipe waits for a writer forever and ``/dev/zero`` never ends, so other kinds of
    file are skipped (Unreadable, a warning) without being read. The file is opened without waiting
    and checked again once open, in case it was replaced in between.
    """
    _check_regular(os.stat(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags), "rb") as handle:
        _check_regular(os.fstat(handle.fileno()))
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew since it was measured
        raise Unreadable(_too_large(len(data)))
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _check_regular(status: os.stat_result) -> None:
    """Raise Unreadable for anything but a regular file of at most ``MAX_FILE_BYTES``."""
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _SPECIAL_FILES if test(status.st_mode)), "not a regular file")
        raise Unreadable(f"skipped: this is {kind}, not a file; content is read from ordinary files only", "warning")
    if status.st_size > MAX_FILE_BYTES:
        raise Unreadable(_too_large(status.st_size))


def _too_large(size: int) -> str:
    return (
        f"file too large: {size:,} bytes, and a content file may have at most {MAX_FILE_BYTES:,} (1 MB); "
        "split it into smaller files"
    )


def load_marked(path: Path | str, text: str | None = None) -> tuple[MarkedDocument | None, list[Problem]]:
    """Parse one YAML file safely. Returns the document (None if unreadable) and its problems."""
    shown = str(path)
    try:
        source = read_content(Path(path)) if text is None else text
    except UnicodeDecodeError as exc:
        line, col = undecodable_position(exc)
        return None, [Problem(shown, line, col, NOT_UTF8)]
    except Unreadable as exc:
        return None, [Problem(shown, 1, 1, exc.message, exc.severity)]
    except OSError as exc:
        return None, [Problem(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    try:
        root, data = _parse(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or str(exc)
        if "'\\t'" in what:
            what += " (indent with spaces, not tabs)"
        kind = "YAML error" if isinstance(exc, (AliasError, BadValue)) else "YAML syntax error"
        return None, [Problem(shown, line, col, f"{kind}: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, 1, 1, f"YAML error: {exc}")]
    return MarkedDocument(shown, root, data), _duplicate_keys(root, shown)
