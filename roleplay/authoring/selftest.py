"""Scenario self-tests: play a scenario's scripted replies and compare what happens with the test.

A self-test (``tests:`` in a scenario file, see ``models.ScenarioTest``) is a conversation test
story: replies in order, the path of nodes the customer must walk and how the session must end.
Sessions are deterministic for a seed, so a test fails exactly when an edit changes behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

from roleplay.content.models import DEFAULT_LATENCY, Persona, Rubric, Scenario, ScenarioTest, ScriptedReply
from roleplay.engine.session import Session
from roleplay.labels import OUTCOMES

UNFINISHED = "unfinished"


@dataclass(frozen=True, slots=True)
class SelfTestResult:
    """What one self-test did: the path walked, the outcome, the score, and every mismatch."""

    scenario: str
    index: int  # position in the scenario's tests: list (to locate it in the file)
    name: str
    path: list[str]
    outcome: str
    score: float
    passed: bool
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """``opening → ordered: 成交, 95.2 points, passed`` – enough to see what happened."""
        label = OUTCOMES[None if self.outcome == UNFINISHED else self.outcome]
        verdict = "passed" if self.passed else "failed"
        return f"{' → '.join(self.path)}: {label}, {self.score:.1f} points, {verdict}"


def run_self_test(scenario: Scenario, persona: Persona, rubric: Rubric, index: int) -> SelfTestResult:
    """Play the scenario's ``index``-th self-test and check its expectations."""
    test = scenario.tests[index]
    session = Session(scenario, persona, rubric, seed=test.seed)
    session.start()
    used = 0
    for reply in test.replies:
        if session.ended:
            break
        text, latency = _text_and_latency(reply)
        session.reply(text, latency)
        used += 1
    score = session.report().score
    outcome = session.outcome or UNFINISHED
    failures = _mismatches(test, session.visited, outcome, score.passed, used)
    return SelfTestResult(
        scenario.id, index, test.name, list(session.visited), outcome, score.total, score.passed, failures
    )


def run_self_tests(scenario: Scenario, persona: Persona, rubric: Rubric) -> list[SelfTestResult]:
    """Every self-test of a scenario, in file order."""
    return [run_self_test(scenario, persona, rubric, index) for index in range(len(scenario.tests))]


def _text_and_latency(reply: str | ScriptedReply) -> tuple[str, float]:
    if isinstance(reply, str):
        return reply, DEFAULT_LATENCY
    return reply.text, reply.latency


def _mismatches(test: ScenarioTest, path: list[str], outcome: str, passed: bool, used: int) -> list[str]:
    """Each expectation of ``test`` that the session did not meet, as a sentence."""
    failures = []
    if used < len(test.replies):
        last = len(test.replies)
        unused = f"replies {used + 1}–{last} were" if used + 1 < last else f"reply {last} was"
        failures.append(f"the session ended ({outcome}) after reply {used}; {unused} never used")
    if test.path is not None and test.path != path:
        failures.append(f"path: expected {' → '.join(test.path)}, got {' → '.join(path)}")
    if test.outcome != outcome:
        failures.append(f"outcome: expected {test.outcome}, got {outcome}")
    if test.passed is not None and test.passed != passed:
        failures.append(f"passed: expected {str(test.passed).lower()}, got {str(passed).lower()}")
    return failures
