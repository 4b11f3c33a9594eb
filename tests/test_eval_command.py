"""`roleplay eval`: figures per criterion, disagreements with evidence, bad lines, --min-f1."""

from __future__ import annotations

import json

import pytest

from roleplay.cli import main

GOOD_PITCH = {
    "id": "p1",
    "text": "这件衬衣是纯棉面料的,吸汗又透气,您夏天穿起来会格外清爽舒服。",
    "fab": ["F", "A", "B"],
    "forbidden": None,
    "closing": [],
}
RUDE = {"id": "r1", "text": "爱买不买。", "fab": [], "forbidden": "contempt", "closing": []}
#: Labelled as a close that the reply does not make: the rubric must disagree on closing only.
MISLABELLED = {"id": "m1", "text": "您好,请问有什么可以帮您?", "fab": [], "forbidden": None, "closing": ["urgency"]}


def run_eval(tmp_path, capsys, rows, *extra):
    path = tmp_path / "labelled.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["eval", str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err, path


def test_json_figures_per_criterion(tmp_path, capsys):
    code, out, err, _ = run_eval(tmp_path, capsys, [GOOD_PITCH, RUDE, MISLABELLED], "--format", "json")
    assert code == 0 and err == ""
    report = json.loads(out)
    assert report["replies"] == 3
    for name in ("forbidden", "closing", "fab", "F", "A", "B"):
        assert {"precision", "recall", "f1", "agreement"} <= set(report[name])
    assert report["forbidden"] == {**report["forbidden"], "precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    # The one technique labelled was not found: recall 0, no false alarm, precision undefined.
    closing = report["closing"]
    assert (closing["recall"], closing["fn"], closing["fp"], closing["precision"]) == (0.0, 1, 0, None)
    assert closing["agreement"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["fab"]["f1"] == 1.0 and report["F"]["support"] == 1
    assert report["labels"]["closing"]["urgency"]["recall"] == 0.0


def test_disagreements_name_both_labels_and_the_evidence(tmp_path, capsys):
    wrong_fab = {**GOOD_PITCH, "id": "w1", "fab": ["F"]}
    code, out, _, _ = run_eval(tmp_path, capsys, [wrong_fab, MISLABELLED], "--format", "json")
    assert code == 0
    items = {d["id"]: d for d in json.loads(out)["disagreements"]}
    assert items["m1"]["criteria"] == ["closing"] and items["m1"]["line"] == 2
    assert items["m1"]["expected"]["closing"] == ["urgency"] and items["m1"]["found"]["closing"] == []
    assert items["w1"]["criteria"] == ["fab"] and items["w1"]["found"]["fab"] == ["F", "A", "B"]
    for ev in items["w1"]["evidence"]:
        start, end = ev["span"]
        assert wrong_fab["text"][start:end] == ev["text"] and ev["criterion"] == "fab"


def test_table_lists_figures_then_disagreements(tmp_path, capsys):
    code, out, _, _ = run_eval(tmp_path, capsys, [GOOD_PITCH, RUDE, MISLABELLED])
    assert code == 0
    assert "3 labelled replies" in out
    lines = out.splitlines()
    forbidden = next(line for line in lines if line.startswith("服务禁语"))
    assert forbidden.split()[2:5] == ["1.000", "1.000", "1.000"]
    assert "m1 (line 3)" in out and "closing: expected urgency, found none" in out
    code, quiet, _, _ = run_eval(tmp_path, capsys, [GOOD_PITCH, MISLABELLED], "--quiet")
    assert "disagreements" not in quiet


def test_min_f1_fails_the_run_below_it(tmp_path, capsys):
    code, _, err, _ = run_eval(tmp_path, capsys, [GOOD_PITCH, RUDE, MISLABELLED], "--min-f1", "0.9")
    assert code == 1 and "F1 below 0.9: closing" in err
    code, _, _, _ = run_eval(tmp_path, capsys, [GOOD_PITCH, RUDE], "--min-f1", "0.9")
    assert code == 0


def test_bad_lines_are_located_and_the_rest_counted(tmp_path, capsys):
    rows = [
        GOOD_PITCH,
        "{not json",
        {**RUDE, "fab": ["B", "F"]},
        {**RUDE, "id": "r2", "forbidden": "rude"},
        {**RUDE, "id": "r3", "closing": ["hard_sell"]},
        {**RUDE, "id": "p1"},
        {**RUDE, "id": "r4", "scenario": "no_such_scenario"},
        {"id": "x", "text": "嗯"},
        RUDE,
    ]
    code, out, err, path = run_eval(tmp_path, capsys, rows, "--format", "json")
    assert code == 1
    assert json.loads(out)["replies"] == 2
    messages = err.splitlines()
    assert messages[0].startswith(f"{path}:2: not valid JSON")
    assert messages[1].startswith(f"{path}:3: fab: list each of")
    assert messages[2] == f"{path}:4: forbidden: unknown category 'rude'; the rubric has " + ", ".join(
        ["contempt", "confrontation", "impatience", "denial", "absolute_claim", "curt"]
    )
    assert messages[3].startswith(f"{path}:5: closing: unknown technique 'hard_sell'")
    assert messages[4] == f"{path}:6: id 'p1' is used again (first on line 1): give every reply its own id"
    assert messages[5].startswith(f"{path}:7: ") and "no_such_scenario" in messages[5]
    assert messages[6].startswith(f"{path}:8: fab: Field required")
    assert messages[-1] == "7 line(s) could not be read; 2 evaluated"


def test_empty_file_is_an_error(tmp_path, capsys):
    code, _, err, path = run_eval(tmp_path, capsys, [])
    assert code == 1 and "has no labelled replies" in err


def test_control_characters_do_not_reach_the_terminal(tmp_path, capsys):
    row = {**MISLABELLED, "text": "您好\x1b[2J,请问有什么可以帮您?"}
    code, out, _, _ = run_eval(tmp_path, capsys, [row])
    assert "\x1b" not in out and "␛[2J" in out


def test_scenario_card_is_used(tmp_path, capsys):
    """With its scenario, a reply in the card's own words is judged with the card."""
    row = {"id": "c1", "scenario": "air_fryer_fab", "text": "有可视窗口,不开锅也能看到火候,新手也不会炸糊。",
           "fab": ["F", "A", "B"], "forbidden": None, "closing": []}
    code, out, _, _ = run_eval(tmp_path, capsys, [row], "--format", "json")
    assert json.loads(out)["fab"]["f1"] == 1.0


def test_per_label_agreement_counts_every_reply(tmp_path, capsys):
    # contempt first appears on the third reply: the two before it agreed that it was absent
    code, out, _, _ = run_eval(tmp_path, capsys, [GOOD_PITCH, MISLABELLED, RUDE], "--format", "json")
    contempt = json.loads(out)["labels"]["forbidden"]["contempt"]
    assert contempt["agreement"] == 1.0 and contempt["tp"] == 1
    urgency = json.loads(out)["labels"]["closing"]["urgency"]
    assert urgency["agreement"] == pytest.approx(2 / 3, abs=1e-4) and urgency["fn"] == 1


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        # the setting named as the YAML nests it is a typo for closing.add_margin
        ("closing.learned.add_margin=1.0", "closing has no learned setting 'learned.add_margin'; its settings:"),
        ("latency.good_s=5", "no learned criterion 'latency'"),
        ("closing.add_margin=abc", "the value 'abc' is not JSON"),
    ],
)
def test_cross_validation_names_a_setting_it_cannot_try(setting, says):
    """A trainer trying a setting by cross-validation gets a usage error that says what is wrong,
    before any model is fitted, not a traceback from the first fold."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "cross_validate.py"
    result = subprocess.run([sys.executable, str(script), "--set", setting], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_category_keeps_its_cross_validation_fold_when_a_batch_joins():
    """Cross-validation and calibration figures of one session and the next compare the same folds:
    a category's fold depends on its name only, not on which other categories the corpus holds."""
    module = _cross_validate_module()

    def fold_by_category(categories):
        rows = [{"category": c, "id": f"{c}-01"} for c in categories]
        return {row["category"]: i for i, fold in enumerate(module.folds_of(rows, 5)) for row in fold}

    before = fold_by_category([f"cat{i}" for i in range(60)])
    after = fold_by_category([f"cat{i}" for i in range(60)] + ["aardvark_brush", "zither_case", "cat5a"])
    assert {c: after[c] for c in before} == before
    assert len(set(before.values())) == 5  # every fold holds some category


