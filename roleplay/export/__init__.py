"""Instructor score sheets: ``sheet`` builds the tables once, one ``to_<format>`` module per format.

Every writer is ``files(sheet, path) -> {path: bytes}``: it touches no disk, so the command can
refuse cleanly before anything is written, and the same sheet always gives the same bytes.
"""

FORMATS = ("csv", "xlsx", "html", "json")
