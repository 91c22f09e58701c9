"""Authentication: the customer's feed token (Bearer, or the view's cookie) and the backend key."""

from __future__ import annotations

from fanzha.delivery.api.errors import TokenError
from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

bearer = HTTPBearer(auto_error=False, description="customer feed token (fanzha token)")
backend_key_header = APIKeyHeader(
    name="X-Backend-Key",
    auto_error=False,
    description="the bank app backend's key (any key of FANZHA_BACKEND_KEY)",
)

# The browser view's session: the feed token, moved from ?token= into an HttpOnly cookie.
VIEW_COOKIE = "fanzha_token"

UNAUTHORIZED = HTTPException(
    status_code=401, detail="missing or invalid token", headers={"WWW-Authenticate": "Bearer"}
)


def customer_from_token(request: Request, token: str | None) -> str:
    """The customer a token names, or a 401."""
    state = request.app.state.fanzha
    if not token:
        raise UNAUTHORIZED
    try:
        return state.tokens.customer(token, state.clock())
    except TokenError:
        # One answer for every failure: a caller learns nothing about why.
        raise UNAUTHORIZED from None


async def current_customer(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> str:
    """The authenticated customer of a feed request (Bearer token)."""
    # async although it never awaits: a plain def would cost a threadpool hop per request.
    return customer_from_token(request, credentials.credentials if credentials else None)


async def view_customer(request: Request) -> str:
    """The customer of the browser view's own calls (its cookie; never a Bearer header)."""
    return customer_from_token(request, request.cookies.get(VIEW_COOKIE))


async def require_backend(request: Request, key: str | None = Depends(backend_key_header)) -> None:
    """Let only the bank's app backend through (any key of its ring, during a rotation too)."""
    if not request.app.state.fanzha.backend_keys.accepts(key):
        raise HTTPException(status_code=401, detail="missing or invalid backend key")
