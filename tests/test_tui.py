"""The trainee UI played as a person would (Textual Pilot): whole sessions, both modes."""

from __future__ import annotations

import pytest
from rich.text import Text
from test_sessions import SKILLED
from textual.widgets import Input, Static
from tui_helpers import FakeClock, end_session, make_app, reply, settle, start_scenario, type_text

from roleplay.content.library import load_library
from roleplay.tui.screens.chat import ChatScreen
from roleplay.tui.screens.help import HelpScreen
from roleplay.tui.screens.home import HomeScreen
from roleplay.tui.screens.report import ReportScreen
from roleplay.tui.widgets.panels import ReplyTimer

AIR_FRYER = [
    ("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，少油也能炸得酥脆，您全家吃得更健康。", 6),
    ("容量是5L，一家三四口一餐的量完全够用。", 8),
    ("付款后48小时内发货，今天下单还送硅胶垫，您直接拍下我帮您备注优先发货。", 10),
]
SKINCARE = [
    ("亲，您好！这款是无香精无酒精配方，温和低刺激，还添加了5%神经酰胺，能修护屏障、减少泛红，让您换季也用得舒服。", 7),
    ("现在活动价169元，直降了70元，还送同款15g小样和运费险，您喜欢可以直接拍下，我帮您备注小样。", 10),
    ("完全理解您的顾虑～您可以先用随单送的15g小样试，正装不拆封7天无理由退换，我们还送了运费险，退回来也不花运费。"
     "订单还没付款，库存为您预留24小时，方便的时候记得完成支付哦～", 15),
]


