"""``fanzha demo`` runs end to end in a temporary directory and leaves nothing outside it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli
from fanzha.delivery.keys import KeyRing

pytestmark = pytest.mark.slow  # the whole demo


def test_demo_runs_and_writes_everything_under_out(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--customers", "1500"])
    assert result.exit_code == 0, result.output
    assert list(work.iterdir()) == []  # nothing outside --out
    db = out / "fanzha.db"
    with sqlite3.connect(db) as conn:
        states = dict(
            conn.execute("SELECT state, COUNT(*) FROM messages GROUP BY state").fetchall()
        )
        feed = conn.execute("SELECT COUNT(*) FROM feed_items").fetchone()[0]
    assert states.get("delivered", 0) > 0
    assert len(states) >= 2  # several states: delivered plus pending/suppressed
    assert feed > 0
    assert any(p.suffix == ".pdf" for p in (out / "posters").iterdir())
    cards = list((out / "media").glob("*.webp"))
    assert cards and all(os.path.getsize(c) > 10_000 for c in cards)
    assert (out / "samples" / "credit-repair.png").exists()
    for label in ("held out", "segment elderly", "delivered", "fanzha serve", "demo finished"):
        assert label in result.output
    # The demo's own keys and fictional bank, in a file only its owner reads, named on screen.
    env_file = out / ".env"
    assert f". {env_file} && " in result.output
    assert env_file.stat().st_mode & 0o077 == 0
    exported = dict(
        line.removeprefix("export ").split("=", 1)
        for line in env_file.read_text(encoding="utf-8").splitlines()
        if line.startswith("export ")
    )
    for name in ("FANZHA_SECRET", "FANZHA_BACKEND_KEY", "FANZHA_WEBHOOK_SECRET"):
        KeyRing.parse(name, exported[name])  # strong enough for the services
    assert exported["FANZHA_DB"] == f"sqlite:///{db}"
    assert exported["FANZHA_BANK_PHONE"] == "00000"
