"""The errors roleplay expects and explains: one base class, whose message is what the command line
prints (after ``roleplay: ``) and whose ``exit_status`` the command returns.

Anything else that escapes is a bug and shows its traceback.
"""

from __future__ import annotations


class RoleplayError(Exception):
    """An error a user can act on; ``str(error)`` says what is wrong and how to fix it."""

    exit_status = 1


class NotFound(RoleplayError, LookupError):
    """Something named on the command line does not exist (a scenario, a persona, a record).

    A LookupError too, so that code asking a mapping-like library keeps working."""

    exit_status = 2
