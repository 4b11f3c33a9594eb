"""Records commands: `history`, `progress`, `report`, `review`, `rescore`, `export`, and the recording used by
`play` and `grade --save`.

As in the other command modules, the database and export code is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

from roleplay.export import FORMATS

if TYPE_CHECKING:
    from roleplay.engine.session import Session
    from roleplay.export.sheet import ScoreSheet
    from roleplay.records.store import SessionRecorder

P = ParamSpec("P")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=db_location, metavar="PATH|URL",
        help="records database: an SQLite file or a postgresql:// URL (default: $ROLEPLAY_DB, else the user data folder)",
    )  # fmt: skip


def db_location(text: str) -> Path | str:
    """``--db``: a PostgreSQL URL kept as it is (a Path would fold its ``//``), else a file path."""
    from roleplay.records.backend import location

    return location(text)


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trainee", metavar="NAME", help="only this trainee")
    parser.add_argument("--cohort", metavar="NAME", help="only this cohort (班组)")
    parser.add_argument("--scenario", metavar="ID", help="only this scenario")


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    history = commands.add_parser("history", parents=[common], help="list recorded sessions")
    add_filters(history)
    add_db_option(history)
    history.set_defaults(handler=cmd_history)

    progress = commands.add_parser(
        "progress", parents=[common], help="each trainee's first, best and latest scores, and what to coach next"
    )
    add_selection(progress)
    progress.add_argument("--by", choices=["name", "score"], default="name", help="order: pinyin of the name, or latest total")
    add_db_option(progress)
    progress.set_defaults(handler=cmd_progress)

    report = commands.add_parser("report", parents=[common], help="show the report of a recorded session")
    report.add_argument("session_id", metavar="SESSION_ID", help="the number shown by `roleplay history`")
    add_db_option(report)
    report.set_defaults(handler=cmd_report)

    review = commands.add_parser(
        "review", parents=[common], help="an instructor's score for one criterion of one reply, with the reason"
    )
    review.add_argument("session_id", metavar="SESSION_ID", help="the number shown by `roleplay history`")
    review.add_argument("--turn", type=int, metavar="N", help="the reply, numbered as in `roleplay report` (1, 2, …)")
    review.add_argument("--criterion", metavar="ID", help="the criterion's id in the rubric (fab, forbidden, closing…)")
    review.add_argument("--score", type=float, metavar="0-100", help="the score the reply deserves")
    review.add_argument("--reason", metavar="TEXT", help="why: shown to the trainee and other instructors")
    review.add_argument("--by", metavar="NAME", help="who reviews (default: your login name)")
    add_db_option(review)
    review.set_defaults(handler=cmd_review)

    rescore = commands.add_parser(
        "rescore", parents=[common], help="score stored sessions again by the rubric as it is now, keeping the old scores"
    )
    add_selection(rescore)
    rescore.add_argument("--rubric", metavar="ID", help="score by this rubric (default: each session's own, as it is now)")
    rescore.add_argument("--dry-run", action="store_true", help="show the new scores, store nothing")
    add_db_option(rescore)
    rescore.set_defaults(handler=cmd_rescore)

    export = commands.add_parser("export", parents=[common], help="export score sheets for instructors")
    export.add_argument("--format", choices=FORMATS, help="file format (default: from the -o file's extension)")
    add_selection(export)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="file to write")
    export.add_argument(
        "--turns", action="store_true",
        help="also every reply with its scores and findings (csv: NAME.turns.csv; json: turns; xlsx always has them)",
    )
    add_db_option(export)
    export.set_defaults(handler=cmd_export)


def records_errors(handler: Callable[P, int]) -> Callable[P, int]:
    """A database that cannot be opened or read is a one-line error (exit 1), not a traceback."""

    @functools.wraps(handler)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> int:
        from roleplay.records.store import RecordError

        try:
            return handler(*args, **kwargs)
        except RecordError as exc:
            print(f"roleplay: {exc}", file=sys.stderr)
            return 1

    return guarded


def records_path(args: argparse.Namespace) -> Path | str:
    """The records database a command uses: ``--db``, else ``ROLEPLAY_DB``, else the user data folder
    (a file path, or a PostgreSQL URL)."""
    from roleplay.records.store import default_db_path

    return args.db or default_db_path()


#: SQLite keeps a database in its file plus these companions (write-ahead log, shared memory).
DB_COMPANIONS = ("", "-wal", "-shm", "-journal")


