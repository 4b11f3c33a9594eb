"""Records on a PostgreSQL server: the URL (never its password in a message), the translated schema,
a server that cannot be reached (one line for every command), and one that goes away during a
practice session (the turns wait and are written when it is back, or kept in the local file).

The tests taking ``pg_db`` need a server (``ROLEPLAY_TEST_PG``, see conftest.py); those pointing at
a closed port need only psycopg.
"""

from __future__ import annotations

import io
import os
import socket
import sys

import pytest
from records_helpers import SKILLED, Relay

from roleplay.cli import main
from roleplay.commands.records import db_location
from roleplay.engine.session import Session
from roleplay.plain import PlainPlayer
from roleplay.records import RecordError, Store
from roleplay.records.backend import masked
from roleplay.records.errors import RecordDeferred, RecordKeptLocally
from roleplay.records.schema import VERSION

SECRET = "s3cr%40t"  # percent-encoded in the URL: "s3cr@t" is what a driver would see


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_url() -> str:
    return f"postgresql://trainer:{SECRET}@127.0.0.1:{closed_port()}/records"


def new_session(library) -> Session:
    scenario = library.scenario("air_fryer_fab")
    return Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=1)


# -- the URL -------------------------------------------------------------------------------------


def test_a_url_is_shown_without_its_password():
    assert masked("postgresql://trainer:s3cr%40t@db.example:5432/records?sslmode=require") == (
        "postgresql://trainer:***@db.example:5432/records?sslmode=require"
    )
    assert masked("postgres://db.example/records?password=s3cret&user=x") == "postgres://db.example/records?password=***&user=x"
    assert masked("postgresql://trainer@db.example/records") == "postgresql://trainer@db.example/records"


def test_db_option_keeps_a_url_and_reads_anything_else_as_a_file(tmp_path):
    url = "postgresql://trainer@db.example//records"
    assert db_location(url) == url  # a Path would fold the //
    assert db_location("postgres://db.example/records") == "postgres://db.example/records"
    assert db_location(str(tmp_path / "records.db")) == tmp_path / "records.db"


def test_the_room_hands_a_url_to_its_tabs_as_it_is(monkeypatch, capsys):
    import textual_serve.server

    class Room:  # textual-serve's server, not started
        def __init__(self, command: str, **options) -> None:
            self.public_url = "http://127.0.0.1:8000"

        def serve(self) -> None:
            pass

    monkeypatch.setattr(textual_serve.server, "Server", Room)
    monkeypatch.setenv("ROLEPLAY_DB", "")  # restored after the test: serve sets it for its tabs
    url = "postgresql://peixun@db.example.com//roleplay"
    assert main(["serve", "--db", url]) == 0
    assert os.environ["ROLEPLAY_DB"] == url


def test_without_psycopg_a_url_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
    assert main(["history", "--db", unreachable_url()]) == 1
    err = capsys.readouterr().err
    assert "pip install 'roleplay[postgres]'" in err and err.count("\n") == 1
    assert "***" in err and "s3cr" not in err


# -- a server that cannot be reached ---------------------------------------------------------------


@pytest.fixture
def unreachable(monkeypatch) -> str:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[postgres]')")
    url = unreachable_url()
    monkeypatch.setenv("ROLEPLAY_DB", url)
    return url


