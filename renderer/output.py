"""Encoding: WebP/PNG/JPEG for cards, PDF (MediaBox, BleedBox, TrimBox, crop marks) for posters."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fanzha.renderer.errors import RenderError
from PIL import Image

IMAGE_TYPES = {"webp": "WEBP", "png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
# WebP lossless at its lowest effort: flat comic art and text come out pixel-exact, half the
# bytes of lossy quality 88 and faster to encode (bench/RESULTS.md, render).
ENCODER_OPTIONS: dict[str, dict[str, object]] = {
    "WEBP": {"lossless": True, "quality": 0, "method": 1},
    "PNG": {"compress_level": 6},
    "JPEG": {"quality": 92, "subsampling": 0, "optimize": True},
}
ENCODER_THREADS = max(2, min(4, os.cpu_count() or 2))
# Each type's Pillow plugin: imported by name, Pillow need not import all of its ~40 plugins
# (its `init`, 30-50 ms) to find the one encoder a render uses.
_PLUGINS = {"WEBP": "WebPImagePlugin", "PNG": "PngImagePlugin", "JPEG": "JpegImagePlugin"}


def load_plugin(kind: str) -> None:
    """Import Pillow's plugin for an image type (WEBP, PNG, JPEG), so saving finds it."""
    import importlib

    importlib.import_module(f"PIL.{_PLUGINS[kind]}")


def extension(out: Path | None, default: str) -> str:
    """The output type from a file's extension (lower case, no dot)."""
    ext = out.suffix.lstrip(".").lower() if out is not None and out.suffix else default
    if ext not in (*IMAGE_TYPES, "pdf"):
        raise RenderError(f"unsupported output type .{ext}; use .webp, .png, .jpg or .pdf")
    return ext


def save_image(img: Image.Image, path: Path, ext: str) -> None:
    """Encode an image atomically (write a temp file, then rename)."""
    if ext == "pdf":
        raise RenderError("cards are images: use .webp, .png or .jpg (posters make PDFs)")
    kind = IMAGE_TYPES[ext]
    load_plugin(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    img.save(tmp, kind, **ENCODER_OPTIONS[kind])
    os.replace(tmp, path)
    if threading.current_thread() is not threading.main_thread():
        with _count_lock:
            STATS.threaded += 1


@dataclass
class EncodeStats:
    """How many images were encoded on the encoder threads (the rest: on the caller's)."""

    threaded: int = 0


STATS = EncodeStats()
_count_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """This process's encoder threads (a forked render worker makes its own)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(ENCODER_THREADS, thread_name_prefix="encode"))
    return _pool[1]


@dataclass
class ImageWriter:
    """Encodes a render's images on encoder threads while the next ones are drawn.

    Pillow's encoders release the GIL, so a strip's panels encode side by side, and beside
    the drawing of the panels below them.
    """

    ext: str
    paths: list[Path] = field(default_factory=list)
    _jobs: list[Future[None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.ext in IMAGE_TYPES:  # here, not on the encoder threads (the import lock)
            load_plugin(IMAGE_TYPES[self.ext])

    def submit(self, img: Image.Image, path: Path) -> None:
        """Start encoding img to path."""
        self.paths.append(path)
        self._jobs.append(_executor().submit(lambda: save_image(img, path, self.ext)))

    def wait(self) -> None:
        """Until every image is written; the first encoder error is raised."""
        for job in self._jobs:
            job.result()

    def discard(self) -> None:
        """After a failed render: let the encoders finish, then remove what they wrote."""
        for job in self._jobs:
            job.exception()
        for path in self.paths:
            path.unlink(missing_ok=True)


def save_pdf(
    page: Image.Image, path: Path, bleed_px: int, dpi: int, marks: str, title: str
) -> None:
    """A one-page PDF: the page raster (JPEG, 4:4:4) plus vector crop marks and print boxes."""
    import pikepdf  # only PDFs need it: a strip or a card never loads it

    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=94, subsampling=0, dpi=(dpi, dpi))
    pdf = pikepdf.new()
    k = 72 / dpi
    w, h = page.width * k, page.height * k
    b = bleed_px * k
    image = pikepdf.Stream(pdf, buf.getvalue())
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = page.width, page.height
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    image.Filter = pikepdf.Name.DCTDecode
    pdf.add_blank_page(page_size=(w, h))
    pg = pdf.pages[0]
    pg.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    content = f"q {w:.3f} 0 0 {h:.3f} 0 0 cm /Im0 Do Q\n{marks}\n"
    pg.Contents = pdf.make_stream(content.encode("ascii"))
    pg.MediaBox = pikepdf.Array([0, 0, w, h])
    pg.BleedBox = pikepdf.Array([0, 0, w, h])
    pg.TrimBox = pikepdf.Array([b, b, w - b, h - b])
    pg.CropBox = pikepdf.Array([0, 0, w, h])
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Creator"] = "fanzha renderer"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pdf.save(tmp)
    os.replace(tmp, path)
