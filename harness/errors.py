"""The one exception type users see: a single line naming the thing and the fix."""

from __future__ import annotations


class HarnessError(Exception):
    """A problem the user can fix; the CLI prints ``str(err)`` as one line and exits 2."""

    exit_code = 2


class ConfigError(HarnessError):
    """A configuration file is wrong; the message carries ``file:line`` and the fix."""

    def __init__(self, path: object, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class UsageError(HarnessError):
    """The command line asked for something that cannot be done."""
