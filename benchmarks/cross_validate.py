"""How well the rubric's learned models judge product categories they were not fitted to, measured
on the development part alone (the locked part stays untouched while settings are chosen).

    python benchmarks/cross_validate.py [--folds 5] [--set forbidden.threshold=1.2 ...]

The development part's categories are dealt into folds; each fold is scored by a rubric whose
models were fitted to the other folds' replies only, and the figures of all folds are pooled. The
rules were written on these replies, so the figures flatter the rules a little; they do not flatter
the models, which never see the replies they judge. ``--set`` tries another value of a learned
setting (``fab.add_margin``, ``fab.drop_margin``, ``forbidden.threshold``, ``*.min_count``,
``*.epochs``, ``*.regularisation``, ``*.learning_rate``) without editing the rubric; ``--rules``
scores with the rules alone, for comparison; ``--disagreements FILE`` keeps what each fold got wrong;
``--wordings N`` lists the wordings the labels most often do not share (as ``roleplay eval
--wordings`` does, with models that never saw the replies); ``--save FILE`` keeps each category's
counts and ``--against FILE`` shows, on a later run, how far each F1 moved from the kept one and
whether by more than chance (a paired bootstrap over categories: the same categories drawn for both
runs); ``--train-fraction 0.5`` fits the models to that share of the other folds' categories only,
which draws a learning curve: whether more labelled replies would still help. ``--newest 48`` also
shows the figures of the 48 categories the corpus names last: batches that joined unread and from
which no rule was read yet are the closest the development part has to a shop the rules never saw.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "eval" / "dev.jsonl"
#: The criteria whose learned models a fold fits (and `--set` may change a setting of).
LEARNED = ("fab", "forbidden", "closing")


def folds_of(rows: list[dict], folds: int, run: int = 0) -> list[list[dict]]:
    """The replies dealt into folds by category, so no category is split: each category to the fold
    its name's hash says, so a category keeps its fold when new batches join and figures of one
    session and the next compare the same folds (dealt in sorted order, every batch reshuffled them).

    With a ``run``, categories are taken in the order the corpus first names them and dealt ``run``
    at a time: a writer's few categories were added together, so they mostly fall in one fold and
    its models judge writers they never read, as they will in a shop (sorted, a writer's categories
    scatter over the folds, and the models learn the writers' ways along with the labels)."""
    if run:
        order = list(dict.fromkeys(row["category"] for row in rows))
        fold_of = {category: (i // run) % folds for i, category in enumerate(order)}
    else:
        fold_of = {category: _hashed(category) % folds for category in {row["category"] for row in rows}}
    out: list[list[dict]] = [[] for _ in range(folds)]
    for row in rows:
        out[fold_of[row["category"]]].append(row)
    return out


def _hashed(name: str) -> int:
    """A number of ``name`` that no run, machine or Python version changes (``hash`` is salted)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def newest_categories(rows: list[dict], count: int) -> set[str]:
    """The ``count`` categories the corpus names last: a batch is appended whole, so these are the
    newest batches' (none when ``count`` is 0)."""
    return set(list(dict.fromkeys(row["category"] for row in rows))[-count:]) if count > 0 else set()


def share_of(rows: list[dict], fraction: float) -> list[dict]:
    """The replies of every n-th category (sorted), so that ``fraction`` of the categories remain."""
    categories = sorted({row["category"] for row in rows})
    kept = {c for i, c in enumerate(categories) if int((i + 1) * fraction) > int(i * fraction)}
    return [row for row in rows if row["category"] in kept]


def settings(pairs: list[str], rubric) -> dict[str, dict[str, object]]:
    """``criterion.setting=value`` pairs as {criterion: {setting: value}} (values parsed as JSON).

    A setting the criterion's learned models do not have, or a value that is not JSON, is a
    ValueError that names it and the settings there are: a typo would otherwise surface as a
    validation traceback from the first fold's fit, minutes in."""
    out: dict[str, dict[str, object]] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        criterion, _, name = key.partition(".")
        learned = rubric.criteria[criterion].learned if criterion in LEARNED and criterion in rubric.criteria else None
        if learned is None:
            raise ValueError(f"--set {pair}: no learned criterion {criterion!r}; use one of {', '.join(LEARNED)}")
        if name not in type(learned).model_fields:
            raise ValueError(f"--set {pair}: {criterion} has no learned setting {name!r}; "
                             f"its settings: {', '.join(type(learned).model_fields)}")
        try:
            out.setdefault(criterion, {})[name] = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"--set {pair}: the value {value!r} is not JSON (a number, true/false, a list or a quoted string)") from None
    return out


def rubric_fitted_to(rubric, examples: Path | None, changes: dict[str, dict[str, object]]):
    """``rubric`` with its learned models fitted to ``examples`` (None: no models, rules only)."""
    criteria = {}
    for name in LEARNED:
        criterion = rubric.criteria[name]
        learned = None
        if examples is not None and criterion.learned is not None:
            settings = {**criterion.learned.model_dump(), "examples": [str(examples)], **changes.get(name, {})}
            learned = type(criterion.learned).model_validate(settings)
        criteria[name] = criterion.model_copy(update={"learned": learned})
    return rubric.model_copy(update={"criteria": {**rubric.criteria, **criteria}})


def fold_scorers(rubric, rows: list[dict], folds: int, tmp: Path, fraction: float = 1.0,
                 changes: dict[str, dict[str, object]] | None = None, rules: bool = False, run: int = 0):
    """Each fold's replies, with a scorer whose models were fitted to the other folds' replies only
    (``fraction`` of their categories; ``rules``: no models at all)."""
    from roleplay.rubric.scorer import Scorer

    dealt = folds_of(rows, folds, run)
    for i, held_out in enumerate(dealt):
        train = tmp / f"train{i}.jsonl"
        training = share_of([r for f in dealt if f is not held_out for r in f], fraction)
        train.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in training), encoding="utf-8")
        yield held_out, Scorer(rubric_fitted_to(rubric, None if rules else train, changes or {}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--by-writer", type=int, default=0, metavar="N",
                        help="deal categories N at a time in corpus order, so a writer's categories share a fold")
    parser.add_argument("--set", action="append", default=[], metavar="CRITERION.SETTING=VALUE")
    parser.add_argument("--rules", action="store_true", help="the rules alone, no learned model")
    parser.add_argument("--train-fraction", type=float, default=1.0, metavar="SHARE",
                        help="fit the models to this share of the training categories (a learning curve)")
    parser.add_argument("--disagreements", type=Path, metavar="FILE",
                        help="write every fold's disagreements to FILE, one JSON object per line")
    parser.add_argument("--newest", type=int, default=0, metavar="N",
                        help="also show the figures of the N categories the corpus names last (the newest batches)")
    parser.add_argument("--save", type=Path, metavar="FILE",
                        help="keep each category's counts in FILE, for --against on a later run")
    parser.add_argument("--against", type=Path, metavar="FILE",
                        help="also show how far each F1 moved from a run kept with --save, and whether by more than chance")
    parser.add_argument("--wordings", type=int, default=0, metavar="N",
                        help="also list the N wordings the labels most often do not share, over all folds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ROLEPLAY_CACHE_DIR"] = tmp  # fold models are not worth keeping
        from roleplay.commands.evaluate import TITLES, wording_lines
        from roleplay.content.library import load_library
        from roleplay.evaluate import evaluate, pool_wordings, split_wordings
        from roleplay.text.width import pad

        library = load_library(env="")
        rubric = library.rubric("default")
        try:
            changes = settings(args.set, rubric)
        except ValueError as error:
            parser.error(str(error))
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        newest = newest_categories(rows, args.newest)
        pooled = pooled_newest = None
        clusters: dict[str, dict[str, list[int]]] = {}
        disagreements: list[dict] = []
        wordings: dict = {}
        scorers = fold_scorers(rubric, rows, args.folds, Path(tmp), args.train_fraction, changes, args.rules,
                               args.by_writer)
        for held_out, scorer in scorers:
            evaluation = evaluate(_jsonl(held_out), library, scorer=scorer)
            disagreements += evaluation.disagreements
            pooled = _pooled(pooled, evaluation.tallies)
            pool_wordings(wordings, evaluation.wordings)
            for name, counts in evaluation.clusters.items():  # a category is in one fold only
                clusters.setdefault(name, {}).update(counts)
            if newest and (part := [r for r in held_out if r["category"] in newest]):
                pooled_newest = _pooled(pooled_newest, evaluate(_jsonl(part), library, scorer=scorer).tallies)
    if args.disagreements:
        args.disagreements.write_text(_jsonl(disagreements), encoding="utf-8")
    print(f"{len(rows)} development replies, {len({r['category'] for r in rows})} categories, {args.folds} folds"
          f" ({'rules only' if args.rules else 'models fitted without the fold'}"
          f"{f', to {args.train_fraction:.0%} of the other categories' if args.train_fraction < 1 else ''}"
          f"{f', categories dealt {args.by_writer} at a time in corpus order' if args.by_writer else ''})"
          f"{' ' + ' '.join(args.set) if args.set else ''}")
    _table(pooled, TITLES, pad, clusters)
    if args.save:
        args.save.write_text(json.dumps({"set": args.set, "clusters": clusters}, ensure_ascii=False), encoding="utf-8")
    if args.against:
        _moved(json.loads(args.against.read_text(encoding="utf-8")), clusters, TITLES, pad)
    if args.wordings:
        print("", *wording_lines(split_wordings(wordings)[: args.wordings]), sep="\n")
    if pooled_newest is not None:
        count = sum(1 for row in rows if row["category"] in newest)
        print(f"\nthe newest {len(newest)} categories ({count} replies; rules read from them, if any, flatter these too)")
        _table(pooled_newest, TITLES, pad)


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _pooled(pooled: dict | None, tallies: dict) -> dict:
    """``tallies`` added into ``pooled`` (the first fold's tallies start it)."""
    if pooled is None:
        return tallies
    for name, tally in tallies.items():
        for count in ("tp", "fp", "fn", "agree", "replies"):
            setattr(pooled[name], count, getattr(pooled[name], count) + getattr(tally, count))
    return pooled


def _table(pooled: dict, titles: dict, pad, clusters: dict | None = None) -> None:
    """Precision, recall and F1 per criterion; with ``clusters`` (each category's counts), the F1's
    95 % interval over categories too."""
    from roleplay.evaluate import f1_interval

    print(pad("criterion", 22) + "precision  recall  F1" + ("      F1 95%" if clusters else ""))
    for name, tally in pooled.items():
        interval = f1_interval(list(clusters[name].values())) if clusters else None
        print(pad(titles[name], 22) + "".join(pad(f"{v:.3f}", 8) for v in (tally.precision, tally.recall, tally.f1))
              + (f"{interval[0]:.3f}–{interval[1]:.3f}" if interval else ""))


def _moved(before: dict, clusters: dict, titles: dict, pad) -> None:
    """Each criterion's F1 against a kept run's, with the difference's 95 % interval (the same
    categories drawn for both): a gain whose interval holds 0 may be chance."""
    from roleplay.evaluate import difference_interval

    print(f"\nagainst {' '.join(before['set']) or 'the rubric as it is'}: F1 moved by (95 % interval, paired over categories)")
    for name, counts in clusters.items():
        moved = difference_interval(before["clusters"].get(name, {}), counts)
        if moved is not None:
            difference, (low, high) = moved
            if low == high == difference == 0:
                verdict = "the same"
            else:
                verdict = "more than chance" if low > 0 or high < 0 else "within chance"
            print(pad(titles[name], 22) + f"{difference:+.4f}  ({low:+.4f} to {high:+.4f}, {verdict})")


if __name__ == "__main__":
    main()
