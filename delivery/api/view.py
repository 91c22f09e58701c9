"""A phone-sized browser view of a customer's feed, drawn by the same API the app uses.

The link a bank hands out carries the token (``/app?token=…``). The first request swaps it for
an HttpOnly cookie (SameSite=Strict, Secure over https, Path=/app) and redirects (303) to the
bare ``/app``, so the token leaves the address bar and the history at once. The page's script
then calls ``/app/api/…`` (the feed routes again, authenticated by the cookie and nothing
else), so the cookie is never sent to ``/v1`` and the Bearer API never accepts a cookie.
"""

from __future__ import annotations

import html
from datetime import timedelta
from importlib import resources
from typing import Annotated

from fanzha.delivery.api.feed_route import feed_response
from fanzha.delivery.api.page import ITEM_ID_PATTERN
from fanzha.delivery.api.routes_customer import dismiss_response, read_response
from fanzha.delivery.api.schemas import FeedQuery
from fanzha.delivery.api.security import VIEW_COOKIE, customer_from_token, view_customer
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

_STATIC = {
    "feed.js": "text/javascript; charset=utf-8",
    "feed.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "risk.js": "text/javascript; charset=utf-8",
    "risk.css": "text/css; charset=utf-8",
}
# Only our own script, styles and images: card text can never become markup or code.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)
ViewCustomer = Annotated[str, Depends(view_customer)]
ItemId = Annotated[str, Path(pattern=ITEM_ID_PATTERN)]


def _asset(name: str) -> str:
    return (
        resources.files("fanzha.delivery.api").joinpath("static", name).read_text(encoding="utf-8")
    )


def _signin() -> HTMLResponse:
    return HTMLResponse(
        _asset("signin.html"), status_code=401, headers={"Content-Security-Policy": CSP}
    )


def view_path(request: Request) -> str:
    """Where the view lives (below the app's root path, when mounted behind a prefix)."""
    return f"{request.scope.get('root_path', '')}/app"


def cookie_exchange(request: Request, token: str, to: str) -> Response:
    """A ``?token=`` traded for an HttpOnly cookie and a redirect to ``to`` (a clean URL)."""
    state = request.app.state.fanzha
    try:
        customer_from_token(request, token)
    except HTTPException:
        return _signin()
    expires = state.tokens.expiry(token)
    redirect = RedirectResponse(to, status_code=303)
    redirect.set_cookie(
        VIEW_COOKIE,
        token,
        max_age=max(1, int((expires - state.clock()) / timedelta(seconds=1))),
        path=view_path(request),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return redirect


@router.get("/app", response_class=HTMLResponse)
def feed_page(
    request: Request, token: Annotated[str | None, Query(max_length=1024)] = None
) -> Response:
    """The customer's feed as the app shows it: ``?token=`` becomes the cookie, then a clean URL."""
    if token is not None:
        return cookie_exchange(request, token, view_path(request))
    try:
        customer = customer_from_token(request, request.cookies.get(VIEW_COOKIE))
    except HTTPException:
        return _signin()
    page = _asset("feed.html").replace("{{CUSTOMER}}", html.escape(customer, quote=True))
    return HTMLResponse(page, headers={"Content-Security-Policy": CSP})


@router.get("/app/api/feed")
async def view_feed(
    request: Request, customer: ViewCustomer, query: Annotated[FeedQuery, Query()]
) -> Response:
    """The feed page, for the view's script (cookie)."""
    return await feed_response(request, customer, query)


@router.post("/app/api/feed/{item_id}/read")
def view_read(request: Request, customer: ViewCustomer, item_id: ItemId) -> Response:
    """Mark an item read, for the view's script (cookie)."""
    return read_response(request, customer, item_id)


@router.post("/app/api/feed/{item_id}/dismiss")
def view_dismiss(request: Request, customer: ViewCustomer, item_id: ItemId) -> Response:
    """Dismiss an item, for the view's script (cookie)."""
    return dismiss_response(request, customer, item_id)


@router.get("/app/static/{name}")
def static_asset(name: str) -> Response:
    """The view's script and stylesheet."""
    if name not in _STATIC:
        raise HTTPException(status_code=404, detail="not found")
    return Response(_asset(name), media_type=_STATIC[name], headers={"Cache-Control": "no-cache"})
