"""The one exception type users see: a single line naming the thing and the fix."""

from __future__ import annotations


class HarnessError(Exception):
    """A problem the user can fix; the CLI prints ``str(err)`` as one line and exits 2.

    The line stays one line whatever it quotes: a file name or a value holding a line
    break or another control character shows it escaped (``\\n``), as Python would.
    """

    exit_code = 2

    def __init__(self, message: str = "") -> None:
        super().__init__(one_line(str(message)))


def one_line(text: str) -> str:
    """``text`` with every character that could break or garble the line escaped."""
    if text.isprintable():
        return text
    return "".join(repr(c)[1:-1] if _breaks(c) else c for c in text)


def _breaks(char: str) -> bool:
    """Control characters (line breaks, tabs, terminal escapes) and line/paragraph separators."""
    import unicodedata

    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


class ConfigError(HarnessError):
    """A configuration file is wrong; the message carries ``file:line`` and the fix."""

    def __init__(self, path: object, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class UsageError(HarnessError):
    """The command line asked for something that cannot be done."""
