"""The learned tone model: what it weighs, what it flags, and that it judges the same everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from roleplay.text.ngram_model import (
    END, GAP, START, Encoded, ModelStack, NgramModel, Training, Weights, gram_key, gram_keys, grams,
)

RUDE = ["你自己看吧", "你烦不烦啊", "你自己不会看吗", "你爱买不买吧", "你问那么多干嘛", "你自己不会查吗"]
CLEAN = ["您好，这款有货哦", "亲，今天下单明天发", "这款是纯棉的哦", "您看看这款呢", "好的亲，马上安排", "亲，这款有货的哦"]


def model(**options) -> NgramModel:
    examples = [(t, "impatience") for t in RUDE] + [(t, "clean") for t in CLEAN]
    return NgramModel(examples, "clean", **options)


def test_grams_are_characters_pairs_and_gapped_pairs_in_text_order_without_spaces():
    assert list(grams("你 烦不烦")) == [
        "你", "烦", "不", "你烦", "烦不", "不烦", f"你{GAP}不", f"烦{GAP}烦", f"{START}你", f"烦{END}",
    ]


def test_every_figure_is_one_figure_and_a_mark_in_the_text_is_no_gram_mark():
    assert grams("2000瓦") == grams("3500瓦") and "0瓦" in grams("35分贝以下 1瓦")
    assert list(grams(f"好{GAP}用")) == list(grams("好用"))


@given(st.text(alphabet=st.sampled_from(list("你好 烦不123\n😅\x00" + START + GAP + END)), max_size=12) | st.text(max_size=12))
def test_gram_keys_are_the_grams_as_integers(text):
    # the stack looks up a reply's grams by these keys: one key per gram, no two grams alike
    assert gram_keys(text) == {gram_key(g) for g in grams(text)}
    assert len({gram_key(g) for g in grams(text)}) == len(grams(text))


def test_a_reply_in_the_tone_of_the_rude_examples_is_flagged_with_its_label():
    verdict = model().judge(grams("你自己不会看啊"), threshold=0.0)
    assert verdict is not None and verdict.label == "impatience" and verdict.log_odds > 0.0
    assert model().judge(grams("亲，这款今天有货哦"), threshold=0.0) is None


def test_the_likeliest_label_overrules_a_default_only_by_a_clear_margin():
    examples = [(t, "impatience") for t in RUDE] + [(t, "contempt") for t in ["买不起别看", "穷就别买", "买不起就算了"]]
    examples += [(t, "clean") for t in CLEAN]
    fitted = NgramModel(examples, "clean")
    assert fitted.likeliest(grams("你自己不会看吗")) == "impatience"
    assert fitted.likeliest(grams("买不起就别看了"), default="impatience", margin=1.0) == "contempt"
    # a word the examples never held says nothing: the default stands against the likelier prior
    assert fitted.likeliest(grams("嗯"), default="contempt", margin=1.0) == "contempt"
    assert fitted.likeliest(grams("嗯")) == "impatience"


def test_a_stack_judges_every_model_as_each_would_alone():
    """One table lookup per gram for every model: each model's log-odds, signs and all, are what
    the model alone gives (to the stack's fixed-point precision)."""
    rude, clean = model(), NgramModel([(t, "clean") for t in RUDE] + [(t, "rude") for t in CLEAN], "clean")
    stack = ModelStack({"tone": {"rude": rude}, "other": {"a": clean, "b": rude}, "none": {}})
    for text in [*RUDE, *CLEAN, "", "完全没见过的字"]:
        leans = stack.leans(gram_keys(text))
        alone = {"tone": {"rude": rude.log_odds(grams(text))},
                 "other": {"a": clean.log_odds(grams(text)), "b": rude.log_odds(grams(text))}}
        assert leans.keys() == alone.keys()
        for group, labels in alone.items():
            assert leans[group] == pytest.approx(labels, abs=1e-8)
    assert stack.leans(gram_keys("你自己看吧"))["tone"]["rude"] > 0 > stack.leans(gram_keys("您好，这款有货哦"))["tone"]["rude"]


def test_a_stack_widens_its_fields_for_weights_too_large_for_64_bits():
    """However large a trainer's settings make the weights, no field spills into the next."""
    big, small = model(), model()
    big.weights, big.prior = Weights.of({"你": 4.0e9, "烦": -3.0e9, "你烦": 3.25}), -1.0
    stack = ModelStack({"a": {"big": big, "small": small}})
    assert stack.field > 64
    for text in ["你烦不烦", "烦", "你", "您好，这款有货哦"]:
        leans = stack.leans(gram_keys(text))["a"]
        assert leans["big"] == pytest.approx(big.log_odds(grams(text)), abs=1e-6)
        assert leans["small"] == pytest.approx(small.log_odds(grams(text)), abs=1e-8)


def test_a_stored_stack_reads_back_bit_for_bit():
    big, small = model(), model()
    big.weights = Weights.of({"你": 4.0e9, "烦": -3.0e9, "你烦": 3.25})
    for groups in ({"tone": {"rude": small}, "other": {"a": model(min_count=1), "b": small}}, {"a": {"big": big, "small": small}}):
        stack = ModelStack(groups)
        again = ModelStack.from_bytes(stack.to_bytes())
        assert (again._packed, again._fields, again.field) == (stack._packed, stack._fields, stack.field)
        for text in [*RUDE, *CLEAN, "你烦不烦", ""]:
            assert again.leans(gram_keys(text)) == stack.leans(gram_keys(text))
        with pytest.raises(ValueError):  # cut short: no stack, the caller packs it again
            ModelStack.from_bytes(stack.to_bytes()[:-1])


def test_a_stored_model_reads_back_bit_for_bit():
    examples = [(t, "impatience") for t in RUDE] + [(t, "contempt") for t in ["买不起别看", "穷就别买", "买不起就算了"]]
    fitted = NgramModel(examples + [(t, "clean") for t in CLEAN], "clean")
    again = NgramModel.from_bytes(fitted.to_bytes())
    assert (again.baseline, again.labels, again.trained, again.prior) == ("clean", ["contempt", "impatience"], True, fitted.prior)
    assert dict(again.weights.items()) == dict(fitted.weights.items())
    for text in [*RUDE, *CLEAN, "买不起就别看了", "嗯", ""]:
        assert again.log_odds(grams(text)) == fitted.log_odds(grams(text))
        for label in fitted.labels:
            assert again._label_score(label, grams(text)) == fitted._label_score(label, grams(text))
    untrained = NgramModel([("你烦不烦", "impatience")], "clean")
    assert not NgramModel.from_bytes(untrained.to_bytes()).trained
    # a file cut short (a full disk, a crash mid-write) is no model: the caller fits one again
    with pytest.raises(ValueError):
        NgramModel.from_bytes(fitted.to_bytes()[:-3])


def test_only_grams_kept_and_seen_often_enough_are_weighed():
    kept = model(keep=lambda gram: "你" in gram).weights
    assert kept and all("你" in gram for gram in kept)
    assert "干嘛" not in model(min_count=2).weights  # one example holds it
    assert "干嘛" in model(min_count=1).weights


def test_the_same_examples_fit_the_same_weights():
    assert model().weights == model().weights and model().prior == model().prior


def test_models_of_other_labels_fitted_to_texts_cut_once_are_the_models_fitted_to_the_examples():
    # the part and technique models share one cutting of the replies into grams (a first start
    # fits ten of them): each must be the model its own examples give, bit for bit
    texts = RUDE + CLEAN + ["买不起别看", "穷就别买"]
    encoded = Encoded.of(texts)
    for rude in (set(RUDE), {"买不起别看", "穷就别买", "你爱买不买吧"}):
        labels = ["rude" if t in rude else "clean" for t in texts]
        alone = NgramModel(list(zip(texts, labels)), "clean")
        assert NgramModel.fitted_to(encoded, labels, "clean").to_bytes() == alone.to_bytes()


def test_no_examples_of_a_class_means_no_model():
    assert not NgramModel([("你烦不烦", "impatience")], "clean").trained


SCRIPT = """
import json, sys
from roleplay.content.library import load_library
from roleplay.rubric.scorer import scorer_for
scorer = scorer_for(load_library([]).rubric("default"))
model = scorer.criteria["forbidden"].learned
from roleplay.text.ngram_model import gram_keys
from roleplay.text.normalize import normalize
print(json.dumps([repr(model.prior + model.weight(normalize(t))) for t in sys.argv[1:]]
                 + [repr(scorer.models.leans(gram_keys(normalize(t)))) for t in sys.argv[1:]]))
"""


def test_the_same_reply_gets_the_same_float_in_any_process():
    # Python salts string hashes per process: nothing the model fits or sums may depend on set order.
    texts = ["呃…这种问题也要问的吗", "你又不懂，听我的就是了", "亲，这款今天有货哦"]
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", SCRIPT, *texts], capture_output=True, text=True, env=env, check=True)
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1]


