"""A finding: one thing an inspector has to say about a shot, beyond its pixels."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("lint", "spec", "breakpoints")
SEVERITIES = ("fail", "warn")


@dataclass(frozen=True)
class Finding:
    """One line for the CLI, the report and results.json.

    kind: which inspector ("lint", "spec" or "breakpoints"); rule: which of its rules
    (e.g. "overflow", or the spec rule as written); severity: "fail" fails the shot,
    "warn" is only shown; message: one line with the measured numbers;
    box: where on the page, in CSS px of the document (x, y, width, height), if anywhere.
    """

    kind: str
    rule: str
    severity: str
    message: str
    box: tuple[int, int, int, int] | None = None

    @property
    def fails(self) -> bool:
        return self.severity == "fail"

    def line(self) -> str:
        return f"{self.kind} {self.rule}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["box"] = list(self.box) if self.box else None
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Finding:
        box = body.get("box")
        return cls(body["kind"], body["rule"], body["severity"], body["message"], tuple(box) if box else None)
