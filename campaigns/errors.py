"""Errors of the campaigns package.

CampaignsError (Exception)
├── CampaignFileError (ValueError)    one or more problems in a campaign file; ``problems`` lists them
├── CampaignNotFound (LookupError)    no campaign with that id in the store
└── SettingsError (ValueError)        an environment setting that cannot be used
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a file, printed as ``FILE:LINE:COL: message``."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CampaignsError(Exception):
    """Base error of the campaigns package."""


class CampaignFileError(CampaignsError, ValueError):
    """A campaign file with problems; all of them are in ``problems``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class CampaignNotFound(CampaignsError, LookupError):
    """No campaign with that id."""


class SettingsError(CampaignsError, ValueError):
    """An environment setting that cannot be used."""
