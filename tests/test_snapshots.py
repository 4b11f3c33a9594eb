"""Snapshots of home, chat and report at a fixed size, clocks and cursor blink frozen.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update` and
look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from tui_helpers import FakeClock, make_app, reply, settle, start_scenario

SIZE = (110, 34)
REPLIES = [
    ("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。", 6),
    ("容量是5L，一家三四口完全够用。", 12),
]


def test_home(snap_compare, tmp_path):
    async def loaded(pilot):
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=loaded)


def test_chat_with_feedback(snap_compare, tmp_path):
    clock = FakeClock()

    async def chatting(pilot):
        await start_scenario(pilot, "air_fryer_fab")
        await reply(pilot, clock, *REPLIES[0])
        await reply(pilot, clock, *REPLIES[1])
        clock.advance(23)
        pilot.app.screen._tick()  # the timer shows 23 s: slow, in the warning colour
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, clock), terminal_size=SIZE, run_before=chatting)


def test_report(snap_compare, tmp_path):
    clock = FakeClock()

    async def finished(pilot):
        await start_scenario(pilot, "air_fryer_fab")
        for text, seconds in REPLIES:
            await reply(pilot, clock, text, seconds)
        await reply(pilot, clock, "付款后48小时内发货，今天下单还送硅胶垫，您直接拍下我帮您备注优先发货。", 9)

    assert snap_compare(make_app(tmp_path, clock), terminal_size=SIZE, run_before=finished)


def test_chat_small_terminal(snap_compare, tmp_path):
    clock = FakeClock()

    async def chatting(pilot):
        await start_scenario(pilot, "air_fryer_fab")
        await reply(pilot, clock, *REPLIES[0])

    assert snap_compare(make_app(tmp_path, clock), terminal_size=(80, 24), run_before=chatting)


def test_chat_multiline_draft_at_100x30(snap_compare, tmp_path):
    """The quick-reply bar over the reply box, and a box grown to show a three-line draft."""
    clock = FakeClock()

    async def drafting(pilot):
        await start_scenario(pilot, "air_fryer_fab")
        await reply(pilot, clock, *REPLIES[0])
        await pilot.click("#reply")
        for line in ("容量是5L，一次能烤一整只鸡。", "不用分两锅做，", "您一家三四口一餐的量完全够用。"):
            pilot.app.focused.insert_text_at_cursor(line)
            await pilot.press("ctrl+j")
        await pilot.press("backspace")  # no empty fourth line
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, clock), terminal_size=(100, 30), run_before=drafting)
