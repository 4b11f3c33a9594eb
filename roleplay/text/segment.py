"""Word segmentation with jieba, loaded once and in the background.

jieba needs about a second to build its dictionary, so the UI starts the load in a worker and
carries on; anything that needs words calls :func:`words`, which waits for the load only if it
has not finished yet.

jieba caches the built dictionary (~9 MB) as ``/tmp/jieba.cache`` by default, shared by every
user: when another user owns that file, each run fails to replace it, prints a traceback and
leaves a 9 MB temporary file behind. The cache is kept in the user's own cache folder instead.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import platformdirs

from roleplay import environment

_ready = threading.Event()
_lock = threading.Lock()
_tokenizer = None


def load() -> None:
    """Load jieba's dictionary (idempotent, thread-safe, quiet)."""
    global _tokenizer
    if _ready.is_set():
        return
    with _lock:
        if _ready.is_set():
            return
        import jieba

        # A cache that cannot be written only costs the next start a second: no traceback for that.
        jieba.setLogLevel(logging.CRITICAL)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(_prepared(cache_dir()))
        tokenizer.initialize()
        _tokenizer = tokenizer
        _ready.set()


def cache_dir() -> Path:
    """``ROLEPLAY_CACHE_DIR``, else roleplay's folder in the user's cache (``~/.cache/roleplay`` on Linux)."""
    env = environment.read().cache_dir
    return Path(env).expanduser() if env else platformdirs.user_cache_path("roleplay", appauthor=False)


@lru_cache(maxsize=8)
def code_key(*modules: ModuleType) -> bytes:
    """The source of ``modules``, for the key of what the cache folder keeps that they compute
    (fitted models, an example file found sound): a roleplay that computes it differently does not
    read back a stale one."""
    return b"".join(Path(module.__file__).read_bytes() for module in modules)


def _prepared(folder: Path) -> Path:
    """``folder``, created if possible; if not, jieba's write into it fails quietly and leaves nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return folder


def words(text: str) -> list[str]:
    """jieba's precise-mode words of ``text`` (they concatenate back to ``text``).

    HMM new-word discovery is off: the rubric and intents need dictionary words (is 亲 a word
    here or part of 亲肤?), not guesses at unknown names, and it makes segmentation ~20 % faster.
    """
    if not _ready.is_set():
        load()
    return _tokenizer.lcut(text, HMM=False)


def word_at(text: str, offset: int) -> tuple[int, int]:
    """The span of the word of jieba's best path through ``text`` (a few characters) that holds
    the character at ``offset``.

    The dictionary path (no HMM) computed directly, without jieba's splitting into blocks: for
    a handful of characters around a one-character cue it costs a fraction of :func:`words`.
    """
    if not _ready.is_set():
        load()
    route: dict[int, tuple[float, int]] = {}
    _tokenizer.calc(text, _tokenizer.get_DAG(text), route)
    position = 0
    while position < len(text):
        end = route[position][1] + 1
        if end > offset:
            return position, end
        position = end
    return offset, offset + 1