@pytest.mark.parametrize(
    "command",
    [
        ["history"],
        ["progress"],
        ["report", "1"],
        ["review", "1"],
        ["review", "1", "--turn", "1", "--criterion", "fab", "--score", "80", "--reason", "好"],
        ["rescore"],
        ["export", "-o", "{tmp}/成绩.csv"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_every_records_command_says_an_unreachable_server_in_one_line(unreachable, command, tmp_path, capsys):
    assert main([part.replace("{tmp}", str(tmp_path)) for part in command]) == 1
    err = capsys.readouterr().err
    assert err.startswith("roleplay: 无法连接记录数据库 postgresql://trainer:***@127.0.0.1:") and err.count("\n") == 1
    assert "s3cr" not in err and "Traceback" not in err
    assert not (tmp_path / "成绩.csv").exists()


def test_grade_save_says_an_unreachable_server_in_one_line(unreachable, tmp_path, capsys):
    path = tmp_path / "logs.jsonl"
    path.write_text('{"id": 1, "turns": [{"role": "agent", "text": "您好", "at": 0}]}\n', encoding="utf-8")
    assert main(["grade", str(path), "--save"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("roleplay: 无法连接记录数据库 postgresql://trainer:***@") and err.count("\n") == 1
    assert "s3cr" not in err


def test_play_against_an_unreachable_server_warns_once_and_practice_goes_on(unreachable, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(SKILLED) + "\n"))
    assert main(["play", "--plain", "--scenario", "air_fryer_fab"]) == 0
    captured = capsys.readouterr()
    assert "结果：成交" in captured.out
    assert captured.err.count("\n") == 1 and "无法连接记录数据库" in captured.err and "练习照常进行" in captured.err
    assert "s3cr" not in captured.err


# -- the schema on PostgreSQL ------------------------------------------------------------------------


def test_the_schema_is_translated_for_postgresql(pg_db):
    with Store.open() as store:
        columns = {
            (row["table_name"], row["column_name"]): (row["data_type"], row["is_identity"])
            for row in store.db.execute(
                "SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            ).fetchall()
        }
        assert store.db.version() == VERSION
        assert store.db.execute("SELECT count(*) AS n FROM roleplay_schema").fetchone()["n"] == 1
    assert columns["sessions", "id"] == ("bigint", "YES")
    assert columns["reviews", "id"] == columns["score_history", "id"] == ("bigint", "YES")
    assert columns["sessions", "seed"] == ("bigint", "NO")  # seeds span SQLite's 64 bits
    assert columns["sessions", "total"] == columns["turns", "latency_s"] == ("double precision", "NO")
    assert columns["sessions", "started_at"] == ("text", "NO")


def test_a_largest_seed_and_an_exact_score_come_back_as_written(pg_db, library):
    scenario = library.scenario("air_fryer_fab")
    session = Session(scenario, library.persona(scenario.persona), library.rubric(scenario.rubric), seed=2**63 - 1)
    with Store.open() as store:
        recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
        recorder.customer(session.start())
        turn = session.reply(SKILLED[0], 6.123456789)
        recorder.turn(turn)
        stored = store.session(recorder.id)
    assert stored.seed == 2**63 - 1 and stored.turns[0].latency_s == 6.123456789  # a double, not a float4


# -- a server that goes away during a session -------------------------------------------------------


@pytest.fixture
def relay(pg_db, pg_server) -> Relay:
    relay = Relay(pg_server)
    yield relay
    relay.close()


def play(session: Session, recorder, replies: list[str], events: dict[int, callable]) -> str:
    """Play ``replies`` in line mode; ``events[n]`` runs before reply ``n`` is read. Returns stderr."""
    lines = iter(replies)
    asked = iter(range(len(replies) + 1))

    def read_line(_prompt: str) -> str | None:
        number = next(asked)
        if number in events:
            events[number]()
        return next(lines, None)

    err = io.StringIO()
    player = PlainPlayer(session, io.StringIO(), read_line, timed=False, default_latency=8, colour=False,
                         recorder=recorder, err=err)  # fmt: skip
    assert player.run() == 0
    return err.getvalue()


def test_turns_sent_while_the_server_is_away_are_written_when_it_is_back(relay, pg_db, library):
    session = new_session(library)
    with Store.open(relay.in_schema(pg_db)) as store:
        recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
        # away after the first reply, back before the third
        err = play(session, recorder, SKILLED, {1: relay.cut, 2: relay.restore})
    assert err.count("\n") == 1  # told once, when it went away
    assert "记录数据库" in err and "先保留在程序里，服务器恢复后自动写入，练习照常进行" in err
    with Store.open(pg_db) as store:
        [stored] = store.sessions()
    assert [t.text for t in stored.turns] == SKILLED and stored.finished and stored.outcome == "converted"


def test_a_session_started_while_the_server_is_away_is_written_whole_when_it_is_back(relay, pg_db, library):
    session = new_session(library)
    with Store.open(relay.in_schema(pg_db)) as store:
        relay.cut()
        recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
        assert recorder.id is None  # its row waits too
        opening = session.start()
        with pytest.raises(RecordDeferred):
            recorder.customer(opening)
        recorder.turn(session.reply(SKILLED[0], 5))  # still away: waits without a word
        relay.restore()
        recorder.turn(session.reply(SKILLED[1], 5))
        assert recorder.id is not None
    with Store.open(pg_db) as store:
        stored = store.session(recorder.id)
    assert [t.text for t in stored.turns] == SKILLED[:2] and stored.opening == opening


def test_a_dropped_connection_with_the_server_up_is_not_even_mentioned(relay, pg_db, library):
    """A server restart between two replies: the next write connects again by itself."""
    session = new_session(library)
    with Store.open(relay.in_schema(pg_db)) as store:
        recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
        err = play(session, recorder, SKILLED, {2: lambda: (relay.cut(), relay.restore())})
    assert err == ""
    with Store.open(pg_db) as store:
        [stored] = store.sessions()
    assert [t.text for t in stored.turns] == SKILLED and stored.finished


def test_a_server_still_away_at_the_end_gets_the_session_kept_in_the_local_file(relay, pg_db, library, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the local records: never the user's
    local = tmp_path / "data" / "roleplay" / "roleplay.db"
    session = new_session(library)
    with Store.open(relay.in_schema(pg_db)) as store:
        recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
        err = play(session, recorder, SKILLED, {1: relay.cut})
    first, last = err.splitlines()
    assert "先保留在程序里" in first
    assert f"仍然连不上：本次练习已完整保存在本机 {local}，编号 1（查看：roleplay report 1 --db {local}）" in last
    assert f"服务器上的这场记录（#{recorder.id}）停在中途" in last and "s3cr" not in err
    with Store.open(local) as kept:
        [whole] = kept.sessions()
    assert [t.text for t in whole.turns] == SKILLED and whole.finished and whole.outcome == "converted"
    with Store.open(pg_db) as server:
        [partial] = server.sessions()
    assert [t.text for t in partial.turns] == SKILLED[:1] and not partial.finished
    assert (whole.trainee, whole.opening) == ("小李", partial.opening) and whole.opening


def test_when_the_local_file_cannot_be_written_either_the_message_says_nothing_was_kept(relay, pg_db, library, tmp_path, monkeypatch):
    (tmp_path / "data").write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    session = new_session(library)
    with Store.open(relay.in_schema(pg_db)) as store:
        recorder = store.start_session(session, trainee="小李", mode="practice", source="plain")
        recorder.customer(session.start())
        relay.cut()
        with pytest.raises(RecordDeferred):
            recorder.turn(session.reply(SKILLED[0], 5))
        with pytest.raises(RecordError, match="本机也无法保存.*本次练习没有记录") as caught:
            recorder.finish(session.report())
    assert not isinstance(caught.value, RecordKeptLocally)


async def test_the_app_tells_the_trainee_and_writes_the_waiting_replies_when_the_server_is_back(relay, pg_db, tmp_path):
    from tui_helpers import FakeClock, make_app, reply, start_scenario

    clock = FakeClock()
    app = make_app(tmp_path, clock, db=relay.in_schema(pg_db))
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab", trainee="断线测试")
        await reply(pilot, clock, SKILLED[0], 6)
        relay.cut()
        await reply(pilot, clock, SKILLED[1], 8)
        told = [n.message for n in app._notifications]
        relay.restore()
        await reply(pilot, clock, SKILLED[2], 10)
        view = app.screen.report
    assert len(told) == 1 and "先保留在程序里，服务器恢复后自动写入" in told[0]
    with Store.open(pg_db) as store:
        [stored] = store.sessions()
    assert [t.text for t in stored.turns] == SKILLED and stored.finished and stored.source == "tui"
    assert view.record_id == stored.id  # the report was read back from the server
