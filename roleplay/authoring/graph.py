"""A scenario's branching graph as Mermaid or Graphviz DOT text, so a trainer can see it.

Nodes show their id and the customer's first line; outcome nodes are coloured by outcome (成交
green, 流失 red, 拍下未付 amber); edges carry what takes them: the intent (id and label), the
rubric signal, ``default`` when neither, and conditions in brackets. Mermaid renders in GitHub,
GitLab and most Markdown editors; DOT with Graphviz (``dot -Tsvg``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roleplay.content.models import Condition, Node, Scenario, Transition
from roleplay.labels import OUTCOMES

Format = Literal["mermaid", "dot"]
#: (fill, stroke) per outcome.
OUTCOME_COLOURS = {
    "converted": ("#d4edda", "#2e7d32"),
    "lost": ("#f8d7da", "#c62828"),
    "unpaid": ("#fff3cd", "#ef6c00"),
}
#: Characters that would end a quoted Mermaid label or read as HTML, as Mermaid entity codes.
MERMAID_ENTITIES = str.maketrans({'"': "#34;", "<": "#60;", ">": "#62;"})
#: Id of the entry marker; content ids cannot start with an underscore, so it never collides.
ENTRY = "__start__"
GIST_CHARS = 18
BOUNDS = {"_gte": "≥", "_lte": "≤"}


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str


def render(scenario: Scenario, fmt: Format = "mermaid") -> str:
    """The scenario's graph in the given format."""
    return {"mermaid": to_mermaid, "dot": to_dot}[fmt](scenario)


def edges(scenario: Scenario) -> list[Edge]:
    return [
        Edge(node_id, transition.to, edge_label(scenario, transition))
        for node_id, node in scenario.nodes.items()
        for transition in node.transitions
    ]


def edge_label(scenario: Scenario, transition: Transition) -> str:
    """``explain_feature 介绍卖点 + closing_attempt [interest≥80]``; ``default`` without triggers."""
    triggers = []
    if transition.intent:
        intent = scenario.intents.get(transition.intent)
        triggers.append(f"{transition.intent} {intent.label}" if intent else transition.intent)
    if transition.signal:
        triggers.append(transition.signal)
    conditions = condition_text(transition.when)
    return " + ".join(triggers or ["default"]) + (f" [{conditions}]" if conditions else "")


def condition_text(when: Condition) -> str:
    """``interest≥60, visited a b`` – the conditions that are set, compactly."""
    parts = []
    for name, value in when.model_dump(exclude_defaults=True).items():
        suffix = name[-4:]
        if suffix in BOUNDS:
            parts.append(f"{name[:-4]}{BOUNDS[suffix]}{value}")
        else:
            parts.append(f"{name.replace('_', ' ')} {' '.join(value)}")
    return ", ".join(parts)


def node_lines(node_id: str, node: Node) -> list[str]:
    """The label lines of a node: its id, then the outcome or the gist of the customer's words."""
    if node.outcome:
        return [node_id, OUTCOMES[node.outcome]]
    return [node_id, gist(node)] if node.say else [node_id]


def gist(node: Node) -> str:
    """The customer's first own line at a node (phrasebook lines only if there is nothing else)."""
    texts = [line if isinstance(line, str) else line[0] for line in node.say if line]
    own = [text for text in texts if not text.startswith("@")]
    text = (own or texts)[0]
    return text if len(text) <= GIST_CHARS else text[: GIST_CHARS - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------------------------


def to_mermaid(scenario: Scenario) -> str:
    """A Mermaid flowchart; node ids get an ``n_`` prefix because ``end`` is a Mermaid keyword."""
    lines = [
        "flowchart TD",
        f"    %% {scenario.id}: {scenario.title}",
        f'    {ENTRY}(("开始")) --> n_{scenario.start}',
    ]
    for node_id, node in scenario.nodes.items():
        text = "<br/>".join(_mermaid_text(line) for line in node_lines(node_id, node))
        shape = f'(["{text}"])' if node.outcome else f'["{text}"]'
        lines.append(f"    n_{node_id}{shape}" + (f":::{node.outcome}" if node.outcome else ""))
    for edge in edges(scenario):
        lines.append(f'    n_{edge.source} -->|"{_mermaid_text(edge.label)}"| n_{edge.target}')
    for outcome, (fill, stroke) in OUTCOME_COLOURS.items():
        lines.append(f"    classDef {outcome} fill:{fill},stroke:{stroke}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return text.translate(MERMAID_ENTITIES)


# ---------------------------------------------------------------------------------------------
# Graphviz DOT
# ---------------------------------------------------------------------------------------------


def to_dot(scenario: Scenario) -> str:
    """A Graphviz digraph: ``roleplay graph ID --format dot | dot -Tsvg > graph.svg``."""
    lines = [
        f"digraph {_dot_text(scenario.id)} {{",
        f"  label={_dot_text(f'{scenario.title} ({scenario.id})')}; labelloc=t;",
        '  node [shape=box, style=rounded, fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
        f"  {ENTRY} [shape=point, width=0.15];",
        f"  {ENTRY} -> {_dot_text(scenario.start)};",
    ]
    for node_id, node in scenario.nodes.items():
        label = "\n".join(node_lines(node_id, node))
        attributes = f"label={_dot_text(label)}"
        if node.outcome:
            fill, stroke = OUTCOME_COLOURS[node.outcome]
            attributes += f', style="rounded,filled", fillcolor="{fill}", color="{stroke}"'
        lines.append(f"  {_dot_text(node_id)} [{attributes}];")
    for edge in edges(scenario):
        lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)} [label={_dot_text(edge.label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    """A quoted DOT string (newlines become DOT's ``\\n`` line breaks)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
