"""A phone-sized browser view of a customer's feed, drawn by the same API the app uses."""

from __future__ import annotations

import html
from importlib import resources
from typing import Annotated

from fanzha.delivery.api.security import customer_from_token
from fastapi import APIRouter, Cookie, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

COOKIE = "fanzha_token"
_STATIC = {
    "feed.js": "text/javascript; charset=utf-8",
    "feed.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# Only our own script, styles and images: card text can never become markup or code.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


def _asset(name: str) -> str:
    return (
        resources.files("fanzha.delivery.api").joinpath("static", name).read_text(encoding="utf-8")
    )


@router.get("/app", response_class=HTMLResponse)
def feed_page(
    request: Request,
    token: Annotated[str | None, Query(max_length=1024)] = None,
    cookie_token: Annotated[str | None, Cookie(alias=COOKIE, max_length=1024)] = None,
) -> Response:
    """The customer's feed as the app shows it (token in ``?token=`` or the cookie)."""
    used = token or cookie_token
    try:
        customer = customer_from_token(request, used)
    except HTTPException:
        return HTMLResponse(
            _asset("signin.html"), status_code=401, headers={"Content-Security-Policy": _CSP}
        )
    page = _asset("feed.html").replace("{{TOKEN}}", html.escape(used or "", quote=True))
    page = page.replace("{{CUSTOMER}}", html.escape(customer, quote=True))
    response = HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": _CSP,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
    if token:
        # Reloading /app keeps working without the token staying in the address bar.
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            path="/app",
            secure=request.url.scheme == "https",
        )
    return response


@router.get("/app/static/{name}")
def static_asset(name: str) -> Response:
    """The view's script and stylesheet."""
    if name not in _STATIC:
        raise HTTPException(status_code=404, detail="not found")
    return Response(_asset(name), media_type=_STATIC[name], headers={"Cache-Control": "no-cache"})
