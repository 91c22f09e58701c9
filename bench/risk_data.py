"""The risk bench's data: a PostgreSQL schema of customer profiles, a ruleset with its
prompts, preferences, and the request bodies wrk posts (``bench/risk.py`` runs it)."""

from __future__ import annotations

import io
import json
import os
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd

SCHEMA = "bench_risk"
APP_NAME = "fanzha_bench_risk"  # how the server's database backends are found
CAMPAIGN = "spring-2027-new-citizens"
RULES = [
    ('kind == "transfer" and screen_sharing', "fake-customer-service", 20),
    (
        'kind == "transfer" and payee_new and amount >= 5000 and segment == "elderly"',
        "impersonating-authorities",
        30,
    ),
    (
        'kind == "transfer" and payee_new and payee_type == "personal" and amount >= 20000',
        "fake-investment",
        15,
    ),
]
SEGMENTS = ["elderly", "founders", "young_workers", ""]


def db_url() -> str:
    """The bench schema's URL (search_path set to it)."""
    base = os.environ.get("FANZHA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{SCHEMA}&application_name={APP_NAME}"


def profiles(n: int, seed: int = 5) -> pd.DataFrame:
    """``n`` customers: segment mix of the example campaign, 5% held out, some large text."""
    rng = np.random.default_rng(seed)
    segment = np.array(SEGMENTS)[rng.choice(4, n, p=[0.2, 0.15, 0.4, 0.25])]
    return pd.DataFrame(
        {
            "campaign_id": CAMPAIGN,
            "customer_id": pd.Series(np.arange(n)).map("C{:09d}".format),
            "segment": segment,
            "holdout": rng.random(n) < 0.05,
            "locale": np.where(rng.random(n) < 0.9, "zh-CN", "en"),
            "large_text": (segment == "elderly") | (rng.random(n) < 0.05),
            "withheld": False,
            "facts": "",
        }
    )


def prompts() -> dict[str, dict[str, object]]:
    """A prepared prompt per (warning, segment, locale, mode), as ``fanzha run`` stores them."""
    out = {}
    for _, warning, _ in RULES:
        for seg in SEGMENTS:
            for loc in ("zh-CN", "en"):
                for large in (0, 1):
                    out[f"{warning}|{seg}|{loc}|{large}"] = {
                        "warning_id": warning,
                        "variant": "a",
                        "locale": loc,
                        "title": "警察不会在电话里办案",
                        "body": "挂断电话，自己拨打110核实",
                        "questions": ["对方是不是说过：“把钱转到安全账户”？"] * 3,
                        "image_key": f"{abs(hash((warning, seg, loc, large))):032x}"[:32] + ".webp",
                        "alt_text": "漫画",
                        "large_text": bool(large),
                    }
    return out


PREFERENCE_COLUMNS = (
    "customer_id",
    "push_opt_out",
    "personalization_opt_out",
    "all_opt_out",
    "updated_at",
    "risk_prompts_off",
)


def preference_rows(n: int) -> list[tuple[object, ...]]:
    """Every 10th customer has set preferences; every 100th turned risk prompts off."""
    now = datetime.now(UTC)
    return [(f"C{i:09d}", False, False, False, now, i % 100 == 0) for i in range(0, n, 10)]


def load(n: int) -> float:
    """Create the schema and fill it (profiles by COPY); seconds taken."""
    import sqlalchemy as sa
    from fanzha.content import risk_labels
    from fanzha.delivery.risk_store import save_ruleset
    from fanzha.delivery.store import init_db, open_engine

    start = time.perf_counter()
    engine = open_engine(db_url())
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    init_db(engine)
    rules = [
        {"index": i, "when": w, "warning": warning, "pause_seconds": p}
        for i, (w, warning, p) in enumerate(RULES, start=1)
    ]
    empty = profiles(0).drop(columns=["campaign_id"])
    save_ruleset(
        engine,
        campaign_id=CAMPAIGN,
        version="bench",
        locale="zh-CN",
        holdout_pct=5.0,
        rules=rules,
        prompts=prompts(),
        labels={loc: risk_labels(loc) for loc in ("zh-CN", "en")},
        columns=[],
        profiles=empty,
        now=datetime.now(UTC),
    )
    frame = profiles(n)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for lo in range(0, n, 250_000):
            buf = io.StringIO()
            frame.iloc[lo : lo + 250_000].to_csv(buf, index=False, header=False)
            sql = (
                f"COPY risk_profiles ({', '.join(frame.columns)}) FROM STDIN "
                "WITH (FORMAT csv, FORCE_NOT_NULL (segment, facts))"
            )
            with cursor.copy(sql) as copy:
                copy.write(buf.getvalue())
        with cursor.copy(f"COPY preferences ({', '.join(PREFERENCE_COLUMNS)}) FROM STDIN") as copy:
            for row in preference_rows(n):
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE risk_profiles, preferences"))
    engine.dispose()
    return time.perf_counter() - start


def bodies(n: int, count: int = 5000, seed: int = 9) -> list[str]:
    """Request bodies after the check id: a mix of transfers, payees, loans and logins."""
    rng = np.random.default_rng(seed)
    kinds = ["transfer"] * 6 + ["payee_added", "loan_drawdown", "app_login_new_device"]
    out = []
    for _ in range(count):
        event = {
            "customer_id": f"C{int(rng.integers(0, n)):09d}",
            "kind": kinds[int(rng.integers(0, len(kinds)))],
            "amount": float(rng.choice([200, 3000, 8000, 50000])),
            "currency": "CNY",
            "payee_new": bool(rng.random() < 0.5),
            "payee_type": "personal" if rng.random() < 0.7 else "business",
            "payee_flagged": False,
            "screen_sharing": bool(rng.random() < 0.05),
            "on_call": bool(rng.random() < 0.1),
            "occurred_at": "2027-03-02T10:00:00+08:00",
        }
        out.append(json.dumps(event, ensure_ascii=False)[1:])  # the script prefixes the id
    return out


def stored(n: int) -> bool:
    """Whether the bench schema holds exactly ``n`` profiles (so --reuse may keep them)."""
    import sqlalchemy as sa
    from fanzha.delivery.store import open_engine

    engine = open_engine(db_url())
    try:
        with engine.connect() as conn:
            # (naming every column: a schema from an older migration is loaded again)
            query = "SELECT count(*) FROM risk_profiles WHERE withheld OR NOT withheld"
            prefs = (
                "SELECT count(*) FROM preferences WHERE risk_prompts_off OR NOT risk_prompts_off"
            )
            return bool(
                conn.execute(sa.text(query)).scalar() == n
                and conn.execute(sa.text(prefs)).scalar() == len(range(0, n, 10))
            )
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def clear_checks() -> None:
    """Forget the checks of earlier runs (each run's decision mix is its own)."""
    import sqlalchemy as sa
    from fanzha.delivery.store import open_engine

    engine = open_engine(db_url())
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE risk_checks"))
    engine.dispose()


def decisions() -> dict[str, int]:
    """Checks recorded in the bench schema, by decision."""
    import sqlalchemy as sa
    from fanzha.delivery.store import open_engine

    engine = open_engine(db_url())
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT reason, count(*) FROM risk_checks GROUP BY reason"))
        out = {str(r[0]): int(r[1]) for r in rows}
    engine.dispose()
    return out