def is_database_file(path: Path, db: Path | str) -> bool:
    """Whether writing ``path`` would overwrite the records database or one of its companion files
    (a database on a server, named by a URL, has none here)."""
    if not isinstance(db, Path):
        return False
    return any(same_file(path, db.with_name(db.name + suffix)) for suffix in DB_COMPANIONS)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through symlinks, ``..`` or a hard link)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


# -- recording for `play` and `grade --save` -----------------------------------------------------


@contextmanager
def recording(args: argparse.Namespace, session: Session) -> Iterator[SessionRecorder | None]:
    """The recorder of a line-mode session; None, after one warning, when the records are unusable."""
    from roleplay.records.store import RecordError, Store

    try:
        store = Store.open(args.db)
    except RecordError as exc:
        print(exc.warning(), file=sys.stderr)
        yield None
        return
    with store:
        try:
            recorder = store.start_session(
                session, trainee=args.trainee, mode="practice", source="plain", cohort=args.cohort
            )
        except RecordError as exc:
            print(exc.warning(), file=sys.stderr)
            recorder = None
        yield recorder


@records_errors
# -- history, report, export ---------------------------------------------------------------------


@records_errors
def cmd_history(args: argparse.Namespace) -> int:
    from roleplay.records.store import Store
    from roleplay.render import UNNAMED
    from roleplay.text.safe import shown
    from roleplay.text.width import pad

    with Store.open_for_reading(args.db) as store:
        sessions = store.sessions(args.trainee, args.cohort, args.scenario, with_turns=False)
    if not sessions:
        print(f"没有符合条件的练习记录（{describe_filters(args)}）。")
        return 0
    widths = (6, 18, 12, 10, 26, 10, 16, 8, 6)
    headers = ("编号", "时间", "学员", "班组", "场景", "模式", "结果", "总分", "通过")
    print("".join(pad(h, w) for h, w in zip(headers, widths)).rstrip())
    for s in sessions:
        cells = (
            str(s.id),
            s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            s.trainee or UNNAMED,
            s.cohort or "—",
            s.scenario_title or s.scenario_id or "—",
            s.mode_label,
            s.outcome_label,
            "—" if s.total is None else f"{s.total:.1f}",
            "通过" if s.passed else "未通过",
        )
        # a cell is one line whatever a name holds: a line break in it cannot forge a row
        print("".join(pad(shown(c), w) for c, w in zip(cells, widths)).rstrip())
    print(f"共 {len(sessions)} 条；用 roleplay report 编号 查看报告")
    return 0


@records_errors
def cmd_progress(args: argparse.Namespace) -> int:
    from roleplay.content.library import load_library
    from roleplay.export.coaching import losses
    from roleplay.export.progress import progress
    from roleplay.records.store import Store
    from roleplay.text.safe import shown
    from roleplay.text.width import pad

    period = read_period(args)
    if period is None:
        return 2
    with Store.open_for_reading(args.db) as store:
        sessions = store.sessions(args.trainee, args.cohort, args.scenario, *period)
    if not sessions:
        print(f"没有符合条件的练习记录（{describe_filters(args)}）。")
        return 0
    library = load_library(args.content)

    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    for p in progress(sessions, library.rubrics, library.scenarios, by_score=args.by == "score"):
        conversion = "—" if p.conversion_rate is None else f"{p.conversion_rate:.0%}"
        cohort = f"（{shown(p.cohort)}）" if p.cohort else ""
        print(f"{shown(p.trainee)}{cohort} · {p.sessions} 场 · 通过率 {p.pass_rate:.0%} · 模拟询单转化率 {conversion}"
              f" · 平均首次响应 {figure(p.first_response_s)} 秒")  # fmt: skip
        print("  " + pad("", 12) + "".join(pad(h, 8) for h in ("首次", "最好", "最近")).rstrip())
        for course in (p.total, *p.criteria):
            row = "".join(pad(figure(v), 8) for v in (course.first, course.best, course.latest))
            print("  " + pad(course.label, 12) + row.rstrip())
        if p.focus:
            print("  优先辅导：")
        for f in p.focus:
            assign = f" → 建议练「{f.scenario}」" if f.scenario else ""
            example = f"；例：{shown(f.example)}" if f.example else ""
            print(f"  · {f.label} {f.average:.0f}{assign}{example}")
        print()
    points = losses(sessions)
    if points:
        print(f"流失环节（{sum(p.lost for p in points)} 场流失）：")
    for point in points:
        why = "，".join(f"{reason} {n}" for reason, n in point.reasons)
        print(f"  · {shown(point.scenario)} · {shown(point.step)}：{point.lost} 场（{why}）")
    return 0


