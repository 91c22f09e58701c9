"""Value objects every statistic returns: an estimate with its interval and the method's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fanzha.campaigns.results import plain

__all__ = ["Estimate", "Result", "TestResult", "plain"]

Z95 = 1.959963984540054


class Result:
    """Mixin for frozen result dataclasses: ``to_dict()`` gives a JSON-ready record."""

    def to_dict(self) -> dict[str, Any]:
        """Every field, nested results included, as plain Python values (NaN as None)."""
        out = plain(self)
        assert isinstance(out, dict)
        return out


@dataclass(frozen=True)
class Estimate(Result):
    """A number the report shows, its interval, and the method that produced both.

    ``always_valid`` marks a confidence sequence: an interval that keeps its coverage however
    often the data are looked at (mixture SPRT), unlike a fixed-sample interval.
    """

    value: float
    low: float
    high: float
    method: str
    confidence: float = 0.95
    always_valid: bool = False

    def covers(self, truth: float) -> bool:
        """Whether the interval contains ``truth``."""
        return bool(self.low <= truth <= self.high)


@dataclass(frozen=True)
class TestResult(Result):
    """A hypothesis test: its statistic (NaN for exact tests), p-value and method."""

    __test__ = False  # not a pytest test class, whatever its name

    statistic: float
    p_value: float
    method: str