def test_cross_validation_names_the_newest_batches_categories():
    """`--newest N` reports the categories the corpus names last: the batches that joined most recently."""
    module = _cross_validate_module()
    rows = [{"category": c} for c in ["kettle", "kettle", "tent", "moss_pole", "tent", "cane_tip", "cane_tip"]]
    assert module.newest_categories(rows, 2) == {"moss_pole", "cane_tip"}
    assert module.newest_categories(rows, 0) == set()


def _cross_validate_module():
    """benchmarks/cross_validate.py as a module (the benchmarks are scripts, not a package)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "cross_validate.py"
    spec = importlib.util.spec_from_file_location("cross_validate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_f1_comes_with_an_interval_resampled_by_category(tmp_path, capsys):
    """The interval holds the F1, is the same on every run (seeded), and treats a category's replies
    as one draw: the same replies in two categories vary more than in ten."""
    rows = [{**row, "id": f"{row['id']}-{i}", "category": f"c{i % 10}"}
            for i in range(20) for row in (GOOD_PITCH, RUDE, MISLABELLED)]
    code, out, _, _ = run_eval(tmp_path, capsys, rows, "--format", "json")
    report = json.loads(out)
    assert code == 0
    for name in ("forbidden", "closing", "fab", "F", "A", "B"):
        low, high = report[name]["f1_interval"]
        assert low <= report[name]["f1"] <= high
    assert report["forbidden"]["f1_interval"] == [1.0, 1.0]  # right in every category: no doubt
    assert run_eval(tmp_path, capsys, rows, "--format", "json")[1] == out
    # half the categories get the pitch wrong: the full-FAB figure is in doubt, more so over two categories
    wrong = [{**row, "fab": ["F"]} if row["id"].startswith("p1") and row["category"] in {"c0", "c1", "c2", "c3", "c4"} else row
             for row in rows]
    ten = json.loads(run_eval(tmp_path, capsys, wrong, "--format", "json")[1])["fab"]["f1_interval"]
    two = json.loads(run_eval(tmp_path, capsys, [{**row, "category": row["category"] < "c5" and "a" or "b"} for row in wrong],
                              "--format", "json")[1])["fab"]["f1_interval"]
    assert ten[0] < ten[1] and two[1] - two[0] > ten[1] - ten[0]


def test_one_category_gives_no_interval(tmp_path, capsys):
    rows = [{**row, "category": "kettle"} for row in (GOOD_PITCH, RUDE, MISLABELLED)]
    code, out, _, _ = run_eval(tmp_path, capsys, rows, "--format", "json")
    assert code == 0 and json.loads(out)["fab"]["f1_interval"] is None
    code, table, _, _ = run_eval(tmp_path, capsys, rows, "--quiet")
    assert "F1 95%" in table and next(line for line in table.splitlines() if line.startswith("完整FAB")).split()[5] == "—"


def test_a_change_is_told_from_chance_by_drawing_the_same_categories_for_both_runs():
    """Two runs of the same replies: a change that fixes one reply in each of many categories is more
    than chance, though the two runs' own intervals overlap; one fixed reply in one category is not."""
    from roleplay.evaluate import difference_interval, f1_interval

    before = {f"c{i}": [2 + 3 * (i % 5), 1 + 2 * (i % 3), 2 + i % 4] for i in range(40)}
    # one missed label found in every other category
    everywhere = {c: [t + 1, p, n - 1] if i % 2 == 0 else [t, p, n] for i, (c, (t, p, n)) in enumerate(before.items())}
    moved, (low, high) = difference_interval(before, everywhere)
    assert moved > 0 and low > 0
    alone_before, alone_after = f1_interval(list(before.values())), f1_interval(list(everywhere.values()))
    assert alone_after[0] < alone_before[1]  # the runs' own intervals overlap: they cannot tell
    t, p, n = before["c0"]
    moved, (low, high) = difference_interval(before, {**before, "c0": [t + 1, p, n - 1]})
    assert moved > 0 and low <= 0 <= high
    assert difference_interval(before, before) == (0.0, [0.0, 0.0])
    assert difference_interval({"c0": [1, 0, 0]}, {"c0": [1, 0, 0], "c1": [1, 0, 0]}) is None  # one shared category


