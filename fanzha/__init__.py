"""fanzha (反诈): personalized anti-fraud education campaigns for banks."""

from __future__ import annotations

__all__: list[str] = []
