"""Errors of the segments package.

SegmentsError (fanzha.errors.FanzhaError)
├── RuleError (ValueError)            a rule that cannot be parsed or type-checked
│   ├── RuleSyntaxError               outside the grammar; carries position
│   ├── UnknownColumnError            names the closest known column
│   └── RuleTypeError                 e.g. ``age > "abc"``, ``lower(age)``
├── SchemaError (ValueError)          a schema file or a customer file that does not fit it
├── ArmSplitError (ValueError)        experiment arms or a global control group that cannot be used
└── CustomerNotFound (LookupError)    ``explain`` on an id that is not in the file
"""

from __future__ import annotations

from fanzha.errors import FanzhaError


class SegmentsError(FanzhaError):
    """Base error of the segments package."""


class RuleError(SegmentsError, ValueError):
    """A rule that cannot be used; ``column`` is 1-based inside the rule text."""

    def __init__(self, message: str, *, rule: str = "", column: int = 1, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.column = column
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.message} (column {self.column})"
        return f"{text}; {self.hint}" if self.hint else text


class RuleSyntaxError(RuleError):
    """The rule text is outside the rule grammar."""


class UnknownColumnError(RuleError):
    """The rule names a column the customer schema does not have."""


class RuleTypeError(RuleError):
    """The rule applies an operator or function to a column of the wrong type."""


class SchemaError(SegmentsError, ValueError):
    """A schema file, or a customer file that does not match the schema."""


class ArmSplitError(SegmentsError, ValueError):
    """Experiment arms, weights or a global control group that cannot be used."""


class CustomerNotFound(SegmentsError, LookupError):
    """The customer id is not in the customer file."""