# (我看你也没打算买吧 was here until 168 more development replies moved its tone to 1.25, under the
# threshold of 1.5: a borderline reply, reported, not tuned back; 在。刷屏不会回得更快的呢🙂 until rubric 3.10
# listed hurry rebuked as impatience)
@pytest.mark.parametrize("text", ["呃…这种问题也要问的吗", "在。催了也是排队呢🙂", "就你事儿多，别人都没说啥", "哦那你自己琢磨吧"])
def test_the_default_rubric_learns_rude_tone_no_rule_lists(scorer, text):
    hits = scorer.score_text(text, customer_text="这个怎么样").results["forbidden"].detail["hits"]
    assert [h["matched"] for h in hits] == ["learned"]
    # the evidence is one clause of the trainee's own characters
    start, end = hits[0]["span"]
    assert hits[0]["phrase"] == text[start:end] and "，" not in hits[0]["phrase"]
    # and the trainee is told a tone was judged, not a phrase found
    [evidence] = scorer.score_text(text, customer_text="这个怎么样").results["forbidden"].evidence
    assert evidence.label.endswith("（语气判断）")


@pytest.mark.parametrize(
    "text",
    ["尺码表在详情页第三张图哦，您对照一下身高体重就行～", "亲亲,您看一下详情页哦,里面有详细的尺码表。", "您稍等，我帮您查一下物流",
     "亲，没有现货了，预计下周三到货，可以先拍下帮您优先发", "哎哟闺女真孝顺，咱慢慢挑，不着急啊～", "哈哈哈宝你比我还会挑😂 两款都好看，看你喜欢哪个色～",
     # a particle weighs only with what it follows: 放心吧 is kind
     "放心吧亲，我们的杯子没问题的"],
)
def test_polite_and_warm_replies_are_not_flagged(scorer, text):
    assert scorer.score_text(text, customer_text="尺码怎么选").results["forbidden"].detail["hits"] == []


