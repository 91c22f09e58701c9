"""Take docs/screenshots/report-zh-CN.png: the report of a simulated five-week campaign.

The example campaign (with a bandit story test on the elderly segment, min_sample lowered to
100 for this small population) runs weekly against 12,000 generated customers with a 2% global
control group; pushes go to the fake gateway, feed reads are simulated per arm, and outcomes
(fraud reported, with a pre-period; complaints) are imported. Takes about ten minutes.

Run from the repository root: .venv/bin/python docs/screenshots/report.py
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from fanzha.campaigns import dispatching, runner  # noqa: E402
from fanzha.campaigns.demo import example_campaign  # noqa: E402
from fanzha.campaigns.outcomes import import_outcomes  # noqa: E402
from fanzha.campaigns.report import write_report  # noqa: E402
from fanzha.campaigns.store import upgrade_store  # noqa: E402
from fanzha.campaigns.workspace import Workspace  # noqa: E402
from fanzha.delivery import FakeGateway  # noqa: E402
from fanzha.delivery.campaign_reads import report_frames  # noqa: E402
from fanzha.segments import generate_customers, write_customers  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.campaigns.conftest import make_settings  # noqa: E402
from tests.chromium import launch  # noqa: E402

START = datetime(2027, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
READ = {"impersonating-bank": 0.38, "impersonating-authorities": 0.26}  # others: 0.30


def simulate(root: Path, customers: int = 12_000, weeks: int = 5) -> Path:
    """Run, dispatch and read for ``weeks`` weeks; import outcomes; write the report."""
    cust = root / "customers.parquet"
    write_customers(generate_customers(customers, seed=5), cust)
    settings = make_settings(
        db_url=f"sqlite:///{root / 'fanzha.db'}",
        media_dir=root / "media",
        horizon=timedelta(days=7),
        control_pct=2.0,
    )
    upgrade_store(settings)
    ws = Workspace(settings)
    campaign = root / "campaign.yaml"
    text = example_campaign().read_text(encoding="utf-8")
    campaign.write_text(text.replace("min_sample: 200", "min_sample: 100"), encoding="utf-8")
    rng = np.random.default_rng(3)
    with FakeGateway() as gateway:
        adapter = dispatching.push_adapter(Workspace(settings.replace(gateway_url=gateway.url)))
        for week in range(weeks):
            now = START + timedelta(days=7 * week)
            runner.run_campaign(ws, campaign, cust, now)
            for day in range(1, 8):  # what a dispatcher running all week sends
                for _ in range(20):  # until a pass sends nothing more (deferrals stay put)
                    done = dispatching.drain(ws, now + timedelta(days=day, hours=12), adapter)
                    if not done["delivered"] + done["rejected"] + done["suppressed"]:
                        break
            _read(ws, rng)
    _outcomes(ws, root / "outcomes.csv", rng)
    return write_report(ws, "spring-2027-new-citizens", None, root / "report")


def _read(ws: Workspace, rng: np.random.Generator) -> None:
    """Mark this week's new feed items read, more often for the stronger story."""
    import sqlalchemy as sa
    from fanzha.delivery.models import FeedItem, Message

    f, m = FeedItem.__table__, Message.__table__  # type: ignore[attr-defined]
    with ws.engine.begin() as conn:
        rows = conn.execute(
            sa.select(f.c.id, m.c.arm)
            .join(m, m.c.id == f.c.message_id)
            .where(f.c.read_at.is_(None), f.c.dismissed_at.is_(None))
        ).all()
        items = pd.DataFrame(rows, columns=["id", "arm"])
        chance = items["arm"].map(READ).fillna(0.30).to_numpy()
        read = items.loc[rng.random(len(items)) < chance, "id"].tolist()
        # the rest were seen and left: dismissed, so next week draws only new items
        left = items.loc[~items["id"].isin(read), "id"].tolist()
        for ids, column in ((read, f.c.read_at), (left, f.c.dismissed_at)):
            for start in range(0, len(ids), 500):
                conn.execute(
                    f.update()
                    .where(f.c.id.in_(ids[start : start + 500]))
                    .values({column: f.c.created_at})
                )


def _outcomes(ws: Workspace, path: Path, rng: np.random.Generator) -> None:
    """Fraud reported (0.9% held out, 0.6% contacted), a pre-period, complaints; imported."""
    a = report_frames(ws.engine, "spring-2027-new-citizens").assignments
    a = a[a["eligible"].astype(bool) & (a["segment"].fillna("") != "")]
    held = a["holdout"].astype(bool).to_numpy()
    risk = rng.gamma(0.5, 2.0, len(a))  # each customer's own propensity, seen in the pre-period
    hit = rng.random(len(a)) < np.where(held, 0.009, 0.006) * risk
    day = rng.integers(0, 56, len(a))
    pre = rng.poisson(0.024 * risk)
    complaint = rng.random(len(a)) < np.where(held, 0.001, 0.002)
    rows = [
        (c, (START.date() + timedelta(days=int(d))).isoformat(), "fraud_reported", "1")
        for c, h, d in zip(a["customer_id"], hit, day, strict=True)
        if h
    ]
    rows += [
        (c, "2027-01-15", "fraud_reported", str(x))
        for c, x in zip(a["customer_id"], pre, strict=True)
        if x
    ]
    rows += [
        (c, "2027-03-20", "complaint", "是")
        for c, x in zip(a["customer_id"], complaint, strict=True)
        if x
    ]
    pd.DataFrame(rows, columns=["customer_id", "date", "metric", "value"]).to_csv(path, index=False)
    print(import_outcomes(ws, path).render())


def screenshot(index: Path, target: Path) -> None:
    """The whole page at 1440 CSS px, zh-CN."""
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page.goto(index.resolve().as_uri())
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(target), full_page=True)
        browser.close()


def main() -> None:
    """Simulate, report, screenshot."""
    with tempfile.TemporaryDirectory() as tmp:
        index = simulate(Path(tmp))
        screenshot(index, ROOT / "docs" / "screenshots" / "report-zh-CN.png")


if __name__ == "__main__":
    main()
