"""``POST /v1/risk-check`` and its outcome: the warning for this customer and this transfer.

The decision comes from the in-memory index (``delivery.risk_live``); the request costs one
preference lookup and one insert (the check, idempotent by ``check_id``). A store that cannot
be reached answers 503 at once; the bank's app is told to go on without a prompt (fail open).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import anyio.to_thread
import orjson
import sqlalchemy as sa
from fanzha.delivery.api.media import MEDIA_URL, MediaImages
from fanzha.delivery.api.risk_pg import RiskWriter
from fanzha.delivery.api.risk_schemas import (
    RiskCheckIn,
    RiskCheckOut,
    RiskOutcomeIn,
    RiskOutcomeOut,
)
from fanzha.delivery.api.schemas import ErrorOut
from fanzha.delivery.api.security import require_backend
from fanzha.delivery.clock import from_db, to_db
from fanzha.delivery.errors import StoreError
from fanzha.delivery.risk_index import Decision, RiskIndex, prompt_id_for
from fanzha.delivery.risk_live import LiveRiskIndex
from fanzha.delivery.risk_store import record_check, record_outcome, risk_prompts_off
from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from sqlalchemy.engine import Engine

log = logging.getLogger("fanzha.delivery.risk")

_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "a body that is not decodable JSON"},
    401: {"model": ErrorOut, "description": "missing or wrong backend key"},
}

router = APIRouter(tags=["risk"], dependencies=[Depends(require_backend)], responses=_RESPONSES)


def _values(body: RiskCheckIn, decision: Decision, now: datetime) -> dict[str, Any]:
    """The stored columns of a check, but for its reason and response."""
    rule, prompt = decision.rule, decision.prompt
    return {
        "check_id": body.check_id,
        "customer_id": body.customer_id,
        "campaign_id": decision.campaign_id,
        "version": decision.version,
        "kind": body.kind,
        "amount": body.amount,
        "occurred_at": to_db(body.occurred_at) if body.occurred_at else None,
        "decided_at": to_db(now),
        "rule_index": rule.index if rule else None,
        "rule": rule.when if rule else "",
        "warning_id": rule.warning if rule else "",
        "variant": str(prompt["variant"]) if prompt else "",
        "segment": decision.segment,
        "holdout": decision.holdout,
        "prompt_id": prompt_id_for(body.check_id) if prompt else None,
        "would_be": orjson.dumps(prompt).decode("utf-8") if prompt else "",
        "updated_at": to_db(now),
    }


def _answer(decision: Decision, check_id: str, media: MediaImages) -> tuple[str, str]:
    """The reason and the JSON answer; a prompt lists every image of its comic (a strip's
    panels, a carousel's pages) from the render's manifest, read once per process."""
    out = decision.response(check_id)
    shown = out["prompt"]
    if shown is not None:
        key = str(shown.get("image_url") or "").removeprefix(MEDIA_URL)
        display, images = media.of(key) if key else (None, ())
        out["prompt"] = {**shown, "display": display, "images": list(images)}
    return decision.reason, orjson.dumps(out).decode("utf-8")


def _record_sync(
    engine: Engine, body: RiskCheckIn, index: RiskIndex, now: datetime, media: MediaImages
) -> str:
    """SQLite (and any store without the async writer): read the preference, then insert."""
    try:
        with engine.begin() as conn:
            off = risk_prompts_off(conn, body.customer_id)
            decision = index.decide(body.check_id, body.customer_id, body.event(), off)
            reason, answer = _answer(decision, body.check_id, media)
            values = _values(body, decision, now) | {"reason": reason, "response": answer}
            return record_check(conn, values) or answer
    except sa.exc.SQLAlchemyError as exc:
        # Fail open: any store error is a 503 the app answers by going on without a prompt.
        log.error("risk check not stored: %s", type(exc).__name__)
        raise StoreError(f"store error: {type(exc).__name__}") from exc


async def check_answer(state: Any, body: RiskCheckIn) -> str:
    """Decide and store one check; the JSON answer (the stored one for a repeated id)."""
    live: LiveRiskIndex | None = state.risk
    if live is None:
        raise StoreError("risk prompts are not configured on this server")
    index = live.index
    now = state.clock()
    writer: RiskWriter | None = state.risk_writer
    if writer is None:
        return str(
            await anyio.to_thread.run_sync(
                _record_sync, state.engine, body, index, now, state.media
            )
        )
    # Decide once; the statement that stores the check reads the preference and picks the
    # answer (most decisions do not depend on it: one answer serves both).
    shown = index.decide(body.check_id, body.customer_id, body.event(), False)
    refused = shown.refused()
    on = _answer(shown, body.check_id, state.media)
    off = on if refused is shown else _answer(refused, body.check_id, state.media)
    return await writer.record(_values(body, shown, now), on, off)


@router.post("/v1/risk-check", response_model=RiskCheckOut)
async def risk_check(request: Request, body: RiskCheckIn) -> Response:
    """The prompt to show before this moment of risk, or null and why (idempotent by check_id)."""
    answer = await check_answer(request.app.state.fanzha, body)
    return Response(answer, media_type="application/json")


@router.post(
    "/v1/risk-check/{check_id}/outcome",
    response_model=RiskOutcomeOut,
    responses={404: {"model": ErrorOut, "description": "no such check"}},
)
def risk_outcome(
    request: Request,
    body: RiskOutcomeIn,
    check_id: str = Path(pattern=r"^[A-Za-z0-9_.:-]{1,128}$"),
) -> RiskOutcomeOut:
    """Record what happened after a check (held-out customers too); each field keeps its latest."""
    state = request.app.state.fanzha
    now = state.clock()
    row = record_outcome(state.engine, check_id, body.fields(), body.at or now, now)
    if row is None:
        raise HTTPException(status_code=404, detail="no such check")
    return RiskOutcomeOut(
        check_id=check_id,
        action=row["action"],
        transfer=row["transfer"],
        fraud_reported=row["fraud_reported"],
        updated_at=from_db(row["updated_at"]),
    )
