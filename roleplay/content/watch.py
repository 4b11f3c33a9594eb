"""Notice when content files are saved, added or deleted, so play can reload them.

Polling modification times (not OS file events) needs no extra dependency, works the same on
every platform and on network drives, and content folders are small: a scan is a few ``stat``
calls. The line-mode player checks before each reply; a UI can check on a timer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from roleplay.content.library import content_files

Stamp = tuple[int, int]  # (mtime in ns, size): size catches saves within the clock's resolution


class ContentWatcher:
    """Remembers the YAML files of some content folders and tells when any of them changed."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.dirs = list(dirs)
        self._stamps = self._scan()

    def _scan(self) -> dict[Path, Stamp]:
        stamps = {}
        for path in content_files(self.dirs):
            try:
                stat = path.stat()
            except OSError:  # deleted between listing and stat: it will be missing next time
                continue
            stamps[path] = (stat.st_mtime_ns, stat.st_size)
        return stamps

    def changed(self) -> bool:
        """Whether a file was saved, added or deleted since the last call (or since creation)."""
        stamps = self._scan()
        if stamps == self._stamps:
            return False
        self._stamps = stamps
        return True