def texts(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_practice_session_shows_feedback_and_reaches_the_report(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        chat = app.screen
        assert isinstance(chat, ChatScreen) and chat.mode == "practice"
        assert "这个炸锅和普通的有什么区别？" in texts(chat) or "这款炸锅好在哪？" in texts(chat)
        await reply(pilot, clock, *AIR_FRYER[0])
        agent = chat.query(".bubble.agent").last()
        content = agent.content
        assert "本句 100 分" in content.plain and "FAB话术：F/A/B" in content.plain
        # The F/A/B parts are highlighted in the trainee's own words.
        marked = {content.plain[span.start : span.end]: str(span.style) for span in content.spans}
        assert marked["采用360°热风循环技术"] == "bold green" and marked["不用翻面"] == "bold cyan"
        assert marked["全家吃得更健康"] == "bold magenta"
        assert "意向" in str(chat.query_one("#meters").render())
        for text, seconds in AIR_FRYER[1:]:
            await reply(pilot, clock, text, seconds)
        assert isinstance(app.screen, ReportScreen)
        report = app.screen
        assert report.report.outcome == "converted" and report.report.score.passed
        headline = str(report.query_one("#headline").render())
        assert "结果：成交" in headline and "通过" in headline
        assert "参考话术" in texts(report) and "逐句复盘" in texts(report)


async def test_exam_mode_hides_feedback_until_the_report(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "skincare_cart_recall", exam=True)
        chat = app.screen
        assert chat.mode == "exam" and not chat.query("#meters")
        await reply(pilot, clock, *SKINCARE[0])
        assert "本句" not in str(chat.query(".bubble.agent").last().render())
        for text, seconds in SKINCARE[1:]:
            await reply(pilot, clock, text, seconds)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.report.outcome == "converted"
        assert "本句" in texts(app.screen)  # the per-turn review shows feedback at the end


async def test_rude_reply_loses_the_decisive_customer(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        await reply(pilot, clock, "爱买不买", 5)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.report.outcome == "lost"
        headline = str(app.screen.query_one("#headline").render())
        assert "一票否决：出现蔑视语" in headline and "contempt" not in headline  # named in Chinese
        assert "一票否决" in str(app.screen.query_one("#headline").render())


async def test_timer_colour_follows_the_latency_norms(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        timer = app.screen.query_one(ReplyTimer)
        bands = []
        for seconds in (5, 10, 20):  # first reply: 10 s norm, 30 s hard limit
            clock.advance(seconds)
            app.screen._tick()
            await pilot.pause()
            bands.append(next(c for c in ("good", "slow", "too-slow") if timer.has_class(c)))
        assert bands == ["good", "slow", "too-slow"]


async def test_quick_replies_state_the_cards_own_shipping_and_returns(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "earbuds_out_of_stock")
        card = app.screen.scenario.product
        box = app.screen.query_one("#reply")
        await pilot.press("f4")  # 发货
        assert box.value == f"亲，{card.shipping}哦～" and "24小时" in box.value  # this card's, not 48 hours
        box.value = ""
        await pilot.press("f5")  # 退换
        assert card.returns in box.value
        # the bar names every key in reach at 100×30, where the side panel shows the card
        bar = str(app.screen.query_one("#quick").render())
        assert all(f"F{n}" in bar for n in range(2, 9)) and app.screen.query_one("#quick").region.height >= 1


async def test_quick_reply_keys_insert_phrases(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        await pilot.press("f2")
        assert app.screen.query_one("#reply").value == app.quick_replies[0].text
        assert "F2" in str(app.screen.query_one("#quick").render())


async def test_name_is_remembered_between_runs(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab", trainee="王小丫")
    again = make_app(tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.screen.query_one("#trainee", Input).value == "王小丫"


async def test_help_screen_and_going_home_from_the_report(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen) and "快捷短语" in texts(app.screen)
        # the keys the loaded quick replies fill (the shipped set: seven, F2–F8), not every key there is
        count = len(app.quick_replies)
        assert count == 7 and f"F2–F{count + 1}" in texts(app.screen) and "F9" not in texts(app.screen)
        await pilot.press("escape")
        await start_scenario(pilot, "air_fryer_fab")
        assert "F2–F8 插入快捷短语" in app.screen.query_one("#reply").placeholder
        await end_session(pilot)  # end early
        assert isinstance(app.screen, ReportScreen) and app.screen.report.outcome is None
        seed = app.screen.report.seed
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ChatScreen) and app.screen.session.seed == seed
        await end_session(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_small_terminal_hides_the_card_until_asked(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        side = app.screen.query_one("#side")
        assert not side.display
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert side.display and "小熊空气炸锅5L" in str(app.screen.query_one("#card").render())


async def test_the_first_screen_does_not_wait_for_content(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await settle(pilot)
        status = app.screen.query_one("#status", Static).render()
        assert f"题库已就绪：{len(load_library(env='').scenarios)} 个场景" in str(status if not isinstance(status, Text) else status.plain)


async def test_play_options_open_the_named_scenario_with_its_seed_trainee_cohort_and_db(tmp_path):
    """`roleplay play --scenario ID --seed N --trainee NAME --cohort C --db PATH` on a terminal."""
    from roleplay.records.store import Store

    clock = FakeClock()
    options = dict(scenario="earbuds_out_of_stock", seed=7, trainee="命令行学员", cohort="三班", db=tmp_path / "c.db")
    app = make_app(tmp_path, clock, **options)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        chat = app.screen
        assert isinstance(chat, ChatScreen) and chat.scenario.id == "earbuds_out_of_stock"
        assert chat.trainee == "命令行学员" and chat.session.seed == 7
        await reply(pilot, clock, "亲，您好！T3白色暂时没货，T5月光白有现货，您要看看吗？", 5)
        await end_session(pilot)
        await pilot.press("h")  # back home: the scenario is not forced open again
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    with Store.open(tmp_path / "c.db") as store:
        (stored,) = store.sessions(cohort="三班")
    assert stored.trainee == "命令行学员" and stored.scenario_id == "earbuds_out_of_stock" and stored.seed == 7


async def test_an_unknown_scenario_on_the_command_line_is_said_on_the_home_screen(tmp_path):
    app = make_app(tmp_path, scenario="nope", trainee="小李")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "没有 ID 为 nope 的场景" in str(app.screen.query_one("#status").render())


async def test_sessions_are_recorded_and_the_report_is_read_back(tmp_path):
    from roleplay.records.store import Store

    clock = FakeClock()
    app = make_app(tmp_path, clock, db=tmp_path / "records.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab", trainee="录音测试")
        await reply(pilot, clock, *AIR_FRYER[0])
        with Store.open(tmp_path / "records.db") as store:  # a second connection sees the turn at once
            [live] = store.sessions(trainee="录音测试")
            assert not live.finished and [t.text for t in live.turns] == [AIR_FRYER[0][0]]
        for text, seconds in AIR_FRYER[1:]:
            await reply(pilot, clock, text, seconds)
        view = app.screen.report
        assert view.record_id == live.id and view.outcome == "converted"
    with Store.open(tmp_path / "records.db") as store:
        stored = store.session(live.id)
    assert stored.finished and stored.passed and stored.source == "tui" and stored.mode == "practice"
    assert [t.latency_s for t in stored.turns] == [6, 8, 10]
    assert stored.total == view.score.total


async def test_practice_goes_on_when_the_records_cannot_be_written(tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where a folder should be")
    clock = FakeClock()
    app = make_app(tmp_path, clock, db=blocked / "records.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        assert app.store is None
        for text, seconds in AIR_FRYER:
            await reply(pilot, clock, text, seconds)
        assert app.screen.report.outcome == "converted" and app.screen.report.record_id is None


async def test_history_lists_recorded_sessions_and_opens_their_report(tmp_path):
    from roleplay.tui.screens.history import HistoryScreen

    clock = FakeClock()
    app = make_app(tmp_path, clock, db=tmp_path / "records.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab", trainee="历史")
        await reply(pilot, clock, "爱买不买", 5)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        options = history.query_one("#history")
        assert options.option_count == 1 and "流失" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen) and app.screen.report.outcome == "lost"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert not history.query_one("#history-trend").display  # one session is no trend


async def test_history_shows_the_trainees_own_trend(tmp_path):
    """F5 on the home screen: the trainee's session totals as bars on a 0-100 scale, first, best and latest."""
    from roleplay.tui.screens.history import BARS, HistoryScreen

    from records_helpers import RUDE, SKILLED, Ticker, record

    from roleplay.content.library import load_library
    from roleplay.records.store import Store

    library = load_library(env="")
    with Store.open(tmp_path / "records.db", clock=Ticker()) as store:
        for replies in (RUDE, SKILLED):
            record(store, library, replies, trainee="趋势")
    clock = FakeClock()
    app = make_app(tmp_path, clock, db=tmp_path / "records.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#trainee")
        await type_text(pilot, "趋势")
        await pilot.press("enter")
        await pilot.press("f5")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        totals = [s.total for s in sorted(app.store.sessions(trainee="趋势"), key=lambda s: s.started_at)]
        trend = history.query_one("#history-trend")
        shown = str(trend.render())
        assert trend.display and f"首次 {totals[0]:.0f}" in shown and f"最近 {totals[-1]:.0f}" in shown and "（2 场）" in shown
        bars = shown.rstrip()[-2:]  # one bar per session on a 0-100 scale, oldest first
        assert [BARS.index(b) for b in bars] == [min(7, int(t / 100 * 8)) for t in totals]


async def test_a_fatal_reply_gets_her_reaction_on_screen_then_the_report_and_the_review(tmp_path):
    """爱买不买: she says what she thinks and leaves; the chat keeps it in view (the report waits
    for Enter or a reading pause), and the review and the record keep her last words."""
    import asyncio

    from roleplay.records.store import Store

    clock = FakeClock()
    app = make_app(tmp_path, clock, typing_factor=0.2, db=tmp_path / "r.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab", trainee="反应")
        chat = app.screen
        await pilot.click("#reply")
        await type_text(pilot, "爱买不买")
        await pilot.press("enter")
        for _ in range(500):  # her messages arrive after their typing delays
            await asyncio.sleep(0.01)
            if any("会话结束" in str(w.render()) for w in chat.query(".system")):
                break
        reaction = [m.text for m in chat.session.turns[-1].customer]
        shown = " ".join(str(w.render()) for w in chat.query(".bubble"))
        assert reaction and all(line in shown for line in reaction)
        assert app.screen is chat  # still in view, with a way on
        assert any("按 Enter 查看成绩报告" in str(w.render()) for w in chat.query(".system"))
        await pilot.press("enter")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ReportScreen) and report.report.outcome == "lost"
        review = " ".join(str(w.render()) for w in report.query(".review"))
        assert "顾客最后说：" in review and reaction[0] in review
    with Store.open(tmp_path / "r.db") as store:
        (stored,) = store.sessions(trainee="反应")
    assert [m.text for m in stored.turns[-1].customer] == reaction


async def test_exam_time_limit_ends_the_session(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#limit").value = 3
        await start_scenario(pilot, "air_fryer_fab", exam=True)
        chat = app.screen
        assert chat.time_limit_s == 180
        await reply(pilot, clock, *AIR_FRYER[0])
        clock.advance(168)  # 6 + 168 = 174 s of the 180
        chat._tick()
        countdown = chat.query_one("#countdown")
        assert "00:06" in str(countdown.render()) and countdown.has_class("ending")
        assert countdown.region.y == chat.query_one("#timer").region.y  # beside the timer, always visible
        clock.advance(7)
        chat._tick()
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen) and app.screen.report.outcome is None
        assert len(app.screen.report.turns) == 1
        assert "考试时间到" in str(app.screen.query_one("#headline").render())


def test_the_app_starts_for_a_browser_through_textual_serve(monkeypatch):
    from roleplay.tui.run import wants_ui

    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert wants_ui()  # `textual serve` runs `roleplay` with pipes, not a terminal
    monkeypatch.delenv("TEXTUAL_DRIVER")
    assert not wants_ui()  # pytest's captured stdio is not a terminal


async def test_broken_content_is_reported_and_unplayable_scenarios_hidden(tmp_path):
    from roleplay.content.library import builtin_dir

    folder = tmp_path / "mine" / "scenarios"
    folder.mkdir(parents=True)
    text = (builtin_dir() / "scenarios" / "air_fryer_fab.yaml").read_text(encoding="utf-8")
    (folder / "ghost.yaml").write_text(
        text.replace("id: air_fryer_fab", "id: ghost_customer").replace("persona: decisive", "persona: ghost"),
        encoding="utf-8",
    )
    app = make_app(tmp_path, content=[str(tmp_path / "mine")])
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        cards = app.screen.query_one("#scenarios")
        assert "ghost_customer" in app.library.scenarios
        assert "ghost_customer" not in [card.scenario.id for card in cards.children]
        assert "1 个内容文件有问题" in str(app.screen.query_one("#status").render())


async def test_retry_replays_the_same_customer(tmp_path):
    from datetime import datetime, timedelta

    moments = iter(datetime(2026, 11, 22, 10, 0, 0) + timedelta(seconds=37 * i) for i in range(1000))
    app = make_app(tmp_path, seed=None, now=lambda: next(moments))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        first = app.screen.session.seed
        await end_session(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.session.seed == first
        await end_session(pilot)
        await pilot.press("h")
        await settle(pilot)
        await start_scenario(pilot, "air_fryer_fab")
        assert app.screen.session.seed != first  # a new session from home gets a new customer


@pytest.mark.parametrize("scenario_id", sorted(SKILLED))
async def test_every_scenario_converts_through_the_ui(tmp_path, scenario_id):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, scenario_id)
        for text, seconds in SKILLED[scenario_id]:
            assert isinstance(app.screen, ChatScreen), f"the session ended before: {text}"
            await reply(pilot, clock, text, seconds)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.report.outcome == "converted" and app.screen.report.score.passed


# -- what a trainee does that the happy path does not -----------------------------------------


async def test_ending_a_session_asks_first_and_esc_cancels(tmp_path):
    from roleplay.tui.screens.confirm import ConfirmScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        chat = app.screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "结束本次练习" in str(app.screen.query_one("#question").render())
        await pilot.press("escape")  # a stray second Esc cancels: the session goes on
        await settle(pilot)
        assert app.screen is chat and not chat.closing
        await end_session(pilot)
        assert isinstance(app.screen, ReportScreen)


async def test_enter_while_the_customer_types_is_never_lost_and_is_timed_at_enter(tmp_path):
    """The trainee answers while the customer is still typing her next message: the reply is taken
    at once (the box empties, the trainee is told), timed at Enter, and goes out, answering her,
    as soon as her messages are shown."""
    clock = FakeClock()
    app = make_app(tmp_path, clock, typing_factor=0.3)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")  # settles: both opening messages are shown
        chat = app.screen
        await pilot.click("#reply")
        await type_text(pilot, "亲，您好！这款采用360°热风循环技术，受热均匀不用翻面，您全家吃得更健康。")
        clock.advance(5)
        await pilot.press("enter")
        await pilot.pause()
        assert chat.delivering  # her answer is being typed
        await type_text(pilot, "容量是5L的，一家三四口刚好够用。")
        clock.advance(4)
        await pilot.press("enter")
        await pilot.pause()
        assert chat.query_one("#reply").value == ""  # taken, not left in the box
        assert "已收到你的回复（用时 4.0s" in str(chat.query(".system").last().render())
        assert len(chat.session.turns) == 1 and chat.queued is not None
        clock.advance(30)  # she takes her time typing: not the trainee's delay
        await settle(pilot)
        assert [t.latency_s for t in chat.session.turns] == [pytest.approx(5), pytest.approx(4)]
        assert chat.session.turns[1].text == "容量是5L的，一家三四口刚好够用。" and chat.queued is None


async def test_the_customers_typing_of_a_follow_up_is_not_the_trainees_delay(tmp_path):
    """She opens with two messages; the 5 s she spends typing the second are not counted: the reply
    is timed from her first message, less her typing, live and on the record."""
    clock = FakeClock()
    app = make_app(tmp_path, clock, typing_factor=0.4)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#trainee")
        await type_text(pilot, "小李")
        await pilot.press("enter")
        cards = app.screen.query_one("#scenarios")
        cards.index = [card.scenario.id for card in cards.children].index("air_fryer_fab")
        cards.focus()
        await pilot.press("enter")
        chat = app.screen
        while chat.follow_up_since is None:  # her first message is out, she types the second
            await pilot.pause(0.05)
        assert len(chat.query(".bubble.customer")) == 1
        clock.advance(5)
        chat._tick()
        assert chat.query_one("#timer").seconds == pytest.approx(0)  # the timer stands still meanwhile
        await settle(pilot)
        clock.advance(3)
        chat._tick()
        assert chat.query_one("#timer").seconds == pytest.approx(3)
        await reply(pilot, clock, "亲，您好！这款采用360°热风循环技术，受热均匀不用翻面。", 0)
        assert chat.session.turns[0].latency_s == pytest.approx(3)  # not 8


async def test_typing_speed_is_measured_from_the_first_keystroke_and_not_for_quick_replies(tmp_path):
    """A 嗯 sent after 30 s is not "2 字/分钟": the speed counts from the first key to Enter; a quick
    reply has none; the report says — when nothing was typed to measure."""
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        chat = app.screen
        clock.advance(20)  # reading and thinking
        await pilot.click("#reply")
        await type_text(pilot, "亲，您好！")
        clock.advance(3)  # typing the rest
        await type_text(pilot, "这款采用360°热风循环技术，受热均匀不用翻面。")
        await pilot.press("enter")
        await settle(pilot)
        first = chat.session.turns[0].score.results["latency"].detail
        assert first["seconds"] == pytest.approx(23)
        assert first["cpm"] == round(len("亲，您好！这款采用360°热风循环技术，受热均匀不用翻面。") * 60 / 3)
        assert first["cpm_estimated"] is False
        clock.advance(10)
        await pilot.press("f2")  # a quick reply: no keystrokes to time
        await pilot.press("enter")
        await settle(pilot)
        assert chat.session.turns[1].score.results["latency"].detail["cpm"] is None
        report = chat.session.report().score.of_kind("latency").detail
        assert report["typing_cpm"] == first["cpm"] and report["typing_cpm_estimated"] is False


def test_a_chat_logs_typing_speed_is_an_estimate_and_says_so(library):
    from roleplay.render import typing_speed
    from roleplay.rubric.scorer import scorer_for

    scorer = scorer_for(library.rubric("default"))
    replies = [scorer.score_text("亲，在的，这款是纯棉的", index=0, latency_s=6.0)]
    latency = scorer.score_session(replies).of_kind("latency").detail
    assert latency["typing_cpm_estimated"] is True and typing_speed(latency).startswith("打字速度（估算）约")
    assert typing_speed({"typing_cpm": None}) == "打字速度 —"


async def test_a_second_reply_in_a_row_is_timed_from_the_first(tmp_path):
    """When the customer says nothing back, a follow-up is timed from the trainee's own last reply,
    not from the start of the session."""
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        chat = app.screen
        await reply(pilot, clock, "亲，您好！", 4)
        chat.last_customer_at = None  # as if the customer had stayed silent
        await reply(pilot, clock, "这款采用360°热风循环技术，受热均匀不用翻面。", 3)
        assert [t.latency_s for t in chat.session.turns] == [pytest.approx(4), pytest.approx(3)]


async def test_quick_replies_add_to_what_was_typed(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        box = app.screen.query_one("#reply")
        await pilot.click("#reply")
        await type_text(pilot, "您好，")
        await pilot.press("tab")  # focus leaves the box and comes back with the quick reply
        await pilot.press("f3")
        await type_text(pilot, "X")
        assert box.value == "您好，" + app.quick_replies[1].text + "X"


async def test_a_pasted_reply_keeps_all_its_lines(tmp_path):
    from textual import events

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        box = app.screen.query_one("#reply")
        box.focus()
        box.post_message(events.Paste("亲，第一行：活动价299元。\n\n第二行：今天下单送硅胶垫。\n"))
        await pilot.pause()
        assert box.value == "亲，第一行：活动价299元。\n第二行：今天下单送硅胶垫。"


async def test_enter_sends_and_ctrl_j_breaks_the_line_in_a_box_that_grows(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        box = app.screen.query_one("#reply")
        one_line = box.outer_size.height
        await pilot.click("#reply")
        await type_text(pilot, "亲，您好！")
        await pilot.press("ctrl+j")
        await type_text(pilot, "这款采用360°热风循环技术，受热均匀不用翻面。")
        await pilot.press("shift+enter")
        await type_text(pilot, "少油也能炸得酥脆，您全家吃得更健康。")
        await pilot.pause()
        # the box grew to show every row of the reply (three lines, one of them wrapped)
        assert box.value.count("\n") == 2 and box.outer_size.height > one_line + 2
        assert box.content_size.height == box.wrapped_document.height
        clock.advance(6)
        await pilot.press("enter")
        await settle(pilot)
        turn = app.screen.session.turns[0]
        assert turn.text == "亲，您好！\n这款采用360°热风循环技术，受热均匀不用翻面。\n少油也能炸得酥脆，您全家吃得更健康。"
        assert turn.score.results["fab"].detail["linked"] and box.value == "" and box.outer_size.height == one_line
        for line in range(8):  # a very long reply: the box stops at five lines and scrolls
            await type_text(pilot, f"第{line}行")
            await pilot.press("ctrl+j")
        assert box.outer_size.height == 7


async def test_an_interrupted_session_without_replies_opens_from_the_history(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        await end_session(pilot)  # ended before the first reply
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2  # no pile of homes
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ReportScreen) and report.report.turns == []
        assert "没有回复可复盘" in texts(report)
        keys = {b.binding.description for b in report.active_bindings.values()}
        assert "返回记录" in keys and "返回首页" not in keys and "再练一次" not in keys


async def test_the_customer_asks_where_you_are_when_kept_waiting(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_scenario(pilot, "air_fryer_fab")
        chat = app.screen
        before = len(chat.query(".bubble.customer"))
        clock.advance(29)
        chat._tick()
        await settle(pilot)
        assert len(chat.query(".bubble.customer")) == before
        clock.advance(2)  # past the 30 s limit
        chat._tick()
        await settle(pilot)
        bubbles = chat.query(".bubble.customer")
        assert len(bubbles) == before + 1
        assert any(line in str(bubbles.last().render()) for line in chat.session.persona.phrasebook["slow_reply"])
        chat._tick()
        await settle(pilot)
        assert len(chat.query(".bubble.customer")) == before + 1  # once


@pytest.mark.parametrize("width", [76, 58, 44])
def test_radar_labels_are_whole_and_off_the_plot_at_any_width(width):
    """Nine criteria at 80×24 (the report's radar is ~76 cells wide there): every label whole, and
    the top and bottom labels on rows of their own, not written over the dots."""
    from roleplay.tui.widgets.radar import radar_text

    axes = [("FAB话术", 82), ("响应时效", 100), ("服务禁语", 100), ("促成交易", 100), ("礼貌问候", 100),
            ("需求挖掘", 0), ("核实订单", 100), ("道别", 100), ("信息准确", 100)]
    rows = radar_text(axes, width, 17).plain.split("\n")
    plain = "\n".join(rows)
    assert all(f"{label} {value}" in plain for label, value in axes)
    for row in (rows[0], rows[-1]):
        assert not any(0x2800 <= ord(ch) <= 0x28FF for ch in row)  # label rows hold no dots


async def test_down_from_the_name_goes_to_the_cards_and_home_shows_the_highlighted_card(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        await pilot.click("#trainee")
        await type_text(pilot, "小周")
        await pilot.press("down")  # not only Tab or Enter: ↓ goes to the cards
        cards = home.query_one("#scenarios")
        assert app.focused is cards
        for _ in range(6):
            await pilot.press("down")
        chosen = cards.highlighted_child.scenario.id
        await pilot.press("enter")
        await settle(pilot)
        await end_session(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert app.screen is home and cards.highlighted_child.scenario.id == chosen
        # the highlighted card is on screen, so Enter starts the card the trainee sees
        assert cards.highlighted_child.region.intersection(cards.region) == cards.highlighted_child.region


async def test_the_exam_time_limit_is_remembered_between_runs(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#limit").value = 5
        await start_scenario(pilot, "air_fryer_fab", trainee="小吴", exam=True)
        await end_session(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("f2")  # back to practice for one session: the limit is kept for next time
        cards = app.screen.query_one("#scenarios")
        cards.focus()
        await pilot.press("enter")
        await settle(pilot)
    again = make_app(tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.screen.query_one("#limit").value == 5


def test_history_columns_stay_aligned_with_a_long_title():
    from roleplay.text.width import cell_width, fit

    long = "超长的场景标题：一位顾客在双十一零点前反复比较三家店铺的优惠券叠加规则"
    assert cell_width(fit(long, 34)) == 34 and fit(long, 34).rstrip().endswith("…")
    assert fit("空气炸锅卖点咨询", 34) == "空气炸锅卖点咨询" + " " * 18


async def test_a_name_and_a_reply_with_escape_codes_are_shown_not_obeyed_in_the_app(tmp_path):
    """A name from the command line and a pasted reply carry escape codes: the chat's title bar, the
    trainee's bubble, the history and the report show them as pictures (␛), never as codes."""
    from roleplay.tui.screens.chat import Bubble
    from roleplay.tui.screens.history import HistoryScreen

    clock = FakeClock()
    app = make_app(tmp_path, clock, db=tmp_path / "records.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_scenario(pilot, "air_fryer_fab", trainee="小\x1b]0;TITLE\x07李")
        assert "\x1b" not in app.screen.sub_title and "小␛]0;TITLE␇李" in app.screen.sub_title
        await reply(pilot, clock, "亲\x1b[2J您好", 5)
        bubbles = [str(b.render()) for b in app.screen.query(Bubble)]
        assert any("亲␛[2J您好" in text for text in bubbles) and not any("\x1b" in text for text in bubbles)
        await reply(pilot, clock, "爱买不买", 5)  # she leaves: the session ends
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and "\x1b" not in app.screen.sub_title
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen) and "␛" in app.screen.sub_title


@pytest.mark.parametrize("saved", ["[1, 2]", "null", '{"trainee": 123, "mode": "exam", "time_limit_min": true}', "{"])
async def test_a_corrupt_settings_file_is_ignored_and_the_app_starts(tmp_path, saved):
    (tmp_path / "settings.json").write_text(saved, encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#trainee", Input).value == ""  # 123 is no name: the default stays
