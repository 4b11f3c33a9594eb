"""Chinese numerals as Arabic digits: 一千九百九十九 → 1999, 三点二 → 3.2, 三口 → 3口.

Agents write numbers both ways (两百九十九 / 299); the simulated customer must understand
either. The result is for matching meaning only: it changes the length of the text, so
evidence spans are never taken from it.
"""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
#: A lone numeral is a number only before a measure word or unit (三口, 两天); 一起, 一家 stay words.
MEASURES = "个只台件天斤公升毫克米寸口人盒包瓶支元块年月周号码度成折倍片套箱袋罐小分秒次遍条双张份层档%"
#: 千 of a metric unit (千克, 千米, 千瓦, 千卡) is no thousand: 三十六千克 is 36千克. Agents write a
#: vacuum's suction as 六千帕 for 6000Pa, which is the same pressure either way, so 千帕 is a thousand.
_RUN = re.compile(f"(?:[{''.join(DIGITS)}十百万]|千(?![克米瓦卡]))+(?:点[{''.join(DIGITS)}]+)?")


#: A figure in digits with 万 (1万1397, 1.5万, 1万2): agents mix the two ways of writing.
_MIXED_WAN = re.compile(r"(\d+(?:\.\d+)?)万(\d{1,4})?(?![\d.])")
#: A percentage in words: 百分之六, 百分之三十五.
_PERCENT = re.compile(f"百分之({_RUN.pattern})")


def arabic(text: str) -> str:
    """``text`` with its Chinese numbers written in Arabic digits."""
    text = _MIXED_WAN.sub(_mixed_wan, text)
    text = _PERCENT.sub(lambda m: _replace_run(m.group(1), "%") + "%", text)
    return _RUN.sub(_replace, text)


def _mixed_wan(match: re.Match[str]) -> str:
    """1万1397 → 11397, 1万2 → 12000 (the spoken 一万二), 1.5万 → 15000."""
    tens_of_thousands, rest = float(match.group(1)), match.group(2) or ""
    value = tens_of_thousands * 10000 + (int(rest) * 1000 if len(rest) == 1 else int(rest or 0))
    return f"{value:.12g}"  # no exponent and no ".0": 15000, 123456.7


def _replace(match: re.Match[str]) -> str:
    converted = _replace_run(match.group(), match.string[match.end() : match.end() + 1])
    # a figure right after digits stays apart from them: 3999一台 is 3999 and 1台, not 39991台
    before = match.string[match.start() - 1 : match.start()]
    return f" {converted}" if converted != match.group() and before.isdigit() else converted


def _replace_run(run: str, following: str) -> str:
    """One run of numeral characters in digits (``following`` is the character after it)."""
    has_unit = any(c in UNITS for c in run)
    if len(run) == 1 and not has_unit and following not in MEASURES:
        return run
    whole, _, decimals = run.partition("点")
    if not has_unit and len(whole) == 2 and not decimals and DIGITS[whole[0]] < DIGITS[whole[1]]:
        return f"{DIGITS[whole[0]]}-{DIGITS[whole[1]]}"  # 三五天: three to five days
    value = _value(whole) if has_unit else "".join(str(DIGITS[c]) for c in whole)
    return f"{value}.{''.join(str(DIGITS[c]) for c in decimals)}" if decimals else str(value)


def _value(numeral: str) -> int:
    """一千九百九十九 → 1999, 十二 → 12, 两万 → 20000."""
    total = section = digit = 0
    for char in numeral:
        if char in DIGITS:
            digit = DIGITS[char]
            continue
        unit = UNITS[char]
        if unit == 10000:
            total += (section + digit) * unit
            section = 0
        else:
            section += (digit or 1) * unit
        digit = 0
    return total + section + digit
