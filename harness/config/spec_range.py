"""Number ranges as written in specs.yaml: ``64``, ``"0 to 64"``, ``">= 1"``, ``"90 to 100%"``.

Kept apart from the loader so the grammar can be read (and tested) on its own. A bad
range raises :class:`RangeError`, which the loader turns into a ``file:line`` error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from harness.config.yaml_lines import describe

_NUMBER = r"-?\d+(?:\.\d+)?"
_UNIT = r"\s*(px|%)?"
_BETWEEN = re.compile(rf"({_NUMBER}){_UNIT}\s+to\s+({_NUMBER}){_UNIT}")
_COMPARE = re.compile(rf"(>=|<=|>|<)\s*({_NUMBER}){_UNIT}")
_EXACT = re.compile(rf"({_NUMBER}){_UNIT}")
FORMS = "N, 'N to M', '>= N', '<= N', '> N' or '< N'"


class RangeError(ValueError):
    """What is wrong with a range, and the fix when it is more specific than "write ...FORMS"."""

    def __init__(self, problem: str, fix: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class Range:
    """An interval of CSS px, % or plain numbers; ``None`` bounds are open-ended."""

    low: float | None
    high: float | None
    low_open: bool = False  # True for "> N": N itself is outside
    high_open: bool = False
    unit: str = "px"  # "px", "%" or "" (counts)

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return self.high is None or not (value > self.high or (self.high_open and value == self.high))

    def __str__(self) -> str:
        unit = {"px": " px", "%": "%", "": ""}[self.unit]
        low, high = _num(self.low), _num(self.high)
        if self.low is not None and self.high is not None:
            return f"{low}{unit}" if self.low == self.high else f"{low} to {high}{unit}"
        if self.low is not None:
            return f"{'>' if self.low_open else '>='} {low}{unit}"
        return f"{'<' if self.high_open else '<='} {high}{unit}"


AT_LEAST_ZERO = Range(0, None)


def parse_range(value: object, units: tuple[str, ...], whole: bool = False) -> Range:
    """Read one range; ``units`` are those allowed ("px", "%", or "" for plain counts).

    A number without a unit takes the first allowed unit. Raises RangeError.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RangeError(f"must be a number or a range, got {describe(value)}")
    text = " ".join(str(value).split())
    if isinstance(value, float) and not math.isfinite(value):
        raise RangeError(f"{text!r} is not a number")
    if match := _BETWEEN.fullmatch(text):
        low, unit_a, high, unit_b = match.groups()
        unit = _unit(text, units, unit_a, unit_b)
        result = Range(_number(low, whole), _number(high, whole), unit=unit)
        if result.low > result.high:  # type: ignore[operator]
            raise RangeError(f"{text!r} runs backwards", f"write '{high} to {low}'")
        return result
    if match := _COMPARE.fullmatch(text):
        op, number, unit_a = match.groups()
        bound, unit = _number(number, whole), _unit(text, units, unit_a, None)
        if op.startswith(">"):
            return Range(bound, None, low_open=op == ">", unit=unit)
        return Range(None, bound, high_open=op == "<", unit=unit)
    if match := _EXACT.fullmatch(text):
        number, unit_a = match.groups()
        bound = _number(number, whole)
        return Range(bound, bound, unit=_unit(text, units, unit_a, None))
    raise RangeError(f"{text!r} is not a range")


def _unit(text: str, allowed: tuple[str, ...], first: str | None, second: str | None) -> str:
    if first and second and first != second:
        raise RangeError(f"{text!r} mixes {first} and {second}", "use one unit for both ends")
    unit = first or second or allowed[0]
    if unit not in allowed:
        raise RangeError(f"{text!r}: {unit} is not allowed here", "write it in " + (allowed[0] or "plain numbers"))
    return unit


def _number(text: str, whole: bool) -> float:
    number = float(text)
    if whole and (number != int(number) or number < 0):
        raise RangeError(f"{text} is not a whole number of 0 or more", "write e.g. 3, '>= 1' or '1 to 5'")
    return int(number) if number == int(number) else number


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