def test_a_fitted_model_is_stored_and_judges_the_same_when_loaded(tmp_path):
    # The first process fits the models and stores them; the next loads them; a damaged store is
    # fitted again. All three judge a reply to the same float.
    env = {**os.environ, "ROLEPLAY_CACHE_DIR": str(tmp_path)}
    texts = ["呃…这种问题也要问的吗", "亲，这款今天有货哦"]

    def run() -> list[str]:
        out = subprocess.run([sys.executable, "-c", SCRIPT, *texts], capture_output=True, text=True, env=env, check=True)
        return json.loads(out.stdout)

    fitted = run()
    stored = sorted((tmp_path / "models").glob("*.model"))
    assert len(stored) == 12  # the tone model, the claim model, one per FAB part and one per closing technique
    assert run() == fitted
    whole = stored[0].read_bytes()
    stored[0].write_bytes(whole[: len(whole) // 2])  # cut short, as by a full disk
    assert run() == fitted
    assert stored[0].read_bytes() == whole  # and stored again, whole
    # the models' packed stack is stored beside them, read back by the next start, packed again if damaged
    [stack] = (tmp_path / "models").glob("*.stack")
    packed = stack.read_bytes()
    stack.write_bytes(packed[:-1])
    assert run() == fitted
    assert stack.read_bytes() == packed


def test_a_model_stored_by_code_that_reads_replies_differently_is_fitted_again(tmp_path, monkeypatch):
    # a stored model is keyed by the code that normalises and fits too, not by its examples alone:
    # once a dialect word is folded, a model fitted to the unfolded words must not be read back
    from roleplay.rubric import learned

    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path))
    examples = tmp_path / "examples.jsonl"
    examples.write_text("{}\n", encoding="utf-8")
    fitted = []

    def fit(self) -> NgramModel:
        fitted.append(True)
        return NgramModel([("好的亲", "clean"), ("爱买不买", "rude")], "clean", 1)

    monkeypatch.setattr(learned.Fitting, "fit", fit)
    fitting = learned.Fitting("part", "F", (str(examples),), (0,), 1, Training())
    learned._stored(fitting)
    learned._stored(fitting)
    assert len(fitted) == 1  # stored, then read back
    monkeypatch.setattr(learned, "_fitting_code", lambda: b"normalisation that folds one word more")
    learned._stored(fitting)
    assert len(fitted) == 2


