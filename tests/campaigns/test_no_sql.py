"""delivery owns its tables: no SQL, and no query building, anywhere in campaigns (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

CAMPAIGNS = Path(__file__).resolve().parents[2] / "campaigns"
EXEMPT: set[str] = set()  # triggers' queries moved to delivery.trigger_store

# SQL keywords in upper case, as every statement in this code base is written: prose such as
# "select the warning from the library" stays out.
PATTERNS = {
    "SELECT … FROM": re.compile(r"\bSELECT\b[^;]{0,400}?\bFROM\b", re.DOTALL),
    "INSERT INTO": re.compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b"),
    "UPDATE … SET": re.compile(r"\bUPDATE\s+\w+\s+SET\b"),
    "DELETE FROM": re.compile(r"\bDELETE\s+FROM\b"),
    "text(…)": re.compile(r"(?<![\w.])(?:sa\.|sqlalchemy\.)?text\("),
    "pandas SQL": re.compile(r"\b(?:read_sql\w*|to_sql)\("),
    "raw SQL": re.compile(r"\bexec_driver_sql\b|\bexecute\("),
    "query building": re.compile(r"\bsa\.(?:select|insert|update|delete)\(|\bsqlmodel\b"),
    "delivery's tables": re.compile(r"fanzha\.delivery\.models\b|\.__table__\b"),
}


def offences(text: str) -> list[str]:
    """Each SQL-looking thing in ``text``: ``LINE: kind: snippet``."""
    found = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            snippet = " ".join(match.group(0).split())[:80]
            found.append(f"{line}: {kind}: {snippet}")
    return found


def test_the_patterns_catch_what_campaigns_used_to_hold() -> None:
    # Samples of what runner, report, demo and audience held before delivery.campaign_store.
    samples = [
        "text(\"DELETE FROM messages WHERE campaign_id = :c AND state = 'pending'\")",
        '"SELECT customer_id, segment FROM assignments WHERE campaign_id = :c"',
        "frame.to_sql('assignments', conn)",
        "from fanzha.delivery.models import Preference\nfrom sqlmodel import Session, select",
        "m = Message.__table__\nquery = sa.select(m.c.customer_id)",
        "conn.execute(query)",
    ]
    for sample in samples:
        assert offences(sample), sample
    # Prose and pathlib are not SQL.
    assert not offences('path.write_text(text, encoding="utf-8")\n"""Pick from the library."""')


def test_campaigns_hold_no_sql() -> None:
    found = {
        str(path.relative_to(CAMPAIGNS.parent)): hits
        for path in sorted(CAMPAIGNS.rglob("*.py"))
        if path.name not in EXEMPT and (hits := offences(path.read_text(encoding="utf-8")))
    }
    assert not found, "SQL in campaigns (move it into a delivery module):\n" + "\n".join(
        f"{name}:{hit}" for name, hits in found.items() for hit in hits
    )
