"""Help: the keys of every screen and what the colours mean."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from roleplay.tui.widgets.feedback import legend
from roleplay.tui.widgets.panels import quick_keys

HELP = """\
首页
  Tab / Shift+Tab   在姓名、模式、场景之间切换
  ↑ ↓               选择场景
  Enter             开始练习
  F2                切换练习 / 考试模式
  F5                查看本人的练习记录（Enter 看报告）
  F6                自由对练：任选商品卡和顾客

对话
  Enter             发送回复（顾客还在输入时也可发，计时停在按回车时）
  Ctrl+J            换行（Shift+Enter 在支持的终端里也可以）
  {quick:<18}插入快捷短语（列在输入框上方；发货、退换按本商品卡填写）
  Ctrl+T            显示 / 隐藏侧栏（商品卡、顾客状态）
  Esc               结束会话并查看报告（先确认）

报告
  R                 再练一次（同一顾客、同一随机种子）
  V                 复核评分（从练习记录打开时：改某句某项的分数并写明理由）
  H / Esc           返回首页（从练习记录打开时返回记录）

任何时候
  F1                帮助
  Ctrl+Q            退出

计时颜色：绿色 在时效内；黄色 偏慢；红色 超过30秒上限。
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "关闭")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("帮助 · 快捷键", "bold"))
            keys = quick_keys(len(self.app.quick_replies)) or "（无）"
            yield Static(HELP.format(quick=keys))
            yield Static(Text("点评标注：") + legend())
