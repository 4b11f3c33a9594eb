"""`roleplay grade`: the JSON contract, latency from timestamps, and malformed lines."""

from __future__ import annotations

import json

from roleplay.cli import main

GOOD = {
    "id": "c1",
    "scenario": "air_fryer_fab",
    "turns": [
        {"role": "customer", "text": "在吗?这个炸锅好在哪?", "at": 0},
        {"role": "agent", "text": "亲,您好!这款采用360°热风循环技术,不用翻面,您全家吃得更健康。", "at": 6},
        {"role": "customer", "text": "怎么拍?", "at": 20},
        {"role": "customer", "text": "今天能发吗?", "at": 25},
        {"role": "agent", "text": "今天能发的,您直接拍下,我帮您备注。", "at": 38},
        {"role": "agent", "text": "还送您硅胶垫哦。", "at": 40},
    ],
}
RUDE = {
    "id": 7,
    "turns": [
        {"role": "customer", "text": "能便宜点吗", "at": "2026-11-01T10:00:00+08:00"},
        {"role": "agent", "text": "爱买不买", "at": "2026-11-01T10:00:45+08:00"},
    ],
}


def run_grade(tmp_path, capsys, lines, *extra):
    path = tmp_path / "logs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["grade", str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err, path


def test_json_contract(tmp_path, capsys):
    code, out, err, _ = run_grade(tmp_path, capsys, [json.dumps(GOOD, ensure_ascii=False)])
    assert code == 0 and err == ""
    [result] = json.loads(out)
    assert result["id"] == "c1"
    assert 0 <= result["score"] <= 100 and isinstance(result["passed"], bool)
    criteria = {"fab", "latency", "forbidden", "closing", "greeting", "needs", "confirm_order", "farewell", "accuracy"}
    assert set(result["criteria"]) == criteria
    agent = [t for t in result["turns"] if t["role"] == "agent"]
    assert len(agent) == 3 and len(result["turns"]) == 6
    first, second, third = agent
    assert set(first["fab"]["components"]) <= {"F", "A", "B"} and first["fab"]["components"] == ["F", "A", "B"]
    assert first["latency"]["seconds"] == 6
    # Latency runs from the first customer message of the round (20 s), not the last (25 s).
    assert second["latency"]["seconds"] == 18
    assert third["latency"]["seconds"] is None
    assert second["closing"]["techniques"] == ["direct_ask"]
    assert third["closing"]["techniques"] == ["gift"]
    assert first["forbidden"]["hits"] == []


def test_forbidden_hits_and_iso_times(tmp_path, capsys):
    code, out, _, _ = run_grade(tmp_path, capsys, [json.dumps(RUDE, ensure_ascii=False)])
    [result] = json.loads(out)
    assert code == 0 and result["id"] == 7
    agent = result["turns"][1]
    assert agent["forbidden"]["hits"] == [
        {"category": "contempt", "phrase": "爱买不买", "span": [0, 4], "matched": "爱买不买"}
    ]
    assert agent["latency"]["seconds"] == 45
    assert result["passed"] is False and result["fatal"] == ["contempt"]


def test_malformed_lines_are_named_and_the_rest_graded(tmp_path, capsys):
    lines = [
        json.dumps(GOOD, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "x", "turns": [{"role": "boss", "text": "hi"}]}),
        "",
        json.dumps({"id": "y", "scenario": "no_such", "turns": [{"role": "agent", "text": "您好"}]}),
        json.dumps(RUDE, ensure_ascii=False),
    ]
    code, out, err, path = run_grade(tmp_path, capsys, lines)
    assert code == 1
    assert [r["id"] for r in json.loads(out)] == ["c1", 7]
    assert f"{path}:2: not valid JSON" in err
    assert f"{path}:3: turns[0].role: Input should be 'customer' or 'agent'" in err
    assert f"{path}:5: unknown scenario 'no_such'" in err
    assert "3 line(s) could not be graded; 2 graded" in err


def test_table_format_and_output_file(tmp_path, capsys):
    target = tmp_path / "out.txt"
    code, out, _, _ = run_grade(
        tmp_path, capsys, [json.dumps(GOOD, ensure_ascii=False)], "--format", "table", "-o", str(target)
    )
    table = target.read_text(encoding="utf-8")
    assert code == 0 and out == ""
    assert "FAB话术" in table and "c1" in table and ("通过" in table)


def test_unknown_rubric_is_a_clear_error(tmp_path, capsys):
    code, _, err, _ = run_grade(tmp_path, capsys, [json.dumps(GOOD)], "--rubric", "strict")
    assert code == 2 and "unknown rubric 'strict'; available: default" in err


