"""Serving rendered images by content key, with ETag and immutable caching."""

from __future__ import annotations

import re

from fastapi import HTTPException, Request, Response
from fastapi.responses import FileResponse

MEDIA_KEY = re.compile(r"^[0-9a-f]{8,64}\.(webp|png|jpg)$")
MEDIA_TYPES = {"webp": "image/webp", "png": "image/png", "jpg": "image/jpeg"}
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _etag_matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak or strong, or ``*``)."""
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def media_response(request: Request, key: str) -> Response:
    """The image ``media_dir/key``; 304 when the client has it, 404 for anything else."""
    # The strict key pattern is what keeps '..', '/' and odd names out of the file system.
    match = MEDIA_KEY.fullmatch(key)
    if match is None:
        raise HTTPException(status_code=404, detail="not found")
    path = request.app.state.fanzha.media_dir / key
    if not path.is_file():
        raise HTTPException(status_code=404, detail="not found")
    # Keys are content hashes, so the key itself is a strong validator.
    etag = f'"{key.split(".")[0]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=MEDIA_TYPES[match.group(1)], headers=headers)
