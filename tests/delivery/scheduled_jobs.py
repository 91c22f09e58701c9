"""Job targets the scheduler tests schedule (they must be importable by name)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any


def record(ctx: Any, now: datetime, path: str) -> None:
    """Append the job's ``now`` to a file, one line per run."""
    del ctx
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(now.isoformat() + "\n")
