"""Checks beyond the file format: what loads fine but cannot work as the trainer meant.

The loader checks each file against the models and the references inside it; these checks look
at how the pieces play together in the engine: nodes no conversation reaches or that lead
nowhere, intents whose own examples the engine would not recognise (or would send down another
intent's transition), phrasebook lines a scenario or reaction asks for but the persona lacks (the
engine then silently says nothing). Each problem is located at the offending key or value with
its ``line:col`` and is an ``error`` (it is a bug) or a ``warning`` (probably a mistake;
``roleplay validate --strict`` treats it as an error).

Intent checks use the engine's own :class:`IntentMatcher`, so they agree with what a session does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args


from roleplay.content.library import Library
from roleplay.content.models import (
    TYPING_MAX_S,
    ClosingTechnique,
    Condition,
    Line,
    Persona,
    Rubric,
    Scenario,
    Situation,
    Transition,
)
from roleplay.content.yamlmarks import MarkedDocument, Problem, load_marked
from roleplay.engine.intents import IntentMatch, IntentMatcher, thesaurus_for
from roleplay.feedback import MODEL_ANSWER_BELOW
from roleplay.rubric.scorer import scorer_for
from roleplay.text.analysed import Analysed

ERROR, WARNING = "error", "warning"
SITUATIONS: tuple[str, ...] = get_args(Situation)
TECHNIQUES: tuple[str, ...] = get_args(ClosingTechnique)
Loc = tuple[str | int, ...]


def check_library(library: Library) -> list[Problem]:
    """Problems of every loaded persona and scenario, in file order."""
    problems: list[Problem] = []
    events = sorted({event for rubric in library.rubrics.values() for event in rubric.events})
    for persona in library.personas.values():
        doc = _document(library.sources[("persona", persona.id)])
        if doc is not None:
            problems += check_persona(persona, doc, events)
    for scenario in library.scenarios.values():
        doc = _document(library.sources[("scenario", scenario.id)])
        if doc is not None:
            rubric = library.rubrics.get(scenario.rubric)
            problems += check_scenario(scenario, doc, library.personas.get(scenario.persona), rubric)
    return sorted(problems, key=lambda p: (p.path, p.line, p.col))


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """``--strict``: every warning becomes an error."""
    return [Problem(p.path, p.line, p.col, p.message, ERROR) for p in problems]


def _document(path: Path) -> MarkedDocument | None:
    """The file's YAML with marks; None if it changed on disk into something unreadable."""
    doc, _ = load_marked(path)
    return doc


def _key(doc: MarkedDocument, loc: Loc, message: str, severity: str) -> Problem:
    """A problem at the key that ends ``loc`` (for things named by their key: nodes, intents)."""
    line, col = doc.key_mark(loc)
    return Problem(doc.path, line, col, message, severity)


# ---------------------------------------------------------------------------------------------
# Personas
# ---------------------------------------------------------------------------------------------


def check_persona(persona: Persona, doc: MarkedDocument, events: Iterable[str] = ()) -> list[Problem]:
    """Reactions to events no rubric emits, that say lines the phrasebook lacks, or that wait for
    closing techniques that do not exist. ``events``: what the loaded rubrics emit (none given:
    not checked)."""
    problems = []
    known = list(events)
    for index, reaction in enumerate(persona.reactions):
        loc: Loc = ("reactions", index)
        if known and reaction.on not in known:
            message = f"unknown event {reaction.on!r}: no rubric emits it, so this reaction never fires; events: {', '.join(known)}"
            problems.append(doc.problem((*loc, "on"), message))
        if reaction.say and reaction.say not in persona.phrasebook:
            message = (
                f"the phrasebook has no {reaction.say!r} lines, so this reaction would say nothing: "
                f"add phrasebook.{reaction.say} or change say"
            )
            problems.append(doc.problem((*loc, "say"), message))
        if reaction.technique is None:
            continue
        if reaction.technique not in TECHNIQUES:
            problems.append(doc.problem((*loc, "technique"), _unknown_technique(reaction.technique)))
        elif reaction.on != "closing_attempt":
            message = f"technique only applies to on: closing_attempt; with on: {reaction.on} it is never met"
            problems.append(doc.problem((*loc, "technique"), message, WARNING))
    problems.extend(_slow_typing(persona, doc))
    return problems


