"""The risk interstitial ``/app/risk/{prompt_id}``: the comic, the questions, a pause, three buttons.

Authenticated like the feed's view (the ``fanzha_token`` cookie on ``/app``; a ``?token=`` is
swapped for it and removed from the address), and only for the customer the prompt was shown
to. The page is drawn on the server from the stored prompt; its script counts the pause down
("continue" stays disabled, "cancel" and "call" never are) and posts the button pressed to
``/app/risk/{prompt_id}/outcome``. Large text follows the customer's text mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
from typing import TYPE_CHECKING, Annotated, Any

import anyio.to_thread
from fanzha.delivery.api.media import MEDIA_URL, MediaImages
from fanzha.delivery.api.security import VIEW_COOKIE, customer_from_token, view_customer
from fanzha.delivery.api.view import CSP, _asset, _signin, cookie_exchange, view_path
from fanzha.delivery.risk_live import LiveRiskIndex
from fanzha.delivery.risk_store import check_by_prompt, record_outcome
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from fanzha.delivery.api.risk_pg import RiskWriter

router = APIRouter(include_in_schema=False)
PromptId = Annotated[str, Path(pattern=r"^rp_[0-9a-f]{24}$")]
ViewCustomer = Annotated[str, Depends(view_customer)]
_ACTIONS = {"cancel": "cancelled", "call": "called", "continue": "continued", "close": "closed"}


def risk_writer(engine: Engine) -> RiskWriter | None:
    """The async check writer on PostgreSQL; None elsewhere (checks go through a thread)."""
    if engine.dialect.name != "postgresql":
        return None
    from fanzha.delivery.api.risk_pg import RiskWriter

    return RiskWriter(engine)


async def start_refresh(live: LiveRiskIndex | None) -> asyncio.Task[None] | None:
    """Load the risk index now, then keep it current in the background (None: no index)."""
    if live is None:
        return None
    await anyio.to_thread.run_sync(live.refresh)

    async def loop() -> None:
        while True:
            await asyncio.sleep(live.interval)
            with contextlib.suppress(Exception):  # logged inside; the old index keeps serving
                await anyio.to_thread.run_sync(live.refresh)

    return asyncio.get_running_loop().create_task(loop())


def _own_prompt(request: Request, customer: str, prompt_id: str) -> dict[str, Any]:
    row = check_by_prompt(request.app.state.fanzha.engine, prompt_id)
    if row is None or row["customer_id"] != customer or not row["would_be"]:
        raise HTTPException(status_code=404, detail="not found")
    return row


def _page(prompt: dict[str, Any], media: MediaImages) -> str:
    esc = html.escape
    images = media.of(str(prompt.get("image_url") or "").removeprefix(MEDIA_URL))[1]
    questions = "".join(f"<li>{esc(q)}</li>" for q in prompt["questions"])
    buttons = []
    for action in prompt["actions"]:
        phone = f' data-phone="{esc(action["phone"])}"' if action.get("phone") else ""
        disabled = " disabled" if action["id"] == "continue" and prompt["pause_seconds"] else ""
        buttons.append(
            f'<button type="button" class="act act-{esc(action["id"])}" '
            f'data-action="{esc(action["id"])}"{phone}{disabled}>{esc(action["label"])}</button>'
        )
    image = ""
    if prompt.get("image_url"):  # every image of the comic: a strip's panels, stacked
        pictures = "".join(
            f'<img src="{esc(i["url"])}" alt="{esc(prompt["alt_text"]) if n == 0 else ""}"'
            + (f' width="{i["width"]}" height="{i["height"]}"' if i["width"] else "")
            + (' loading="lazy">' if n else ">")
            for n, i in enumerate(images)
        )
        image = f'<div class="comic">{pictures}</div>'

    large = " large" if prompt["large_text"] else ""
    zh = prompt["locale"] == "zh-CN"
    wait = "秒后可继续" if zh else "s until you can continue"
    stop = "先停一下：这可能是骗局" if zh else "Stop: this may be a scam"
    return (
        _asset("risk.html")
        .replace("{{LANG}}", esc(prompt["locale"]))
        .replace("{{LARGE}}", large)
        .replace("{{STOP}}", esc(stop))
        .replace("{{TITLE}}", esc(prompt["title"]))
        .replace("{{BODY}}", esc(prompt["body"]))
        .replace("{{IMAGE}}", image)
        .replace("{{QUESTIONS}}", questions)
        .replace("{{BUTTONS}}", "".join(buttons))
        .replace("{{PAUSE}}", str(int(prompt["pause_seconds"])))
        .replace("{{WAIT}}", esc(wait))
        .replace("{{PROMPT}}", esc(prompt["prompt_id"]))
    )


@router.get("/app/risk/{prompt_id}", response_class=HTMLResponse)
def risk_page(
    request: Request,
    prompt_id: PromptId,
    token: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """The interstitial for one prompt (cookie, or ``?token=`` swapped for it)."""
    if token is not None:
        return cookie_exchange(request, token, f"{view_path(request)}/risk/{prompt_id}")
    try:
        customer = customer_from_token(request, request.cookies.get(VIEW_COOKIE))
    except HTTPException:
        return _signin()
    row = _own_prompt(request, customer, prompt_id)
    return HTMLResponse(
        _page(json.loads(row["would_be"]), request.app.state.fanzha.media),
        headers={"Content-Security-Policy": CSP},
    )


class ButtonIn(BaseModel):
    """The button the customer pressed."""

    model_config = ConfigDict(extra="forbid")
    action: str


@router.post("/app/risk/{prompt_id}/outcome")
def risk_button(
    request: Request, customer: ViewCustomer, prompt_id: PromptId, body: ButtonIn
) -> dict[str, str]:
    """Record the button pressed as the check's action (the customer's own prompt only)."""
    if body.action not in _ACTIONS:
        raise HTTPException(status_code=422, detail="unknown action")
    row = _own_prompt(request, customer, prompt_id)
    state = request.app.state.fanzha
    now = state.clock()
    record_outcome(state.engine, row["check_id"], {"action": _ACTIONS[body.action]}, now, now)
    return {"action": _ACTIONS[body.action]}
