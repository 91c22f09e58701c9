"""``fanzha demo``: the whole pipeline on generated customers, on a simulated clock."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from fanzha.campaigns.settings import Settings
from fanzha.campaigns.tables import table
from fanzha.campaigns.workspace import Workspace

DEMO_START = datetime(2027, 3, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEMO_DAYS = 7
# A bank that does not exist, with a number no phone network assigns: demo copy must never
# send a reader to a real institution's line.
DEMO_BANK = {"bank_name": "示例银行", "bank_name_en": "Demo Bank", "bank_phone": "00000"}


def example_campaign() -> Path:
    """The bundled example campaign file."""
    return Path(str(resources.files("fanzha.campaigns") / "examples" / "spring-2027.yaml"))


def run_demo(
    out: Path, *, n: int, settings: Settings, echo: Callable[[str], None] = print
) -> dict[str, object]:
    """Generate, segment, render, enqueue, send a week through a local gateway, summarise."""
    from fanzha.campaigns import dispatching, keygen, posters, runner, segmenting
    from fanzha.campaigns.store import upgrade_store
    from fanzha.delivery import FakeGateway, FaultSpec
    from fanzha.segments import generate_customers, write_customers

    started = time.perf_counter()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    db = out / "fanzha.db"
    for stale in (db, db.with_name("fanzha.db-wal"), db.with_name("fanzha.db-shm")):
        stale.unlink(missing_ok=True)
    # The demo's own keys and fictional bank, in a file the serve command below loads.
    keys = keygen.new_keys()
    env_file = keygen.write_env_file(
        out / ".env",
        {
            **keys,
            "FANZHA_DB": f"sqlite:///{db}",
            "FANZHA_MEDIA_DIR": str(out / "media"),
            **{f"FANZHA_{k.upper()}": v for k, v in DEMO_BANK.items()},
        },
    )
    settings = settings.replace(
        db_url=f"sqlite:///{db}",
        media_dir=out / "media",
        horizon=timedelta(days=2 * DEMO_DAYS),  # the second week stays pending: it is not sent yet
        **DEMO_BANK,
        **keygen.as_fields(keys),
    )
    upgrade_store(settings)  # the demo makes its own store; elsewhere `fanzha db upgrade` does
    ws = Workspace(settings)
    campaign_file = out / "campaign.yaml"
    shutil.copyfile(example_campaign(), campaign_file)
    shutil.copyfile(
        example_campaign().with_name("campaign.schema.json"), out / "campaign.schema.json"
    )

    customers = out / "customers.parquet"
    with _step(echo, f"1/6 generating {n:,} customers"):
        write_customers(generate_customers(n, seed=2027), customers)
    with _step(echo, "2/6 segmenting"):
        segmenting.segment_customers(
            campaign_file,
            customers,
            out / "assignments.csv",
            as_of=DEMO_START.date(),
            settings=settings,
        )
    with _step(echo, f"3/6 picking warnings, rendering cards, enqueuing {2 * DEMO_DAYS} days"):
        result = runner.run_campaign(ws, campaign_file, customers, DEMO_START)
    with _step(echo, "4/6 rendering posters and sample cards"):
        poster_paths = posters.campaign_posters(ws, campaign_file, out / "posters")
        samples = _sample_cards(ws, out / "samples")
    with _step(
        echo,
        f"5/6 sending the first {DEMO_DAYS} days through a local push gateway (simulated clock)",
    ):
        first_loans = _first_loan_events(ws, out, DEMO_START + timedelta(days=2, hours=1))
        # A few pushes are rejected, as real gateways reject uninstalled apps and stale aliases.
        faults = FaultSpec(reject_rate=0.01, seed=7)
        with FakeGateway(faults, keys=settings.webhook_keys()) as gateway:
            adapter = dispatching.push_adapter(Workspace(settings.replace(gateway_url=gateway.url)))
            ticks = _simulate_week(ws, adapter, DEMO_START, DEMO_START + timedelta(days=DEMO_DAYS))
            accepted = len(gateway.accepted_ids())
    echo("6/6 summary\n")
    summary = _summary(ws, result, accepted, ticks, first_loans)
    echo(summary)
    token_customer = _sample_customer(ws)
    fanzha = _fanzha_command()
    echo(
        "\nOutputs:\n"
        f"  store (SQLite)        {db}\n  customers             {customers}\n"
        f"  assignments           {out / 'assignments.csv'}\n  card images (cache)   {out / 'media'}\n"
        f"  sample cards (PNG)    {', '.join(str(p) for p in samples)}\n"
        f"  posters (PDF)         {', '.join(str(p) for p in poster_paths)}\n"
        f"  settings and keys     {env_file}\n"
        f"\nServe the feed with the demo's keys:\n  . {env_file} && {fanzha} serve --port 8000\n"
        f"  then open http://127.0.0.1:8000/app?token=$({fanzha} token {token_customer})\n"
        f"\ndemo finished in {time.perf_counter() - started:.1f}s"
    )
    return {"result": result, "accepted": accepted, "posters": poster_paths, "samples": samples}


@contextmanager
def _step(echo: Callable[[str], None], what: str) -> Iterator[None]:
    """Say what the step does, and show a bar while it runs (on a terminal)."""
    from fanzha.campaigns.progress import progress

    echo(f"{what} …")
    began = time.perf_counter()
    with progress(what.split(" ", 1)[1]):
        yield
    echo(f"    done in {time.perf_counter() - began:.1f}s")


def _fanzha_command() -> str:
    """How to call fanzha from a shell: the console script beside this Python, if there is one."""
    import shutil
    import sys

    beside = Path(sys.executable).with_name("fanzha")
    if beside.exists() and shutil.which("fanzha") != str(beside):
        return str(beside)
    return "fanzha"


def _sample_cards(ws: Workspace, folder: Path) -> list[Path]:
    """A few PNG cards to look at: one per segment of the example campaign."""
    from fanzha.campaigns.posters import RenderRequest, render_single

    folder.mkdir(parents=True, exist_ok=True)
    picks = [
        ("impersonating-authorities", "中老年新市民", True),
        ("fake-business-deal", "新市民创业者", False),
        ("credit-repair", "新就业青年", False),
    ]
    paths = []
    for warning, label, large in picks:
        path = folder / f"{warning}.png"
        render_single(ws, RenderRequest(warning, "card", label, large_text=large), path)
        paths.append(path)
    return paths


def _first_loan_events(ws: Workspace, out: Path, at: datetime) -> int:
    """A few first loans mid-week, so the cooling-off trigger shows in the demo."""
    from fanzha.delivery import record_event
    from fanzha.delivery.campaign_reads import contactable_customers

    ids = contactable_customers(ws.engine, 5)
    for i, cid in enumerate(ids):
        record_event(
            ws.engine,
            event_id=f"demo-loan-{i}",
            customer_id=cid,
            kind="first_loan",
            occurred_at=at,
            now=at,
        )
    return len(ids)


def _simulate_week(ws: Workspace, adapter, start: datetime, end: datetime) -> int:  # type: ignore[no-untyped-def]
    """Jump the clock from one due time to the next and send what is due."""
    from fanzha.campaigns.dispatching import drain
    from fanzha.campaigns.progress import progress

    now, ticks = start, 0
    day = timedelta(days=1)
    with progress("simulated days", total=(end - start) / day) as bar:
        while now <= end and ticks < 10_000:
            drain(ws, now, adapter)
            ticks += 1
            bar.update(min(now - start, end - start) / day)
            nxt = _next_due(ws, now)
            if nxt is None:
                break
            now = max(nxt, now + timedelta(seconds=1))
    return ticks


def _next_due(ws: Workspace, after: datetime) -> datetime | None:
    from fanzha.delivery.campaign_reads import next_due

    return next_due(ws.engine)


def _sample_customer(ws: Workspace) -> str:
    from fanzha.delivery.campaign_reads import message_states

    return message_states(ws.engine).first_feed_customer or "C000000001"


def _media_images(ws: Workspace) -> int:
    """Image files the run wrote into the media folder (the manifests beside them not counted)."""
    return sum(1 for p in ws.settings.media_dir.iterdir() if p.suffix != ".json")


def _summary(ws: Workspace, result, accepted: int, ticks: int, first_loans: int) -> str:  # type: ignore[no-untyped-def]
    c = result.counts
    rows = [
        ("customers", c["customers"]),
        ("eligible", c["eligible"]),
        ("held out (never contacted)", c["held_out"]),
    ]
    rows += [(f"excluded: {k}", v) for k, v in c["excluded"].items()]
    rows += [(f"segment {k}", v) for k, v in c["matched"].items()]
    rows += [("unmatched", c["unmatched"])]
    from fanzha.delivery.campaign_reads import message_states

    counted = message_states(ws.engine)
    states, feed = counted.states, counted.feed_items
    msg_rows = [(ch, st + (f" ({why})" if why else ""), n) for ch, st, why, n in states]
    return "\n".join(
        [
            table(rows, ("audience", "customers")),
            "",
            table(msg_rows, ("channel", "state", "messages")),
            "",
            f"pushes accepted by the gateway: {accepted}; feed items written: {feed}; "
            f"first-loan events: {first_loans}; clock ticks: {ticks}",
            f"comic images written to media/: {_media_images(ws)} "
            f"({result.renders} unique renders; a strip has one image per panel)",
        ]
    )
