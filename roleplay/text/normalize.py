"""Normalise a reply so that the same words typed differently are judged the same.

Full-width letters, digits and punctuation become half-width, ASCII letters become lower-case,
the function words of written Cantonese and the pronouns of northern dialects become their
Mandarin twins (唔係 → 不是, 冇 → 没, 嘅 → 的, 嗰 → 那, and in a Cantonese reply 系 → 是, 钟意 → 喜欢, 俺 → 我, 恁 → 您, 明儿 → 明天, and Wu's 侬 → 你, 阿拉 → 我们,
覅 → 别, 伐? → 吗?, and 妳 (you, to a woman, as Taiwan types it) → 你: agents type as they speak) and traditional characters become simplified (OpenCC ``t2s``).
Every step keeps the length of
the text, so a character span found in the normalised text is the same span in the original:
evidence can always be shown in the trainee's own words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import opencc

_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20  # ideographic space
_WIDTH[0x3002] = ord(".")  # ideographic full stop: patterns end a sentence at "." alone
_WIDTH.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
_WIDTH.update({code: code + 32 - 0xFEE0 for code in range(0xFF21, 0xFF3B)})


def _any_of(chars: Iterable[str]) -> re.Pattern[str]:
    """A search for any of ``chars``. Whether a Chinese text holds one of a set of characters is
    answered several times faster by a character class in C than by ``set.isdisjoint`` (which
    makes a string of every character of the text) or ``str.translate`` (a lookup per character)."""
    return re.compile("[" + "".join(re.escape(char) for char in sorted(chars)) + "]")


#: Narrowing replaces only the characters that change (a few commas and question marks in most
#: replies), found by one search.
_WIDE = _any_of(map(chr, _WIDTH))
_NARROW = {chr(wide): chr(narrow) for wide, narrow in _WIDTH.items()}

#: Dialect → Mandarin, one character for one (so spans stay put). Only characters Mandarin does
#: not use this way: 咪 (a microphone, 咪头) and 咁 stay as they are.
_DIALECT_WORDS = {"唔该": "麻烦", "係咪": "是否", "定係": "还是", "伐?": "吗?", "嘞个": "这个"}
#: Dialect words that are also the start of loanwords (阿拉伯, 阿拉斯加): folded unless one follows.
_DIALECT_BEFORE = {"阿拉": ("我们", re.compile("阿拉(?![伯斯丁善蕾])"))}
_DIALECT = str.maketrans(
    {"唔": "不", "係": "是", "冇": "没", "咗": "了", "嘅": "的", "喺": "在", "搵": "找", "睇": "看", "咩": "啥",
     "乜": "啥", "哋": "们", "佢": "他", "啲": "些", "嚟": "来", "畀": "给", "俾": "给", "俺": "我", "恁": "您",
     "侬": "你", "覅": "别", "搿": "这", "嗰": "那", "\U00020bb6": "那", "谂": "想", "妳": "你"}
)
_DIALECT_MARKS = _any_of("唔係冇咗嘅喺搵睇咩乜哋佢啲嚟畀俾俺恁侬覅搿阿伐嘞嗰\U00020bb6谂妳")
#: Cantonese typed in simplified characters writes 係 as 系 (我哋系手工整嘅), and its 呢 (this), 仲
#: (still), 定系 (or), 钟意 (like) and 得返 (only … left) are Mandarin words too (呢 ends a question; 仲夏, 仲尼; 稳定系数): read as
#: Cantonese only in a reply that is Cantonese by its other words, and only in their Cantonese places.
_CANTONESE_MARKS = _any_of("唔係冇咗嘅喺搵睇咩乜哋佢啲嚟畀俾嗰\U00020bb6谂")
_CANTONESE = [
    (re.compile("钟意"), "喜欢"),
    (re.compile("定系"), "还是"),
    (re.compile("(?<![关联体派维谱世直旁星父母干水])系(?![统列数带鞋紧好住着上])"), "是"),
    (re.compile("呢(?=[款个对只支件种把套])"), "这"),
    (re.compile("仲(?=[有送要是可好未])"), "还"),
    (re.compile("得返(?=[\\d一两二三四五六七八九十几])"), "只剩"),
]
#: Northern days (今儿拍明儿到 → 今天拍明天到), folded on their own: 儿 is too common a character
#: (孩子, 儿童, 一会儿) to send every reply that holds one through the dialect folding above.
_NORTHERN_DAYS = re.compile("(?<=[今明昨])儿")

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    with _lock:
        return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """A search for the characters t2s changes (a text without one is already simplified: most
    replies are, and skipping the conversion for them is a tenth of the time normalisation takes)."""
    chars = [chr(code) for code in range(0x3400, 0xA000)] + [chr(code) for code in range(0xF900, 0xFB00)]
    converted = _t2s().convert("\n".join(chars)).split("\n")
    return _any_of(char for char, twin in zip(chars, converted) if twin != char)


def normalize(text: str) -> str:
    """The normalised form of ``text``, always of the same length."""
    narrowed = _WIDE.sub(_narrow, text)
    if narrowed.isascii():
        return narrowed
    if _DIALECT_MARKS.search(narrowed):
        narrowed = _mandarin(narrowed)
    if "儿" in narrowed:
        narrowed = _NORTHERN_DAYS.sub("天", narrowed)
    if not _traditional().search(narrowed):
        return narrowed
    simplified = _t2s().convert(narrowed)
    if len(simplified) == len(narrowed):
        return simplified
    # A phrase conversion changed the length: convert character by character instead.
    converter = _t2s()
    chars = []
    for char in narrowed:
        converted = converter.convert(char)
        chars.append(converted if len(converted) == 1 else char)
    return "".join(chars)


def _narrow(match: re.Match[str]) -> str:
    return _NARROW[match.group()]


def _mandarin(text: str) -> str:
    """Dialect function words and pronouns as their Mandarin twins, of the same length."""
    for word, twin in _DIALECT_WORDS.items():
        text = text.replace(word, twin)
    for word, (twin, regex) in _DIALECT_BEFORE.items():
        if word in text:
            text = regex.sub(twin, text)
    if _CANTONESE_MARKS.search(text):
        for regex, twin in _CANTONESE:
            text = regex.sub(twin, text)
    return text.translate(_DIALECT)
