"""What goes wrong with the records database, as the command line and the app say it."""

from __future__ import annotations

from roleplay.errors import RoleplayError


class RecordError(RoleplayError):
    """The records database cannot be opened or written; the message says which database and why."""

    #: Whether the session's recorder goes on after this error (it keeps what it could not write).
    recording_goes_on = False

    def warning(self) -> str:
        """What practice prints, once, when it goes on without recording."""
        return f"roleplay: 警告：{self}；本次练习不再记录，练习照常进行。"


class RecordUnavailable(RecordError):
    """The database server cannot be reached (down, restarting, the network gone): worth a retry later."""


class RecordDeferred(RecordError):
    """A session's writes wait in the recorder until the server is back; practice goes on."""

    recording_goes_on = True

    def warning(self) -> str:
        return f"roleplay: 警告：{self}；本次练习的回复先保留在程序里，服务器恢复后自动写入，练习照常进行。"


class RecordKeptLocally(RecordError):
    """The server was still down when the session ended: the whole session went to a local file."""

    def warning(self) -> str:
        return f"roleplay: 警告：{self}"
