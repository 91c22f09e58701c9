"""Content-addressed render cache: one file per (warning text, format, style, version, type)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from fanzha.content.copy import WarningCopy
from fanzha.renderer.manifest import RENDERER_VERSION, Manifest


def cache_key(copy: WarningCopy, fmt: str, style_key: str, ext: str, *, font: str) -> str:
    """Hash of the copy's fingerprint (text, variant, locale), format, style, renderer version,
    type and font (``FontSet.key``)."""
    parts = (copy.fingerprint(), fmt, style_key, RENDERER_VERSION, ext.lower().lstrip("."), font)
    raw = "|".join(parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


class RenderCache:
    """A folder of `<key>.<ext>` images, each with its `<key>.<ext>.json` manifest beside it."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)

    def path(self, key: str, ext: str) -> Path:
        """Where the image for a key lives."""
        return self.dir / f"{key}.{ext.lstrip('.')}"

    def get(self, key: str, ext: str) -> Manifest | None:
        """The cached manifest for a key, or None on a miss (or a half-written entry, or one
        whose further images are gone)."""
        image = self.path(key, ext)
        meta = image.with_name(image.name + ".json")
        if not (image.is_file() and meta.is_file()):
            return None
        manifest = Manifest.read(meta, image)
        # a strip's panel images and a carousel's pages must all be there, or it is drawn again
        for entry in manifest.extra.get("images", ())[1:]:
            if not image.with_name(entry["image"]).is_file():
                return None
        return manifest

    def put(self, manifest: Manifest, rendered: Path) -> Manifest:
        """Store a rendered file under its key (atomically) and write its manifest."""
        ext = rendered.suffix.lstrip(".")
        self.dir.mkdir(parents=True, exist_ok=True)
        target = self.path(manifest.cache_key, ext)
        if rendered.resolve() != target.resolve():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(rendered, tmp)
            os.replace(tmp, target)
        images = [dict(e) for e in manifest.extra.get("images", ())]
        for entry in images[1:]:  # a strip's or carousel's further images, under their own keys
            page = self.path(entry["key"], ext)
            source = rendered.with_name(entry["image"])
            if source.resolve() != page.resolve():
                tmp = page.with_name(f".{page.name}.{os.getpid()}.tmp")
                shutil.copyfile(source, tmp)
                os.replace(tmp, page)
            entry["image"] = page.name
        if images:
            from dataclasses import replace

            manifest = replace(manifest, extra={**manifest.extra, "images": images})
        stored = _with_path(manifest, target)
        stored.write(target)
        return stored


def _with_path(manifest: Manifest, path: Path) -> Manifest:
    from dataclasses import replace

    return replace(manifest, image_path=path)
