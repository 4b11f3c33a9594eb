"""Rubric throughput against raw jieba segmentation of the same replies, in the same run.

    python benchmarks/bench_grade.py [--rounds N]

Prints replies/s for `jieba.lcut` alone and for the whole rubric (normalisation, segmentation,
all seven criteria), their ratio, and the rubric's per-reply p50/p99 latency. The rubric
segments without jieba's HMM (it needs dictionary words only), so the HMM-free figure is shown
too: it says how much the rubric costs beyond segmentation. The aim is a
ratio of at least 50 % and p99 under 5 ms. The replies are graded again and again, so the last
lines grade replies of the labelled corpus once each, with the prefilter (roleplay.text.prefilter)
and without it: what a stream of replies nobody wrote before costs.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path

import jieba

from roleplay.content.library import load_library
from roleplay.rubric.scorer import scorer_for
from roleplay.text import segment
from roleplay.text.prefilter import PREFILTER

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPUS = Path(__file__).resolve().parent.parent / "eval" / "dev.jsonl"


def replies(library) -> list[str]:
    """The labelled replies plus every model answer of the shipped scenarios."""
    texts = []
    for name in ("replies.dev.jsonl", "replies.extra.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    for scenario in library.scenarios.values():
        texts.extend(node.model_answer for node in scenario.nodes.values() if node.model_answer)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--fresh", type=int, default=3000, help="corpus replies graded once each")
    args = parser.parse_args()

    library = load_library(env="")
    scorer = scorer_for(library.rubric("default"))
    product = next(iter(library.scenarios.values())).product
    texts = replies(library)
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    segment.load()
    for text in texts:  # warm both paths
        jieba.lcut(text)
        scorer.score_text(text, latency_s=8, product=product)

    # Rounds alternate between the two so that a busy or throttled machine affects both alike; the
    # ratio reported is the median of the rounds' ratios, which a passing slowdown cannot skew.
    jieba_s = plain_s = rubric_s = 0.0
    ratios = []
    samples = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for text in texts:
            jieba.lcut(text)
        jieba_round = time.perf_counter() - start
        start = time.perf_counter()
        for text in texts:
            jieba.lcut(text, HMM=False)
        plain_s += time.perf_counter() - start
        start = time.perf_counter()
        for index, text in enumerate(texts):
            t0 = time.perf_counter()
            scorer.score_text(text, index=index % 6, latency_s=8, customer_text="怎么拍?", product=product)
            samples.append(time.perf_counter() - t0)
        rubric_round = time.perf_counter() - start
        jieba_s += jieba_round
        rubric_s += rubric_round
        ratios.append(jieba_round / rubric_round)

    n = len(texts) * args.rounds
    samples.sort()
    jieba_rate, plain_rate, rubric_rate = n / jieba_s, n / plain_s, n / rubric_s
    print(f"replies: {len(texts)} distinct x {args.rounds} rounds = {n}")
    print(f"jieba.lcut only           : {jieba_rate:8.0f} replies/s  (the baseline)")
    print(f"jieba.lcut(HMM=False) only: {plain_rate:8.0f} replies/s  (the mode the rubric segments with)")
    print(f"whole rubric              : {rubric_rate:8.0f} replies/s")
    print(f"ratio: {statistics.median(ratios):.1%} of jieba-only throughput, median of the rounds (aim >= 50%); "
          f"{rubric_rate / plain_rate:.1%} of HMM-free segmentation")
    print(f"rubric per reply: p50 {statistics.median(samples) * 1e3:.3f} ms, "
          f"p99 {samples[int(0.99 * (len(samples) - 1))] * 1e3:.3f} ms (aim p99 < 5 ms)")
    never_seen(scorer, product, args.fresh)


def never_seen(scorer, product, count: int) -> None:
    """The corpus's replies, each graded once (nothing a text was seen for before can help), with
    the prefilter and without it, against jieba on the same texts."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()[:count]]
    texts = [(row["text"], row.get("customer") or "") for row in rows]
    half = len(texts) // 2
    times = {}
    # each half of the replies once with the prefilter and once without, in turn, so that neither
    # path grades a text the other has already been timed on first
    for label, enabled, part in (("on", True, texts[:half]), ("off", False, texts[half:]),
                                 ("on", True, texts[half:]), ("off", False, texts[:half])):
        PREFILTER.enabled = enabled
        start = time.perf_counter()
        for text, customer in part:
            scorer.score_text(text, index=1, latency_s=8, customer_text=customer, product=product)
        times[label] = times.get(label, 0.0) + time.perf_counter() - start
    PREFILTER.enabled = True
    start = time.perf_counter()
    for text, _ in texts:
        jieba.lcut(text)
    jieba_s = time.perf_counter() - start
    print(f"replies never seen: {len(texts)} of the corpus, each graded once with the prefilter and once without")
    for label in ("on", "off"):
        print(f"  prefilter {label:3}: {len(texts) / times[label]:8.0f} replies/s, "
              f"{jieba_s / times[label]:.1%} of jieba.lcut on the same texts")


if __name__ == "__main__":
    main()