def test_cross_validation_shows_how_far_a_kept_run_moved(capsys):
    module = _cross_validate_module()
    from roleplay.commands.evaluate import TITLES
    from roleplay.text.width import pad

    before = {"set": [], "clusters": {"fab": {f"c{i}": [8, 1, 1] for i in range(40)}}}
    module._moved(before, {"fab": {f"c{i}": [9, 1, 0] for i in range(40)}}, TITLES, pad)
    out = capsys.readouterr().out
    assert "against the rubric as it is" in out and "more than chance" in out and "完整FAB fab" in out


#: Six replies that ask for the order with 直接拍, two of them labelled so, three as a trial, one with no close:
#: raters who split on one wording, as a QA lead would want to see.
SPLIT_ASKS = [
    {"id": f"s{i}", "text": f"喜欢的话直接拍，第{n}批货都挺好", "fab": [], "forbidden": None, "closing": closing}
    for i, (n, closing) in enumerate(
        [("一", ["direct_ask"]), ("二", ["direct_ask"]), ("三", ["trial"]), ("四", ["trial"]), ("五", ["trial"]),
         ("六", [])]
    )
]


def test_wordings_show_where_the_labels_split_on_one_finding(tmp_path, capsys):
    code, out, _, _ = run_eval(tmp_path, capsys, [*SPLIT_ASKS, GOOD_PITCH], "--format", "json", "--wordings", "5")
    assert code == 0
    rows = json.loads(out)["wordings"]
    ask = next(r for r in rows if r["criterion"] == "closing" and r["label"] == "direct_ask")
    assert ask["found"] == 6 and ask["labelled"] == 2 and ask["share"] == pytest.approx(2 / 6, abs=1e-4)
    assert ask["instead"] == {"trial": 3, "none": 1}
    assert ask["examples"] == ["s2", "s3", "s4"]  # the first three labelled otherwise, to read them by
    assert "直接拍" in ask["wording"]
    # a wording found in fewer than five replies says too little to list
    assert all(r["found"] >= 5 for r in rows)
    code, table, _, _ = run_eval(tmp_path, capsys, [*SPLIT_ASKS, GOOD_PITCH], "--quiet", "--wordings")
    assert "wordings the labels most often do not share" in table
    lines = table.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("closing") and "direct_ask" in line)
    assert lines[at].split()[2:4] == ["6", "2"] and lines[at].endswith("trial 3, none 1")
    assert lines[at + 1].split() == ["e.g.", "s2,", "s3,", "s4"]
    code, plain, _, _ = run_eval(tmp_path, capsys, [*SPLIT_ASKS, GOOD_PITCH], "--format", "json")
    assert "wordings" not in json.loads(plain)


