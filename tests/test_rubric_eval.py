"""Every criterion against the labelled replies: each label must come out right."""

from __future__ import annotations

import pytest

from conftest import labelled_replies

ROWS = labelled_replies()
IDS = [row["id"] for row in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_fab_components(scorer, row):
    result = scorer.score_text(row["text"]).results["fab"]
    assert result.detail["components"] == row["fab"], row["text"]
    # Evidence spans point at the reply's own characters and carry their component.
    for ev in result.evidence:
        assert row["text"][ev.start : ev.end] == ev.text
        assert ev.label in row["fab"]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_forbidden_category(scorer, row):
    hits = scorer.score_text(row["text"]).results["forbidden"].detail["hits"]
    expected = {row["forbidden"]} if row["forbidden"] else set()
    assert {h["category"] for h in hits} == expected, (row["text"], hits)
    for hit in hits:
        start, end = hit["span"]
        assert row["text"][start:end] == hit["phrase"]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_closing_techniques(scorer, row):
    techniques = scorer.score_text(row["text"]).results["closing"].detail["techniques"]
    assert sorted(techniques) == sorted(row["closing"]), row["text"]


def test_eval_set_is_large_enough():
    assert len(ROWS) >= 50
    assert {row["forbidden"] for row in ROWS} >= {
        "contempt", "impatience", "denial", "confrontation", "curt", "absolute_claim", None
    }
