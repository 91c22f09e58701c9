"""Fixtures shared by the feed API tests: a store, an app, a settable clock, rows to seed."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from fanzha.delivery.api import create_app, mint_token
from fanzha.delivery.clock import to_db
from fanzha.delivery.keys import KeyRing, generate_key
from fanzha.delivery.models import PENDING, Assignment, CampaignVersion, FeedItem, Message
from fanzha.delivery.store import init_db, open_engine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from sqlalchemy.engine import Engine

# The three rings, as FANZHA_SECRET, FANZHA_BACKEND_KEY and FANZHA_WEBHOOK_SECRET would give
# them: token keys k2 (current) and k1 (older, still verifying).
SECRETS = {"k2": generate_key(), "k1": generate_key()}
TOKEN_KEYS = KeyRing("FANZHA_SECRET", tuple(SECRETS.items()))
BACKEND_KEY = generate_key()
BACKEND_KEYS = KeyRing("FANZHA_BACKEND_KEY", (("b1", BACKEND_KEY),))
WEBHOOK_KEYS = KeyRing("FANZHA_WEBHOOK_SECRET", (("w1", generate_key()),))


def ring(key_id: str, variable: str = "FANZHA_SECRET") -> KeyRing:
    """A ring holding just one of the token keys (``k1``, ``k2``), current."""
    return KeyRing(variable, ((key_id, SECRETS[key_id]),))


T0 = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
TTL = timedelta(days=30)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.now += delta


@dataclass
class Env:
    """A store, the app over it, a client and a clock."""

    engine: Engine
    app: FastAPI
    client: TestClient
    clock: Clock
    media_dir: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, customer_id: str) -> dict[str, str]:
        """Authorization header of a valid token for the customer."""
        if customer_id not in self.tokens:
            self.tokens[customer_id] = mint_token(
                customer_id, TOKEN_KEYS, timedelta(days=1), now=self.clock()
            )
        return {"Authorization": f"Bearer {self.tokens[customer_id]}"}


def make_env(db_url: str, tmp_path: Path, **app_kwargs: object) -> Iterator[Env]:
    """An initialised store and the feed app over it (use with ``yield from``)."""
    engine = open_engine(db_url)
    init_db(engine)
    clock = Clock()
    media_dir = tmp_path / "media"
    media_dir.mkdir(exist_ok=True)
    app = create_app(
        engine,
        token_keys=TOKEN_KEYS,
        backend_keys=BACKEND_KEYS,
        webhook_keys=WEBHOOK_KEYS,
        media_dir=media_dir,
        feed_ttl=TTL,
        clock=clock,
        **app_kwargs,  # type: ignore[arg-type]
    )
    with TestClient(app) as client:
        yield Env(engine, app, client, clock, media_dir)
    engine.dispose()


def _id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def add_feed_item(
    engine: Engine,
    customer_id: str,
    n: int,
    *,
    created_at: datetime,
    warning_id: str = "fake-loan",
    image_key: str = "",
    expires_at: datetime | None = None,
    title: str | None = None,
    body: str | None = None,
) -> str:
    """Insert one feed item (as the dispatcher's feed channel would) and return its id."""
    item_id = _id("item", customer_id, str(n))
    with engine.begin() as conn:
        conn.execute(
            sa.insert(FeedItem.__table__).values(
                id=item_id,
                message_id=_id("msg", customer_id, str(n)),
                customer_id=customer_id,
                campaign_id="spring-2027",
                warning_id=warning_id,
                variant="a",
                title=title or f"提醒 {n}",
                body=body or f"第 {n} 条：不要把验证码告诉任何人。",
                image_key=image_key,
                alt_text=f"四格漫画 {n}",
                created_at=to_db(created_at),
                expires_at=to_db(expires_at) if expires_at else None,
            )
        )
    return item_id


def add_message(
    engine: Engine,
    customer_id: str,
    wave: str,
    channel: str,
    *,
    warning_id: str = "fake-loan",
    segment: str = "young_workers",
    state: str = PENDING,
    leased_to: str | None = None,
) -> str:
    """Insert one outbox message (leased to a dispatcher if ``leased_to``) and return its id."""
    message_id = _id("m", customer_id, wave, channel)
    now = to_db(T0)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Message.__table__).values(
                id=message_id,
                campaign_id="spring-2027",
                version="v1",
                customer_id=customer_id,
                wave=wave,
                channel=channel,
                segment=segment,
                warning_id=warning_id,
                due_at=now + timedelta(hours=1),
                state=state,
                attempts=0,
                claimed_by=leased_to,
                lease_until=None if leased_to is None else now + timedelta(minutes=1),
                created_at=now,
                updated_at=now,
            )
        )
    return message_id


def message_states(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """Every message's (state, reason) by id."""
    table = Message.__table__
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.id, table.c.state, table.c.reason)).all()
    return {row.id: (row.state, row.reason) for row in rows}


def png_bytes(color: tuple[int, int, int], text: str = "") -> bytes:
    """A real 1080×1350 PNG card placeholder."""
    image = Image.new("RGB", (1080, 1350), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1020, 1290), outline=(255, 255, 255), width=12)
    draw.text((120, 640), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def write_image(media_dir: Path, color: tuple[int, int, int], text: str = "") -> str:
    """Write a PNG into the media dir under its content key; returns the key."""
    data = png_bytes(color, text)
    key = hashlib.sha256(data).hexdigest()[:32] + ".png"
    (media_dir / key).write_bytes(data)
    return key


def write_comic(media_dir: Path, fmt: str, sizes: list[tuple[int, int]]) -> list[str]:
    """A render as the renderer leaves it in the media dir: its images, each under its own
    content key, and the manifest beside the first listing them all. Returns the keys."""
    import json

    keys, entries = [], []
    for n, (width, height) in enumerate(sizes):
        image = Image.new("RGB", (width, height), (40 * n % 255, 90, 160))
        out = io.BytesIO()
        image.save(out, format="PNG")
        key = hashlib.sha256(out.getvalue() + fmt.encode()).hexdigest()[:24] + ".png"
        (media_dir / key).write_bytes(out.getvalue())
        keys.append(key)
        panels = [n] if fmt == "strip" and 0 < n < len(sizes) - 1 else [n + 1]
        entries.append(
            {"image": key, "key": key[:-4], "size_px": [width, height], "panels": panels}
        )
    manifest = {"format": fmt, "size_px": list(sizes[0]), "images": entries, "alt_text": "漫画"}
    (media_dir / f"{keys[0]}.json").write_text(json.dumps(manifest), encoding="utf-8")
    return keys


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` over real HTTP from a thread; yields the base URL."""
    import threading
    import time

    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def seed_three_customers(engine: Engine) -> None:
    """C000000001 assigned in an active campaign, C000000002 with a push, C000000003 a feed item."""
    with engine.begin() as conn:
        conn.execute(
            sa.insert(CampaignVersion.__table__).values(
                campaign_id="spring-2027",
                version="v1",
                name="春季",
                source="",
                created_at=T0,
                active=True,
            )
        )
        conn.execute(
            sa.insert(Assignment.__table__).values(
                campaign_id="spring-2027",
                customer_id="C000000001",
                version="v1",
                segment="elderly",
                holdout=False,
                eligible=True,
                reason="",
                locale="zh-CN",
                timezone="Asia/Shanghai",
            )
        )
    add_message(engine, "C000000002", "w1", "push")
    add_feed_item(engine, "C000000003", 1, created_at=T0)
