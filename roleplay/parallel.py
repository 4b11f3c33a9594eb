"""Run a function over a stream of work on every core, results in input order, in bounded memory.

``concurrent.futures``' own ``map`` submits the whole input before yielding anything, so a month
of chat logs would sit in memory at once. Here at most ``window`` batches are in flight: the next
is submitted only when the oldest has been yielded, so memory stays flat whatever the input's size.

Workers are forked, so they inherit what the parent has already loaded (the content library, the
compiled rubric, jieba's dictionary) instead of loading it again, and the function need not be
given it as an argument. Where the platform cannot fork, the work runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(function: Callable[[T], R], items: Iterable[T], jobs: int, window: int | None = None) -> Iterator[R]:
    """``map(function, items)``, computed by ``jobs`` forked processes, yielded in input order.

    ``function`` must be a module-level function (it is sent to the workers by name). With one
    job, or where processes cannot be forked, it runs here, one item at a time.
    """
    if jobs <= 1 or not can_fork():
        yield from map(function, items)
        return
    window = window or jobs * 4
    # What the parent loaded moves out of the collector's sight before the fork: a collection in
    # a worker would otherwise touch every object, copying the pages the processes could share.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_ignore_interrupts) as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(function, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # stopped early (an error, Ctrl-C, the reader gone): drop the rest
                future.cancel()
            gc.unfreeze()


def spawned_map(function: Callable[[T], R], items: list[T], jobs: int) -> list[R]:
    """``map(function, items)`` in ``jobs`` fresh processes at once, for a few long tasks.

    Fresh processes (spawned: they import roleplay anew and get ``function`` and each item by
    pickle) rather than forked ones, because the caller may have threads running (a window's
    loading thread), and a process forked from a threaded one can hang on a lock another thread
    held. Raises what starting a process raises (OSError, RuntimeError): the caller decides
    whether to do the work itself.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_ignore_interrupts) as pool:
        return list(pool.map(function, items))


def _ignore_interrupts() -> None:
    """Ctrl-C reaches every process of the terminal's group: the parent stops the work and says
    so once; the workers must not each print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