def test_wordings_in_traditional_characters_are_one_wording(tmp_path, capsys):
    rows = [
        {"id": f"t{i}", "text": text, "fab": [], "forbidden": "contempt" if i < 3 else None, "closing": []}
        for i, text in enumerate(["爱买不买", "愛買不買", "爱买不买哦", "愛買不買啦", "爱买不买。", "愛買不買！"])
    ]
    code, out, _, _ = run_eval(tmp_path, capsys, rows, "--format", "json", "--wordings", "5")
    found = [r for r in json.loads(out)["wordings"] if r["criterion"] == "forbidden"]
    assert [(r["label"], r["wording"], r["found"], r["labelled"], r["instead"]) for r in found] == [
        ("contempt", "爱买不买", 6, 3, {"none": 3})
    ]


def test_cross_validation_pools_the_wordings_of_its_folds(library):
    """Each fold's tally of a wording adds up, as ``cross_validate.py --wordings`` pools them."""
    from roleplay.evaluate import evaluate, pool_wordings, split_wordings

    half = len(SPLIT_ASKS) // 2
    folds = [evaluate("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), library)
             for rows in (SPLIT_ASKS[:half], SPLIT_ASKS[half:])]
    assert not split_wordings(folds[0].wordings)  # three replies alone say too little
    pooled: dict = {}
    for fold in folds:
        pool_wordings(pooled, fold.wordings)
    ask = next(r for r in split_wordings(pooled) if r["label"] == "direct_ask")
    assert (ask["found"], ask["labelled"], ask["instead"]) == (6, 2, {"trial": 3, "none": 1})
    assert ask["examples"] == ["s2", "s3", "s4"]
