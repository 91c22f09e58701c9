"""The ``fanzha`` command line: one module per command family, each a thin layer on the API.

Each command parses its options, makes one library call and prints the result; errors are
handled once, on the group (``main.FanzhaGroup``).
"""

from __future__ import annotations

# Importing a family module registers its commands on the group.
from fanzha.campaigns.cli import admin, audience, authoring, campaign, experiments, risk, services
from fanzha.campaigns.cli.main import cli, main

__all__ = [
    "admin",
    "audience",
    "authoring",
    "campaign",
    "cli",
    "experiments",
    "main",
    "risk",
    "services",
]