@records_errors
def cmd_report(args: argparse.Namespace) -> int:
    from roleplay.content.library import load_library
    from roleplay.records.store import Store
    from roleplay.render import stored_report_lines, use_colour

    with Store.open_for_reading(args.db) as store:
        stored = store.session(args.session_id)
    rubric = load_library(args.content).rubrics.get(stored.rubric_id)
    for line in stored_report_lines(stored, rubric, use_colour()):
        print(line)
    return 0


@records_errors
def cmd_review(args: argparse.Namespace) -> int:
    """With --turn, --criterion, --score and --reason: keep the review; with none: list the session's."""
    from roleplay.content.library import load_library
    from roleplay.records.model import login_name
    from roleplay.records.store import Store
    from roleplay.render import review_note, rubric_labels

    given = [args.turn is not None, args.criterion is not None, args.score is not None, args.reason is not None]
    if any(given) and not all(given):
        print("roleplay: --turn、--criterion、--score 和 --reason 要一起给出（只给记录编号则列出已有复核）", file=sys.stderr)
        return 2
    opener = Store.open if all(given) else Store.open_for_reading
    with opener(args.db) as store:
        if all(given):
            store.add_review(args.session_id, args.turn, args.criterion, args.score, args.reason, args.by or login_name())
        stored = store.session(args.session_id)
    labels = rubric_labels(load_library(args.content).rubrics.get(stored.rubric_id), stored.criteria).criteria
    notes = [
        review_note(turn, r, labels.get(r.criterion, r.criterion), numbered=True) for turn in stored.turns for r in turn.reviews
    ]
    if all(given):
        print(f"已记录复核：记录 #{stored.id} {notes[-1]}")
    else:
        print("\n".join(f"记录 #{stored.id} {note}" for note in notes) or f"记录 #{stored.id} 还没有复核")
    return 0


@records_errors
def cmd_rescore(args: argparse.Namespace) -> int:
    """Each selected session whose rubric has changed since it was scored, scored again; the old
    scores stay in its history (shown on the report and the sheets)."""
    from roleplay.content.library import load_library
    from roleplay.records.model import rubric_label
    from roleplay.records.store import Store
    from roleplay.rescore import rescored
    from roleplay.rubric.fingerprint import fingerprint

    period = read_period(args)
    if period is None:
        return 2
    since, until = period
    library = load_library(args.content)
    if args.rubric and args.rubric not in library.rubrics:
        print(f"roleplay: 没有评分标准 {args.rubric!r}；已有：{'、'.join(sorted(library.rubrics))}", file=sys.stderr)
        return 2
    done = current = missing = 0
    with (Store.open_for_reading if args.dry_run else Store.open)(args.db) as store:
        for stored in store.sessions(args.trainee, args.cohort, args.scenario, since, until):
            rubric = library.rubrics.get(args.rubric or stored.rubric_id)
            if rubric is None:
                missing += 1
                continue
            if stored.rubric_hash == fingerprint(rubric):
                current += 1
                continue
            scenario = library.scenarios.get(stored.scenario_id)
            product = library.products.get(stored.product_id) or (scenario.product if scenario else None)
            score, turns = rescored(stored, rubric, scenario, product)
            if not args.dry_run:
                store.rescore(stored, score, turns, rubric)
            done += 1
            old = "—" if stored.total is None else f"{stored.total:.1f}"
            new = rubric_label(rubric.id, rubric.version, fingerprint(rubric))
            print(f"记录 #{stored.id}：{old}（{stored.rubric_label}）→ {score['score']:.1f}（{new}）")
    verb = "将重评" if args.dry_run else "已重评"
    skipped = f"；{current} 场已是当前评分标准" if current else ""
    gone = f"；{missing} 场的评分标准已不存在（用 --rubric 指定）" if missing else ""
    print(f"{verb} {done} 场{skipped}{gone}" + ("（预演，未写入）" if args.dry_run else "；原分数保留在记录里"))
    return 0


