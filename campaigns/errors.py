"""Errors of the campaigns package.

CampaignsError (fanzha.errors.FanzhaError)
├── CampaignFileError (ValueError)    one or more problems in a campaign file; ``problems`` lists them
├── CampaignNotFound (LookupError)    no campaign with that id in the store
├── SettingsError (ValueError)        a FANZHA_* setting that cannot be used; one line per variable
├── StoreNotReady (RuntimeError)      the store has no tables, or older ones: run ``fanzha db upgrade``
└── InputError (ValueError)           a command-line or API value out of range (e.g. ``--now`` in 9999)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fanzha.errors import FanzhaError

if TYPE_CHECKING:
    from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One problem in a file, printed as ``FILE:LINE:COL: message``."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CampaignsError(FanzhaError):
    """Base error of the campaigns package."""

    @property
    def lines(self) -> list[str]:
        """What a user is shown, one line per problem."""
        return str(self).splitlines() or [type(self).__name__]


class CampaignFileError(CampaignsError, ValueError):
    """A campaign file with problems; all of them are in ``problems``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class CampaignNotFound(CampaignsError, LookupError):
    """No campaign with that id."""


class SettingsError(CampaignsError, ValueError):
    """Environment settings that cannot be used; each line names its variable."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    @classmethod
    def from_validation(
        cls, exc: ValidationError, variables: Mapping[str, str] | None = None
    ) -> SettingsError:
        """One line per bad variable, named as it is set in the environment.

        ``variables`` maps field names to variable names, for values given by field name.
        """
        lines = []
        for error in exc.errors():
            variable = ".".join(str(part) for part in error["loc"]) or "settings"
            variable = (variables or {}).get(variable, variable)
            given = error.get("input")
            shown = "" if "SECRET" in variable or "KEY" in variable else f" (got {given!r})"
            message = error["msg"].removeprefix("Value error, ")  # pydantic's prefix for validators
            lines.append(f"{variable}: {message}{shown}")
        return cls(lines)


class StoreNotReady(CampaignsError, RuntimeError):
    """The store lacks the tables this command needs."""


class InputError(CampaignsError, ValueError):
    """A value given on the command line or to the API that cannot be used."""
