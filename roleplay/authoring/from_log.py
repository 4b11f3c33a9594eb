"""A starting scenario from one real chat log: ``roleplay new scenario ID --from-log FILE``.

A shop's own conversations are the best material for practice, but a scenario is a graph a
trainer writes by hand. This writes its skeleton from a log in the format of ``roleplay grade``:
each round of the customer's messages becomes a node, in order, the agent's replies to it become
that node's model answer, and every step forward is a default transition with a comment where
the trainer decides what moves the conversation (an intent, a signal, a condition). Phone
numbers, order numbers and addresses are masked in everything written: a log is personal data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from roleplay.authoring.new import check_id
from roleplay.content.jsonl import LineError
from roleplay.content.schema import modeline
from roleplay.errors import RoleplayError
from roleplay.grade import Transcript, read_transcripts

#: What is masked, in order (a phone number before the longer digit runs of order numbers).
MASKS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)"), "[手机号]"),
    (re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]*\d{10,}[0-9A-Za-z]*(?![0-9A-Za-z])"), "[订单号]"),
    (
        re.compile(
            r"(?:[\u4e00-\u9fff]{2,7}(?:省|自治区))?[\u4e00-\u9fff]{2,7}(?:市|州|盟)(?:[\u4e00-\u9fff]{1,7}(?:区|县|旗))?"
            r"[\u4e00-\u9fff\d]{0,16}?(?:路|街|道|巷|弄|村|镇|乡)[\u4e00-\u9fff\d\-#号栋幢单元室楼层]{0,16}"
        ),
        "[地址]",
    ),
    (re.compile(r"[\u4e00-\u9fff\d]{2,12}(?:路|街|巷|弄)\d+号[\u4e00-\u9fff\d\-栋幢单元室楼层]{0,12}"), "[地址]"),
]


class LogNotUsable(RoleplayError):
    """The log cannot become a scenario; the message says which line or conversation and why."""


def mask(text: str) -> str:
    """``text`` with phone numbers, order numbers and addresses replaced by [手机号], [订单号], [地址]."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


@dataclass
class Round:
    """The customer's messages until the agent answers, and the agent's answer."""

    said: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)


def rounds(transcript: Transcript) -> list[Round]:
    """The conversation as rounds; what the agent says before the customer's first message is
    left out (a greeting bot), as are rounds with nothing from the customer."""
    out: list[Round] = []
    for turn in transcript.turns:
        text = mask(turn.text.strip())
        if not text:
            continue
        if turn.role == "customer":
            if not out or out[-1].answered:
                out.append(Round())
            out[-1].said.append(text)
        elif out:
            out[-1].answered.append(text)
    return out


def pick(path: Path, log_id: str | None) -> Transcript:
    """The conversation of ``path`` to use: the one with ``log_id``, else the file's only one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LogNotUsable(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    found: list[Transcript] = []
    for number, item in read_transcripts(text):
        if isinstance(item, LineError):
            raise LogNotUsable(f"{path}:{number}: {item.message}")
        found.append(item)
    if log_id is not None:
        chosen = [t for t in found if str(t.id) == log_id]
        if not chosen:
            raise LogNotUsable(f"{path} has no conversation with id {log_id!r}; ids: {', '.join(str(t.id) for t in found)}")
        return chosen[0]
    if len(found) != 1:
        ids = ", ".join(str(t.id) for t in found) or "none"
        raise LogNotUsable(f"{path} holds {len(found)} conversations ({ids}): choose one with --log-id")
    return found[0]


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is one); a leading @ would name a phrasebook line."""
    return json.dumps("＠" + text[1:] if text.startswith("@") else text, ensure_ascii=False)


def scenario_text(scenario_id: str, transcript: Transcript, source: Path, persona: str, product: str | None) -> str:
    """The starting scenario, as commented YAML that validates (with warnings) and draws."""
    check_id(scenario_id)
    check_id(persona)
    steps = rounds(transcript)
    if not steps:
        raise LogNotUsable(f"conversation {transcript.id!r} in {source} has no message from the customer")
    first = max(steps[0].said, key=len)  # 在吗 opens many chats: the longest first message says what it is about
    title = f"真实对话：{first[:16]}{'…' if len(first) > 16 else ''}"
    lines = [
        modeline("scenario"),
        f"# A starting scenario from the real conversation {transcript.id!r} in {source.name}, written by",
        "# `roleplay new scenario --from-log`: each node is a round of the customer's messages, in order,",
        "# and its model_answer is what the agent replied (phone numbers, order numbers and addresses are",
        "# masked). Next: at each DECISION comment add the transitions that move the conversation (an",
        "# intent with its keywords, a rubric signal, a condition), fill the product card, set the ending",
        "# and add tests; docs/authoring.md explains each key.",
        f"id: {scenario_id}",
        f"title: {_quoted(title)}",
        "difficulty: medium",
        f"persona: {persona}",
        f"description: {_quoted('根据一段真实对话改编：按顾客的原话练习，看看你会怎么回。')}",
    ]
    if product:
        lines.append(f"product: {product}")
    else:
        lines += [
            "product:                        # TODO: fill from the product page, or name a card: product: ID",
            "  name: （请填写商品名）",
            "  price: 1",
            "  stock: 0",
            "  shipping: （请填写发货说明）",
            "  returns: （请填写退换说明）",
        ]
    lines += [f"max_turns: {len(steps) + 4}", "intents: {}                      # TODO: what replies mean (see docs/authoring.md)",
              "start: n1", "nodes:"]
    for index, step in enumerate(steps, start=1):
        following = f"n{index + 1}" if index < len(steps) else "end"
        lines.append(f"  n{index}:")
        lines.append("    say: [" + ", ".join(_quoted(text) for text in step.said) + "]")
        lines.append(f"    model_answer: {_quoted(' '.join(step.answered))}")
        lines.append("    transitions:")
        lines.append(f"      # DECISION: what in a reply should lead on (the real agent's answer led to {following})?")
        lines.append(f"      - {{to: {following}}}")
    lines += [
        "  end:",
        "    outcome: converted              # TODO: how the real conversation ended: converted, lost or unpaid",
        "    say: []",
    ]
    return "\n".join(lines) + "\n"