@records_errors
def cmd_export(args: argparse.Namespace) -> int:
    from roleplay.content.library import load_library
    from roleplay.export.sheet import build_sheet
    from roleplay.records.store import Store

    if not args.output.name or args.output.is_dir():
        print(f"roleplay: -o 需要一个文件名（收到 {str(args.output)!r}），例如 -o 成绩.xlsx", file=sys.stderr)
        return 2
    fmt = args.format or args.output.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        print(f"roleplay: 无法从文件名判断格式，请用 --format 指定（{'、'.join(FORMATS)}）", file=sys.stderr)
        return 2
    period = read_period(args)
    if period is None:
        return 2
    since, until = period
    turns = args.turns or fmt in ("xlsx", "html")  # the workbook's sheet of replies, the page's drill-down
    with Store.open_for_reading(args.db) as store:
        sessions = store.sessions(args.trainee, args.cohort, args.scenario, since, until, with_turns=turns)
    if not sessions:
        print(f"roleplay: 没有符合条件的练习记录（{describe_filters(args)}），未写出文件", file=sys.stderr)
        return 1
    library = load_library(args.content)
    sheet = build_sheet(sessions, library.rubrics, describe_filters(args), turns=turns, scenarios=library.scenarios)
    outputs = writer(fmt)(sheet, args.output)
    for path in outputs:
        if is_database_file(path, store.path):
            message = f"{path} 是记录数据库（{store.path}）的文件，导出会覆盖记录；请换一个文件名"
            print(f"roleplay: {message}", file=sys.stderr)
            return 2
    for path, content in outputs.items():
        try:
            path.write_bytes(content)
        except OSError as exc:
            print(f"roleplay: 无法写入 {path}：{exc.strerror or exc}", file=sys.stderr)
            return 1
    trainees = len(sheet.summary.rows)
    print(f"已导出 {len(sessions)} 场记录（{trainees} 名学员）：{'、'.join(str(p) for p in outputs)}")
    return 0


def writer(fmt: str) -> Callable[[ScoreSheet, Path], dict[Path, bytes]]:
    """The ``files(sheet, path)`` function of the format's writer module, ``roleplay.export.to_<fmt>``."""
    from importlib import import_module

    return import_module(f"roleplay.export.to_{fmt}").files


def add_selection(parser: argparse.ArgumentParser) -> None:
    """Which sessions: a trainee, a cohort, a scenario, a period."""
    add_filters(parser)
    add_period(parser)


def add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="sessions started on or after (YYYY-MM-DD or ISO time)")
    parser.add_argument("--until", metavar="DATE", help="sessions started on or before (YYYY-MM-DD: the whole day)")


def read_period(args: argparse.Namespace) -> tuple[date | datetime | None, date | datetime | None] | None:
    """``--since`` and ``--until`` read and checked; None (after saying why on stderr) when they are wrong."""
    try:
        since, until = parse_when(args.since, "--since"), parse_when(args.until, "--until")
        check_range(since, until)
    except ValueError as exc:
        print(f"roleplay: {exc}", file=sys.stderr)
        return None
    return since, until


def parse_when(text: str | None, flag: str) -> date | datetime | None:
    """``YYYY-MM-DD`` as a whole day, or an ISO-8601 time; ValueError with a one-line message."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{flag} 的日期无效：{text!r}，请用 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM") from None


def check_range(since: date | datetime | None, until: date | datetime | None) -> None:
    """ValueError if ``--since`` comes after ``--until``: the export would silently find nothing."""
    from roleplay.records.store import bound

    start, end = bound(since), bound(until, end=True)
    if start is None or end is None:
        return
    # A whole-day --until ends at the next midnight, exclusive: starting there is already too late.
    if start > end or (start == end and not isinstance(until, datetime)):
        raise ValueError(
            f"--since {since.isoformat()} 晚于 --until {until.isoformat()}：日期范围颠倒了，请交换两者"
        )


def describe_filters(args: argparse.Namespace) -> str:
    """The filters in force, in Chinese, for messages and the score sheet's heading."""
    named = (
        ("学员", args.trainee),
        ("班组", args.cohort),
        ("场景", args.scenario),
        ("起", getattr(args, "since", None)),
        ("止", getattr(args, "until", None)),
    )
    shown = [f"{label}：{value}" for label, value in named if value is not None]
    return "；".join(shown) or "全部记录"