def _slow_typing(persona: Persona, doc: MarkedDocument) -> Iterator[Problem]:
    """Phrasebook lines she would take longer to type than a customer ever types: the engine cuts
    her 'typing…' to TYPING_MAX_S, so she would seem to type faster than her typing_cpm says."""
    traits = persona.traits
    slow = [line for lines in persona.phrasebook.values() for line in lines if traits.typing_needed_s(line) > TYPING_MAX_S]
    if slow:
        longest = max(slow, key=len)
        yield doc.problem(
            ("traits", "typing_cpm"),
            f"at {traits.typing_cpm} characters a minute, {len(slow)} of her lines take longer to type than the "
            f"{TYPING_MAX_S:g} s a customer types at most (the longest, {len(longest)} characters, "
            f"{traits.typing_needed_s(longest):.0f} s): raise typing_cpm (people type about 60–300 characters a "
            "minute) or shorten those lines",
            WARNING,
        )


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


def check_scenario(
    scenario: Scenario, doc: MarkedDocument, persona: Persona | None, rubric: Rubric | None = None
) -> list[Problem]:
    """Every check of one scenario; ``persona`` or ``rubric`` is None when it does not exist
    (reported elsewhere); intents are checked through the rubric's thesaurus, as the engine reads them."""
    return [
        *_unknown_names(scenario, doc, rubric),
        *_phrasebook_lines(scenario, doc, persona),
        *_graph_shape(scenario, doc),
        *_shadowed_defaults(scenario, doc),
        *_intent_use(scenario, doc, rubric),
        *_authoring_gaps(scenario, doc),
        *_model_answers(scenario, doc, persona, rubric),
        *_long_lines(scenario, doc, persona),
    ]


def _transitions(scenario: Scenario) -> Iterator[tuple[Loc, Transition]]:
    for node_id, node in scenario.nodes.items():
        for index, transition in enumerate(node.transitions):
            yield ("nodes", node_id, "transitions", index), transition


def _unknown_technique(technique: str) -> str:
    return f"unknown closing technique {technique!r}; techniques: {', '.join(TECHNIQUES)}"


def _unknown_names(scenario: Scenario, doc: MarkedDocument, rubric: Rubric | None) -> Iterator[Problem]:
    """Node names in conditions and self-tests, closing techniques in signals and criteria in expects
    that do not exist."""
    unknown = "unknown node {!r}; known nodes: " + ", ".join(scenario.nodes)
    for loc, transition in _transitions(scenario):
        for key in ("visited", "not_visited"):
            for index, name in enumerate(getattr(transition.when, key)):
                if name not in scenario.nodes:
                    yield doc.problem((*loc, "when", key, index), unknown.format(name))
        family, _, technique = (transition.signal or "").partition(":")
        if family == "closing" and technique not in TECHNIQUES:
            yield doc.problem((*loc, "signal"), _unknown_technique(technique))
        elif transition.signal and rubric is not None and transition.signal not in rubric.signals:
            message = f"unknown signal {transition.signal!r}: rubric {rubric.id!r} never gives it; signals: {', '.join(rubric.signals)}"
            yield doc.problem((*loc, "signal"), message)
    for number, test in enumerate(scenario.tests):
        for index, name in enumerate(test.path or []):
            if name not in scenario.nodes:
                yield doc.problem(("tests", number, "path", index), unknown.format(name))
    if rubric is not None:
        for node_id, node in scenario.nodes.items():
            for index, name in enumerate(node.expects):
                if name not in rubric.expectable:
                    message = f"unknown criterion {name!r} in expects: rubric {rubric.id!r} has {', '.join(rubric.expectable)}"
                    yield doc.problem(("nodes", node_id, "expects", index), message)


def _phrasebook_lines(scenario: Scenario, doc: MarkedDocument, persona: Persona | None) -> Iterator[Problem]:
    """'@situation' lines must name a situation the scenario's persona has lines for.

    The engine skips a line whose situation the persona lacks, so the customer silently says less
    than the trainer wrote: an error, not a warning.
    """
    for node_id, node in scenario.nodes.items():
        for at, text in _variants(node.say):
            if not text.startswith("@"):
                continue
            situation, loc = text[1:], ("nodes", node_id, "say", *at)
            if situation not in SITUATIONS:
                yield doc.problem(loc, f"unknown situation {text!r}; situations: {', '.join(SITUATIONS)}")
            elif persona is not None and situation not in persona.phrasebook:
                yield doc.problem(
                    loc,
                    f"persona {persona.id!r} has no {situation!r} lines, so the customer would say "
                    f"nothing here: add phrasebook.{situation} to the persona or change this line",
                )


def _long_lines(scenario: Scenario, doc: MarkedDocument, persona: Persona | None) -> Iterator[Problem]:
    """Lines the persona would take longer to type than a customer ever types (TYPING_MAX_S): the
    line would appear sooner than she could type it."""
    if persona is None:
        return
    traits = persona.traits
    for node_id, node in scenario.nodes.items():
        for at, text in _variants(node.say):
            needed = traits.typing_needed_s(text)
            if not text.startswith("@") and needed > TYPING_MAX_S:
                yield doc.problem(
                    ("nodes", node_id, "say", *at),
                    f"at persona {persona.id!r}'s {traits.typing_cpm} characters a minute this line of {len(text)} "
                    f"characters takes {needed:.0f} s to type, more than the {TYPING_MAX_S:g} s a customer types "
                    "at most, so it would appear sooner: split it into shorter lines",
                    WARNING,
                )


