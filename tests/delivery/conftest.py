"""Fixtures shared by the delivery tests."""

from __future__ import annotations

import pandas as pd
import pytest
from fanzha.delivery import plain_batch


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the frames the dispatcher builds from claimed rows (none: the batch went
    out from the claim's rows)."""
    built: list[int] = []
    real = plain_batch.frame_of

    def counted(rows: plain_batch.Rows) -> pd.DataFrame:
        built.append(len(rows))
        return real(rows)

    monkeypatch.setattr(plain_batch, "frame_of", counted)
    return built