def test_line_separator_characters_inside_text_do_not_split_a_transcript(tmp_path, capsys):
    transcript = {"id": "u", "turns": [{"role": "agent", "text": "您好\u2028欢迎\r光临", "at": 1}]}
    code, out, err, _ = run_grade(tmp_path, capsys, [json.dumps(transcript, ensure_ascii=False)])
    assert code == 0, err
    assert json.loads(out)[0]["turns"][0]["text"] == "您好\u2028欢迎\r光临"


def turns(*specs):
    """Turns from (role, text, at) triples."""
    return [{"role": role, "text": text, "at": at} for role, text, at in specs]


def test_logs_that_cannot_be_graded_fairly_are_errors_for_their_line(tmp_path, capsys):
    iso = "2026-11-01T10:00:{:02d}+08:00".format
    bad = [
        {"id": "back", "turns": turns(("customer", "在吗", 100), ("agent", "在的", 5))},
        {"id": "mixed", "turns": turns(("customer", "在吗", 0), ("agent", "在的", iso(5)))},
        {"id": "zones", "turns": turns(("customer", "在吗", iso(0)), ("agent", "在的", "2026-11-01T10:00:05"))},
        {"id": "iso_back", "turns": turns(("customer", "在吗", iso(30)), ("agent", "在的", iso(5)))},
        {"id": "blank", "turns": turns(("customer", "在吗", 0), ("agent", " \u3000", 3))},
        {"id": "shopper_only", "turns": turns(("customer", "在吗", 0), ("customer", "人呢", 30))},
    ]
    lines = [json.dumps(GOOD, ensure_ascii=False), *(json.dumps(t, ensure_ascii=False) for t in bad)]
    code, out, err, path = run_grade(tmp_path, capsys, lines, "--save")
    assert code == 1
    assert [r["id"] for r in json.loads(out)] == ["c1"]
    assert f"{path}:2: turns[1].at goes backwards (5 < 100)\n" in err
    assert f"{path}:3: turns[1].at is an ISO time but turns[0].at is seconds: use one kind of time" in err
    assert f"{path}:4: turns[1].at and turns[0].at mix ISO times with and without a time zone" in err
    assert f"{path}:5: turns[1].at goes backwards (2026-11-01T10:00:05+08:00 < 2026-11-01T10:00:30+08:00)" in err
    assert f"{path}:6: turns[1]: an agent reply with no text" in err
    assert f'{path}:7: no agent replies to grade: the transcript needs a turn with "role": "agent"' in err
    assert "已保存 1 条真实对话记录" in err
    assert "6 line(s) could not be graded; 1 graded" in err


def test_an_empty_log_file_is_an_error(tmp_path, capsys):
    code, out, err, path = run_grade(tmp_path, capsys, ["", "  "])
    assert (code, out) == (1, "")
    assert err == f"roleplay: {path} has no transcripts to grade (expected one JSON object per line)\n"


WRONG_PRICE = {
    "id": "p1",
    "turns": [
        {"role": "customer", "text": "这个净水器多少钱？", "at": 0},
        {"role": "agent", "text": "亲，这款现在活动价1599元，采用RO反渗透滤芯，您家里老人孩子直接喝也放心。", "at": 7},
    ],
}


def test_grade_checks_a_log_against_the_named_product_card(tmp_path, capsys):
    """A shop's real log about a product no scenario covers: --product names its card, so a wrong
    price is caught and the card's feature words count as F."""
    line = json.dumps(WRONG_PRICE, ensure_ascii=False)
    code, out, _, _ = run_grade(tmp_path, capsys, [line], "--product", "ro_purifier_800g")
    [result] = json.loads(out)
    reply = [t for t in result["turns"] if t["role"] == "agent"][0]
    assert code == 0 and result["product"] == "ro_purifier_800g"
    assert reply["accuracy"]["contradictions"] and reply["accuracy"]["score"] == 0
    # without a card there is nothing to check the price against
    code, out, _, _ = run_grade(tmp_path, capsys, [line])
    assert json.loads(out)[0]["criteria"]["accuracy"] is None


def test_a_line_may_name_its_own_card_and_an_unknown_card_is_a_clear_error(tmp_path, capsys):
    own = json.dumps({**WRONG_PRICE, "product": "ro_purifier_800g"}, ensure_ascii=False)
    missing = json.dumps({**WRONG_PRICE, "id": "p2", "product": "no_such_card"}, ensure_ascii=False)
    code, out, err, path = run_grade(tmp_path, capsys, [own, missing])
    assert code == 1 and [r["product"] for r in json.loads(out)] == ["ro_purifier_800g"]
    assert f"{path}:2: unknown product 'no_such_card'" in err
    code, out, err, _ = run_grade(tmp_path, capsys, [own], "--product", "nope")
    assert code != 0 and "unknown product 'nope'" in err and "air_fryer_5l" in err