def test_models_fitted_ahead_on_other_cores_are_the_models_fitted_here(tmp_path, monkeypatch):
    # A first start fits a dozen models in fresh processes at once; what comes back (and what
    # they store) is, byte for byte, what this process fits by itself.
    from pathlib import Path

    from roleplay.rubric import learned

    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(learned, "_fitted", {})
    monkeypatch.setattr(learned, "available_cores", lambda: 2)
    corpus = Path(__file__).parents[1] / "eval" / "dev.jsonl"
    examples = tmp_path / "examples.jsonl"
    examples.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:400]), encoding="utf-8")
    source = ((str(examples),), (examples.stat().st_mtime_ns,))
    fittings = [learned.Fitting("part", part, *source, 2, Training()) for part in "FAB"]
    fittings.append(learned.Fitting("tone", ("contempt", "impatience"), *source, 2, Training(), "吧呢啊", "吧"))
    learned.fit_ahead(fittings)
    assert set(learned._fitted) == set(fittings)  # fitted elsewhere, here now
    ahead = [learned.fitted(f).to_bytes() for f in fittings]
    assert [learned._store_path(f).read_bytes() for f in fittings] == ahead
    for fitting in fittings:
        learned._store_path(fitting).unlink()
    assert [f.fit().to_bytes() for f in fittings] == ahead
    assert any(learned.fitted(f).weights for f in fittings)  # a model that learned something


def test_a_verdict_on_a_reply_without_clauses_points_at_the_whole_reply(scorer):
    from roleplay.text.analysed import Analysed
    from roleplay.rubric.learned import weightiest_clause

    reply = Analysed.of("？！")  # nothing but punctuation: no clause to point at
    hit = weightiest_clause(reply, scorer.criteria["forbidden"].learned)
    assert (hit.start, hit.end) == (0, 2)


def test_stepping_by_evidence_keeps_a_gram_both_classes_hold_alike_light():
    """With ``evidence``, a gram each class holds as often (的 here) learns in small steps, and
    one that tells them apart (你) in full ones: the words every product's replies share weigh
    little. Without it, the fit is the plain one, step for step."""
    rude = [t + "的" for t in RUDE]
    clean = [t + "的" for t in CLEAN]
    examples = [(t, "impatience") for t in rude] + [(t, "clean") for t in clean]
    plain = NgramModel(examples, "clean", min_count=1)
    stepped = NgramModel(examples, "clean", min_count=1, training=Training(evidence=1.0))
    assert list(NgramModel(examples, "clean", min_count=1, training=Training(evidence=0.0)).weights.items()) == list(plain.weights.items())
    assert abs(stepped.weights["的"]) < abs(plain.weights["的"]) / 10
    assert stepped.weights["你"] > plain.weights["你"] / 2 > 0
    assert stepped.judge(grams("你自己不会看的吗"), threshold=0.0) is not None
    assert stepped.judge(grams("亲，这款今天有货的哦"), threshold=0.0) is None
