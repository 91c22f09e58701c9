"""Posters: PDF page and print boxes, bleed, crop marks, slogan size, and a QR code that decodes."""

from __future__ import annotations

import json

import numpy as np
import pikepdf
import pytest
from fanzha.renderer import PosterSpec, render_poster
from fanzha.renderer.formats import FORMATS, mm_to_px
from pikepdf import PdfImage

from tests.renderer.conftest import AUTHORITIES, CREDIT

URL = "https://bank.example.com/fanzha"
MM = 72 / 25.4


@pytest.fixture(scope="module", params=["A4", "A3"])
def poster(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("poster") / f"{request.param}.pdf"
    spec = PosterSpec("张江新市民公寓", request.param, URL, bank_name="示例银行")
    m = render_poster(spec, [AUTHORITIES, CREDIT], out=out)
    return request.param, out, m


def test_pdf_boxes_are_trim_plus_3mm_bleed(poster) -> None:
    size, out, _ = poster
    trim_mm = {"A4": (210, 297), "A3": (297, 420)}[size]
    with pikepdf.open(out) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
    assert media[2] / MM == pytest.approx(trim_mm[0] + 6, abs=0.2)
    assert media[3] / MM == pytest.approx(trim_mm[1] + 6, abs=0.2)
    assert bleed == media
    assert trim[0] / MM == pytest.approx(3, abs=0.1) and trim[1] / MM == pytest.approx(3, abs=0.1)
    assert (trim[2] - trim[0]) / MM == pytest.approx(trim_mm[0], abs=0.2)
    assert (trim[3] - trim[1]) / MM == pytest.approx(trim_mm[1], abs=0.2)


def test_crop_marks_are_drawn_in_the_bleed(poster) -> None:
    _, out, _ = poster
    with pikepdf.open(out) as pdf:
        ops = pikepdf.parse_content_stream(pdf.pages[0])
        trim = [float(v) for v in pdf.pages[0].TrimBox]
    strokes = [op for op in ops if str(op.operator) == "S"]
    moves = [[float(v) for v in op.operands] for op in ops if str(op.operator) in ("m", "l")]
    assert len(strokes) >= 8  # two marks per corner
    for x, y in moves:  # every mark point lies outside the trim box (or on its extended line)
        assert (
            x <= trim[0] + 0.01 or x >= trim[2] - 0.01 or y <= trim[1] + 0.01 or y >= trim[3] - 0.01
        )


def test_qr_decodes_from_the_rendered_pdf(poster) -> None:
    cv2 = pytest.importorskip("cv2")
    _, out, m = poster
    with pikepdf.open(out) as pdf:
        raster = PdfImage(next(iter(pdf.pages[0].images.values()))).as_pil_image().convert("RGB")
    x0, y0, x1, y1 = m.qr["box"]
    pad = 40
    crop = np.asarray(raster.crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad)).convert("L"))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(crop)
    assert text == URL
    assert m.qr["module_mm"] >= 1.0 and m.qr["error"] == "M" and m.qr["quiet_zone_modules"] == 4


def test_text_stays_5mm_inside_trim_and_slogan_is_big(poster) -> None:
    size, out, m = poster
    data = json.loads(out.with_name(out.name + ".json").read_text(encoding="utf-8"))
    bleed, safe = mm_to_px(3), mm_to_px(5)
    fmt = FORMATS[f"poster-{size.lower()}"]
    for box in data["text_boxes"]:
        x0, y0, x1, y1 = box["box"]
        assert x0 >= bleed + safe and y0 >= bleed + safe, box["name"]
        assert x1 <= bleed + fmt.width - safe and y1 <= bleed + fmt.height - safe, box["name"]
    slogan = next(b for b in data["text_boxes"] if b["name"] == "slogan")
    assert slogan["font_px"] >= 340  # >= 72 pt at 300 dpi
    names = {b["name"] for b in data["text_boxes"]}
    assert {
        "community",
        "bank_name",
        "hotline",
        "qr_caption",
        "warning1.headline",
        "warning2.action",
    } <= names
    assert data["dpi"] == 300 and data["min_contrast"] >= 4.5
    assert "张江新市民公寓" in m.alt_text