def _variants(say: list[Line]) -> Iterator[tuple[tuple[int, ...], str]]:
    """Every text of a node's lines with its position: (line,) or (line, variant)."""
    for index, line in enumerate(say):
        if isinstance(line, str):
            yield (index,), line
        else:
            for variant, text in enumerate(line):
                yield (index, variant), text


def _graph_shape(scenario: Scenario, doc: MarkedDocument) -> Iterator[Problem]:
    """Nodes no conversation reaches, dead ends, loops with no way out, and no way to win."""
    reached, finishing = _reached_and_finishing(scenario)
    for node_id, node in scenario.nodes.items():
        loc = ("nodes", node_id)
        if node_id not in reached:
            message = f"node {node_id!r} is never reached: no path from the start {scenario.start!r} goes here"
            yield _key(doc, loc, message, WARNING)
        elif node.outcome is None and not node.transitions:
            message = (
                f"node {node_id!r} is a dead end: it has no transitions and no outcome, so the customer "
                "repeats themselves until they leave; add transitions or an outcome"
            )
            yield _key(doc, loc, message, WARNING)
        elif node_id not in finishing:
            message = (
                f"no path from node {node_id!r} leads to an outcome: the session can only end by the "
                "customer losing patience or after max_turns"
            )
            yield _key(doc, loc, message, WARNING)
    if not any(node.outcome == "converted" for node in scenario.nodes.values()):
        message = "no node has outcome: converted, so the trainee can never make the sale"
        yield _key(doc, ("nodes",), message, WARNING)


def _reached_and_finishing(scenario: Scenario) -> tuple[set[str], set[str]]:
    """Nodes reachable from the start, and nodes from which some outcome node is reachable."""
    nodes = scenario.nodes
    forward = {n: [t.to for t in node.transitions if t.to in nodes] for n, node in nodes.items()}
    backward: dict[str, list[str]] = {n: [] for n in nodes}
    for source, targets in forward.items():
        for target in targets:
            backward[target].append(source)
    reached = _reach(forward, [scenario.start] if scenario.start in nodes else [])
    return reached, _reach(backward, [n for n, node in nodes.items() if node.outcome])


def _reach(edges: dict[str, list[str]], sources: list[str]) -> set[str]:
    """Nodes reachable from ``sources`` along ``edges`` (breadth first)."""
    return set(_depths(edges, sources))


def _depths(edges: dict[str, list[str]], sources: list[str]) -> dict[str, int]:
    """Each node reachable from ``sources`` along ``edges``, with the fewest steps it takes."""
    depth, queue = dict.fromkeys(sources, 0), deque(sources)
    while queue:
        source = queue.popleft()
        for target in edges[source]:
            if target not in depth:
                depth[target] = depth[source] + 1
                queue.append(target)
    return depth


def _shadowed_defaults(scenario: Scenario, doc: MarkedDocument) -> Iterator[Problem]:
    """A default transition after an unconditional default is never taken: the engine takes the first."""
    for node_id, node in scenario.nodes.items():
        first: int | None = None
        for index, transition in enumerate(node.transitions):
            if transition.intent or transition.signal:
                continue
            if first is not None:
                message = f"this default transition is never taken: transitions[{first}] is taken first"
                yield doc.problem(("nodes", node_id, "transitions", index), message, WARNING)
            elif transition.when == Condition():
                first = index


def _intent_use(scenario: Scenario, doc: MarkedDocument, rubric: Rubric | None) -> Iterator[Problem]:
    """Unused intents, examples the engine would not recognise, and examples another intent steals."""
    used = {t.intent for _, t in _transitions(scenario) if t.intent}
    matcher = IntentMatcher(scenario.intents, thesaurus_for(rubric) if rubric else None, rubric.understanding if rubric else None)
    for intent_id, intent in scenario.intents.items():
        if intent_id not in used:
            message = f"intent {intent_id!r} is declared but no transition uses it"
            yield _key(doc, ("intents", intent_id), message, WARNING)
        for index, example in enumerate(intent.examples):
            loc = ("intents", intent_id, "examples", index)
            reply = Analysed.of(example)
            own = matcher.score(intent_id, reply)
            if own.score < intent.threshold:
                message = (
                    f"example {example!r} does not match its own intent {intent_id!r} (similarity "
                    f"{own.score:.0f} < threshold {intent.threshold}): the engine would not recognise "
                    "this reply; add a keyword it contains or reword it"
                )
                yield doc.problem(loc, message, WARNING)
                continue
            for rival, node_id in _stealers(scenario, matcher, intent_id, own.score, reply):
                message = (
                    f"ambiguous example: it also matches intent {rival.intent!r} (via {rival.via!r}), and at "
                    f"node {node_id!r} that transition would be taken instead of {intent_id!r}'s; make the "
                    f"keywords more specific or list the {intent_id!r} transition first"
                )
                yield doc.problem(loc, message, WARNING)


