"""能力雷达图: a radar chart of the criteria drawn in braille dots, with CJK-aware labels."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widget import Widget

from roleplay.text.width import cell_width

# Braille dot bits for (x, y) inside a 2×4 cell.
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


class BrailleCanvas:
    """A grid of terminal cells drawn on at 2×4 dots per cell."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.bits = [[0] * width for _ in range(height)]

    def dot(self, x: float, y: float) -> None:
        px, py = round(x), round(y)
        if 0 <= px < self.width * 2 and 0 <= py < self.height * 4:
            self.bits[py // 4][px // 2] |= _DOTS[py % 4][px % 2]

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0))))
        for i in range(steps + 1):
            t = i / steps
            self.dot(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)

    def cell(self, column: int, row: int) -> str:
        bits = self.bits[row][column]
        return chr(0x2800 + bits) if bits else " "


def radar_text(axes: list[tuple[str, float | None]], width: int = 44, height: int = 17) -> Text:
    """The chart as Rich text: grid rings dim, the trainee's polygon bold green, labels around.

    ``height`` counts a row above and below the plot for the labels at its top and bottom, so
    that no label (需求挖掘 0 at the foot of nine axes) is written over the dots."""
    label_room = max((cell_width(f"{label} 100") for label, _ in axes), default=0) + 2
    height -= 2
    chart_w = max(10, width - 2 * label_room)
    centre_x, centre_y = chart_w, height * 2  # in dots
    radius = min(chart_w * 2, height * 4) / 2 - 2
    angles = [-math.pi / 2 + 2 * math.pi * i / len(axes) for i in range(len(axes))]

    def point(i: int, fraction: float) -> tuple[float, float]:
        # Terminal cells are about twice as tall as wide: dots are already 1:2, so plain circles.
        return centre_x + math.cos(angles[i]) * radius * fraction, centre_y + math.sin(angles[i]) * radius * fraction

    grid = BrailleCanvas(chart_w, height)
    for ring in (0.5, 1.0):
        for i in range(len(axes)):
            grid.line(*point(i, ring), *point((i + 1) % len(axes), ring))
    for i in range(len(axes)):
        grid.line(centre_x, centre_y, *point(i, 1.0))
    shape = BrailleCanvas(chart_w, height)
    values = [(value or 0) / 100 for _, value in axes]
    for i in range(len(axes)):
        shape.line(*point(i, values[i]), *point((i + 1) % len(axes), values[i]))

    rows: list[list[tuple[str, str]]] = [
        [(shape.cell(c, r), "bold green") if shape.bits[r][c] else (grid.cell(c, r), "grey37") for c in range(chart_w)]
        for r in range(height)
    ]
    blank = [(" ", "")] * (chart_w + 2 * label_room)
    lines = [list(blank), *([(" ", "")] * label_room + row + [(" ", "")] * label_room for row in rows), list(blank)]
    for i, (label, value) in enumerate(axes):
        x, y = point(i, 1.12)
        text = f"{label}{'' if value is None else f' {value:.0f}'}"
        # an axis pointing straight up or down has its label on the row beyond the plot
        vertical = abs(math.cos(angles[i])) <= 0.3
        row = 0 if vertical and y < centre_y else len(lines) - 1 if vertical else y / 4 + 1
        _place(lines, text, x / 2 + label_room, row, math.cos(angles[i]))
    out = Text()
    for row in lines:
        for char, style in row:
            if char:
                out.append(char, style)
        out.append("\n")
    out.rstrip()
    return out


def _place(lines: list[list[tuple[str, str]]], text: str, x: float, y: float, direction: float) -> None:
    """Write a label next to an axis end: left of it on the left side, right of it on the right."""
    row = min(len(lines) - 1, max(0, round(y)))
    span = cell_width(text)
    # One blank cell between a side label and the plot, so 礼貌问候 100 never runs into the dots.
    start = round(x) - span - 1 if direction < -0.3 else round(x) - span // 2 if abs(direction) <= 0.3 else round(x) + 1
    start = min(max(0, start), len(lines[row]) - span)
    column = start
    for char in text:
        w = cell_width(char)
        if column + w > len(lines[row]):
            break
        lines[row][column] = (char, "bold")
        if w == 2:
            lines[row][column + 1] = ("", "")  # the second cell of a wide character
        column += w


class Radar(Widget):
    """The radar chart of a session's criteria."""

    DEFAULT_CSS = "Radar { height: 17; width: 1fr; }"

    def __init__(self, axes: list[tuple[str, float | None]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.axes = axes

    def render(self) -> Text:
        if len(self.axes) < 3:
            return Text("评分维度不足三项，无法绘制雷达图。", "dim")
        return radar_text(self.axes, max(30, self.size.width), max(11, self.size.height))
