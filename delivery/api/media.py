"""Serving rendered images by content key, with ETag and immutable caching; a render's images."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import FileResponse

MEDIA_KEY = re.compile(r"^[0-9a-f]{8,64}\.(webp|png|jpg)$")
MEDIA_TYPES = {"webp": "image/webp", "png": "image/png", "jpg": "image/jpeg"}
CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_URL = "/v1/media/"


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


class MediaImages:
    """Every image of a render, in reading order, from the manifest the renderer wrote beside it.

    A strip is a sequence of panel images and a carousel a sequence of pages; the store keeps
    the first image's key only (``image_key``), and ``<image_key>.json`` lists them all. Keys are
    content hashes, so what a manifest says never changes: it is read once per process.
    """

    LIMIT = 4096  # renders remembered (a campaign has tens to hundreds)
    RETRY_SECONDS = 30.0  # a missing manifest is looked for again after this long

    def __init__(self, media_dir: Path) -> None:
        self.media_dir = media_dir
        self._known: dict[str, tuple[str, tuple[dict[str, Any], ...]]] = {}
        self._missing: dict[str, float] = {}  # key -> when to look again (monotonic seconds)
        self.reads = 0  # manifests read (the rest of the answers came from memory)

    def of(self, image_key: str) -> tuple[str, tuple[dict[str, Any], ...]]:
        """``(display, images)`` of the render whose first image is ``image_key``.

        ``display`` is ``strip`` (images stacked, scrolled vertically), ``carousel`` (pages
        swiped sideways) or ``single``; each image is ``{url, width, height, panels}``. Without
        a readable manifest: the one image, size unknown (looked for again every half minute,
        so a page of such items costs no file system calls).
        """
        known = self._known.get(image_key)
        if known is not None:
            return known
        now = time.monotonic()
        if self._missing.get(image_key, 0.0) > now:
            return one_image(image_key)
        found = self._read(image_key)
        if len(self._known) >= self.LIMIT or len(self._missing) >= self.LIMIT:
            self._known.clear()
            self._missing.clear()
        if found is None:
            self._missing[image_key] = now + self.RETRY_SECONDS
            return one_image(image_key)
        self._known[image_key] = found
        return found

    def _read(self, image_key: str) -> tuple[str, tuple[dict[str, Any], ...]] | None:
        self.reads += 1
        if MEDIA_KEY.fullmatch(image_key) is None:
            return None
        try:
            data = json.loads((self.media_dir / f"{image_key}.json").read_bytes())
            entries = data.get("images") or [{"image": image_key, "size_px": data["size_px"]}]
            images = tuple(
                {
                    "url": MEDIA_URL + str(e["image"]),
                    "width": int(e["size_px"][0]),
                    "height": int(e["size_px"][1]),
                    "panels": [int(n) for n in e.get("panels", ())],
                }
                for e in entries
                if MEDIA_KEY.fullmatch(str(e["image"]))
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # no manifest, or not one the renderer wrote: the one image
        if not images or images[0]["url"] != MEDIA_URL + image_key:
            return None
        if data.get("format") == "strip":
            return "strip", images
        return ("carousel" if len(images) > 1 else "single"), images


def one_image(image_key: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    """A render known only by its first image: that image, size unknown."""
    return "single", ({"url": MEDIA_URL + image_key, "width": None, "height": None, "panels": []},)