def _stealers(
    scenario: Scenario, matcher: IntentMatcher, intent_id: str, own_score: float, reply: Analysed
) -> Iterator[tuple[IntentMatch, str]]:
    """(rival match, node) where a reply meant as ``intent_id`` would follow another intent's transition.

    Ranks transitions like ``Session._choose`` when all their triggers fire: more triggers first,
    then the stronger intent match, then the one listed first. Conditions are ignored: they
    depend on the conversation so far, and whenever both hold the rival wins.
    """
    for node_id, node in scenario.nodes.items():
        own = [(i, t) for i, t in enumerate(node.transitions) if t.intent == intent_id]
        if not own:
            continue
        for index, transition in enumerate(node.transitions):
            if transition.intent in (None, intent_id):
                continue
            rival = matcher.matches(transition.intent, reply)
            if rival is None:
                continue
            rank = (_triggers(transition), rival.score, -index)
            if any(rank > (_triggers(t), own_score, -i) for i, t in own):
                yield rival, node_id
                break


def _triggers(transition: Transition) -> int:
    return bool(transition.intent) + bool(transition.signal)


def _authoring_gaps(scenario: Scenario, doc: MarkedDocument) -> Iterator[Problem]:
    """Things a trainee or a later editor will miss: lines, model answers and self-tests."""
    for node_id, node in scenario.nodes.items():
        if node.outcome:
            continue
        loc = ("nodes", node_id)
        if not node.say:
            message = f"the customer says nothing at node {node_id!r}: the trainee has nothing to answer"
            yield _key(doc, loc, message, WARNING)
        if not node.model_answer.strip():
            message = f"node {node_id!r} has no model_answer: trainees get no 参考话术 here"
            yield _key(doc, loc, message, WARNING)
    if not scenario.tests:
        message = "the scenario has no tests: add a tests: list for `roleplay test` (see docs/authoring.md)"
        yield _key(doc, ("id",), message, WARNING)


def _model_answers(scenario: Scenario, doc: MarkedDocument, persona: Persona | None, rubric: Rubric | None) -> Iterator[Problem]:
    """Model answers that would earn the advice they are shown beside.

    Each node's 参考话术 is graded by the rubric where a trainee meets it: after the customer's
    lines there (each list's first variant, a phrasebook situation's first line), as the reply
    of the turn at which the conversation reaches the node soonest, with the node's
    ``expects`` and buying signal. It must fall short of no criterion that applies (a node that
    expects a close gets one, the first reply greets) and score at least the mark below which
    trainees are shown it; otherwise the feedback contradicts its own example.
    """
    if rubric is None:
        return
    scorer = scorer_for(rubric)
    nodes = scenario.nodes
    edges = {n: [t.to for t in node.transitions if t.to in nodes] for n, node in nodes.items()}
    depths = _depths(edges, [scenario.start] if scenario.start in nodes else [])
    for node_id, node in nodes.items():
        if node.outcome or not node.model_answer.strip() or node_id not in depths:
            continue
        score = scorer.score_text(
            node.model_answer,
            index=depths[node_id],
            customer_text="\n".join(_first_lines(node.say, persona)),
            product=scenario.product,
            expects=node.expects,
            buying_signal=node.buying_signal,
        )
        short = [
            f"{rubric.criteria[name].label}: {result.advice}"
            for name, result in score.results.items()
            if result.score is not None and result.score < 100 and result.advice
        ]
        if score.total < MODEL_ANSWER_BELOW:
            short.append(f"it scores {score.total:.0f}, below the {MODEL_ANSWER_BELOW} under which trainees are shown it")
        if short:
            message = (
                f"node {node_id!r}: graded here, the model answer itself would be told: {'; '.join(short)}; "
                "rewrite it, or say what the node expects (expects, buying_signal)"
            )
            yield doc.problem(("nodes", node_id, "model_answer"), message, WARNING)


def _first_lines(say: list[Line], persona: Persona | None) -> list[str]:
    """What the customer says at a node, each list's first variant, a situation's first line."""
    lines = []
    for line in say:
        text = line[0] if isinstance(line, list) else line
        if text.startswith("@"):
            options = persona.phrasebook.get(text[1:]) if persona else None  # type: ignore[call-overload]
            text = options[0] if options else ""
        lines.append(text)
    return lines
