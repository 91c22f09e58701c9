"""Posters: vector text with embedded fonts, print boxes, press CMYK, QR policy, art, headline size."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from fanzha.renderer import PosterSpec, render_poster
from fanzha.renderer.errors import PosterError
from fanzha.renderer.poster_check import preflight
from fanzha.renderer.poster_formats import POSTER_FORMATS
from fanzha.renderer.poster_qr import qr_problem
from fanzha.renderer.poster_words import JOINER, join_words, plain
from hypothesis import given
from hypothesis import strategies as st

from tests.renderer.conftest import AUTHORITIES, CREDIT

URL = "https://bank.example.com/app"
BANK = "示例银行"
MM = 72 / 25.4

pytestmark = pytest.mark.slow


def _render(tmp: Path, name: str, copies, **spec) -> tuple[Path, object]:  # type: ignore[no-untyped-def]
    out = tmp / f"{name}.pdf"
    options = {"community": "张江新市民公寓", "size": "A3", "bank_name": BANK, **spec}
    return out, render_poster(PosterSpec(**options), copies, out=out)


def _text(pdf: Path) -> str:
    """pdftotext's text with the whitespace taken out (line breaks fall anywhere)."""
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return "".join(raw.stdout.split())


@pytest.fixture(scope="module")
def made(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("posters")
    return {
        "a3": _render(tmp, "a3", [AUTHORITIES, CREDIT], qr=URL),
        "a3-press": _render(tmp, "a3-press", [AUTHORITIES, CREDIT], qr=URL, press=True),
        "a4": _render(tmp, "a4", [CREDIT], size="A4"),
        "a2": _render(tmp, "a2", [AUTHORITIES], size="A2", press=True),
        "rollup": _render(tmp, "rollup", [CREDIT], size="rollup", qr=URL),
        "four": _render(tmp, "four", [AUTHORITIES, CREDIT, AUTHORITIES, CREDIT], qr=URL),
    }


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def test_every_poster_manifest_names_the_font(made) -> None:  # type: ignore[no-untyped-def]
    from fanzha.renderer.api import default_fonts

    for key, (_pdf, manifest) in made.items():
        font = manifest.to_dict()["font"]
        assert font == default_fonts().info, key
        assert font["name"] and font["version"] and font["licence"], key


@needs_poppler
def test_pdffonts_lists_embedded_subset_fonts(made) -> None:  # type: ignore[no-untyped-def]
    for key in ("a3", "a3-press", "rollup"):
        out = subprocess.run(["pdffonts", str(made[key][0])], capture_output=True, text=True).stdout
        rows = out.splitlines()[2:]
        assert rows, f"{key}: no fonts at all (a raster poster)"
        for row in rows:
            emb, sub = row.split()[-5:-3]
            assert (emb, sub) == ("yes", "yes"), row


@needs_poppler
def test_pdftotext_returns_headline_red_flags_and_action_word_for_word(made) -> None:  # type: ignore[no-untyped-def]
    text = _text(made["a3"][0])
    for copy in (AUTHORITIES, CREDIT):
        assert copy.poster_headline in text
        assert "".join(copy.slogan.split()) in text  # each segment's own slogan
        assert copy.action in text
        for flag in copy.red_flags[:2]:
            assert f"“{flag}”" in text
    assert JOINER not in text


@needs_poppler
def test_boxes_are_the_format_exactly_with_bleed_inside_a_larger_mediabox(made) -> None:  # type: ignore[no-untyped-def]
    sizes = {"a3": "poster-a3", "a4": "poster-a4", "a2": "poster-a2", "rollup": "rollup"}
    for key, fmt in sizes.items():
        info = subprocess.run(
            ["pdfinfo", "-box", str(made[key][0])], capture_output=True, text=True, check=True
        ).stdout
        box = {
            line.split(":")[0]: [float(v) for v in line.split(":")[1].split()]
            for line in info.splitlines()
            if line.split(":")[0] in ("MediaBox", "BleedBox", "TrimBox")
        }
        w, h = POSTER_FORMATS[fmt].trim_mm
        trim, bleed, media = box["TrimBox"], box["BleedBox"], box["MediaBox"]
        assert (trim[2] - trim[0]) / MM == pytest.approx(w, abs=0.01), key
        assert (trim[3] - trim[1]) / MM == pytest.approx(h, abs=0.01), key
        for i, sign in enumerate((-1, -1, 1, 1)):
            assert (bleed[i] - trim[i]) * sign / MM == pytest.approx(3.0, abs=0.01), key
            assert (media[i] - bleed[i]) * sign / MM >= 10, key  # marks sit outside the bleed


def test_crop_marks_lie_outside_the_bleed(made) -> None:  # type: ignore[no-untyped-def]
    with pikepdf.open(made["a3"][0]) as pdf:
        page = pdf.pages[0]
        bleed = [float(v) for v in page.BleedBox]
        last = pikepdf.parse_content_stream(list(page.obj.Contents)[-1])
    points = [(float(o[0]), float(o[1])) for o, op in last if str(op) in ("m", "l")]
    assert len(points) >= 16
    for x, y in points:
        assert x < bleed[0] or x > bleed[2] or y < bleed[1] or y > bleed[3]


def test_press_file_has_no_rgb_anywhere_and_a_cmyk_output_intent(made) -> None:  # type: ignore[no-untyped-def]
    out = made["a3-press"][0]
    with pikepdf.open(out) as pdf:
        flat = io.BytesIO()
        pdf.save(flat, compress_streams=False, qdf=True)
        images = list(pdf.pages[0].images.values())
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
    raw = flat.getvalue()
    assert b"DeviceRGB" not in raw and b"/CalRGB" not in raw
    assert b" rg\n" not in raw and b" RG\n" not in raw
    assert images and all(str(i.ColorSpace) == "/DeviceCMYK" for i in images)
    assert preflight(out, press=True) == []


def test_preflight_passes_on_every_poster_in_its_mode(made) -> None:  # type: ignore[no-untyped-def]
    for key, (out, m) in made.items():
        assert preflight(out, press=m.extra["press"]) == [], key


def test_preflight_fails_a_bad_pdf_with_one_line_per_failure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """RGB text in an unembedded font at the trim edge, a 25 ppi RGB image, marks on the art."""
    w, h = 297 * MM, 420 * MM
    b = 3 * MM
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(w + 2 * b, h + 2 * b))
    page = pdf.pages[0]
    page.TrimBox = [b, b, w + b, h + b]
    page.BleedBox = [0, 0, w + 2 * b, h + 2 * b]  # = MediaBox: no room for marks
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    image = pikepdf.Stream(pdf, bytes([200, 30, 30]) * 100 * 100)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 100, 100, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Im1=image)
    )
    page.Contents = pdf.make_stream(
        (
            f"BT /F1 24 Tf 1 0 0 rg {b + 2:.1f} {h / 2:.1f} Td (Edge) Tj ET\n"
            f"BT /F1 24 Tf 0.6 0.5 0.5 1 k {w / 2:.1f} {h / 2:.1f} Td (Rich) Tj ET\n"
            f"q {100 * MM:.1f} 0 0 {100 * MM:.1f} {60 * MM:.1f} {60 * MM:.1f} cm /Im1 Do Q\n"
        ).encode()
    )
    bad = tmp_path / "bad.pdf"
    pdf.save(bad)
    lines = preflight(bad, press=True)
    joined = "\n".join(lines)
    assert all(line.startswith(f"{bad}: ") for line in lines)
    assert "font Helvetica is not embedded" in joined
    assert "MediaBox leaves 0.0 mm outside the bleed" in joined
    assert "image Im1 is RGB" in joined
    assert "image Im1 is 25 ppi where it is placed" in joined
    assert "RGB colour setting(s)" in joined
    assert "less than 5 mm inside the trim (closest 0.7 mm): E" in joined
    assert "four-colour black" in joined
    assert "no output intent" in joined
    assert len(lines) == 8
    assert not any("Rich" in line for line in lines if "inside the trim" in line)


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools missing")
def test_qr_decodes_to_the_configured_address(made, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for key in ("a3", "a3-press"):
        out, m = made[key]
        assert m.qr["payload"] == URL and m.qr["module_mm"] >= 1.0 and m.qr["error"] == "M"
        png = tmp_path / key
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-singlefile", str(out), str(png)], check=True
        )
        found = subprocess.run(
            ["zbarimg", "--raw", "-q", f"{png}.png"], capture_output=True, text=True
        ).stdout.split()
        assert found == [URL], key


@needs_poppler
def test_qr_wording_follows_the_advice(made) -> None:  # type: ignore[no-untyped-def]
    text = _text(made["a3"][0])
    assert f"打开{BANK}App扫一扫" in text
    assert f"本海报二维码仅限{BANK}App扫描；如被覆盖请勿扫描" in text
    assert "扫码了解" not in text and "扫码领取" not in text


@needs_poppler
def test_no_qr_without_a_configured_address_and_the_bank_named_once(made) -> None:  # type: ignore[no-untyped-def]
    out, m = made["a4"]
    assert m.qr is None
    text = _text(out)
    assert "扫一扫" not in text and text.count(BANK) == 1
    with pikepdf.open(out) as pdf:  # no code drawn either: the only picture is the art
        assert len(pdf.pages[0].images) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "https://127.0.0.1/x",
        "https://localhost/app",
        "https://10.1.2.3/",
        "https://192.168.0.10/",
        "https://intranet/",
        "https://[::1]/",
        "http://bank.example.com/",
    ],
)
def test_local_private_or_plain_http_addresses_are_refused(url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert qr_problem(url) is not None
    with pytest.raises(PosterError, match=r"^qr: "):
        _render(tmp_path, "x", [CREDIT], qr=url)
    assert not (tmp_path / "x.pdf").exists()


def test_public_https_address_is_accepted() -> None:
    assert qr_problem("https://bank.example.com/fanzha") is None


def test_a_poster_needs_the_banks_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PosterError, match="FANZHA_BANK_NAME"):
        _render(tmp_path, "x", [CREDIT], bank_name="")


@needs_poppler
def test_markup_and_code_in_copy_are_printed_literally(tmp_path) -> None:  # type: ignore[no-untyped-def]
    evil = '#panic("x") *粗体* $x^2$ #read("/etc/passwd")'
    copy = dataclasses.replace(CREDIT, poster_headline=evil, action="]) = 标题 <label> @ref")
    out, _ = _render(tmp_path, "evil", [copy], community="#set page(fill: red)")
    text = _text(out)
    for literal in (evil, "]) = 标题 <label> @ref", "#set page(fill: red)"):
        assert "".join(literal.split()) in text


def test_headline_cap_height_and_the_slogan_is_the_largest_type(made) -> None:  # type: ignore[no-untyped-def]
    """Measured in the PDF: font size times the embedded font's cap-height ratio."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def chars(obj):  # type: ignore[no-untyped-def]
        if isinstance(obj, LTChar):
            yield obj
        elif hasattr(obj, "__iter__"):
            for child in obj:
                yield from chars(child)

    for key, floor in (("a3", 25.0), ("four", 25.0), ("a4", 17.7), ("a2", 35.4), ("rollup", 60.0)):
        out, m = made[key]
        with pikepdf.open(out) as pdf:
            ratios = {
                # keyed by the descendant font's name, which pdfminer reports (a Type 0 font's
                # own name may carry the encoding: "…-Identity-H" with an OpenType/CFF face)
                str(f.DescendantFonts[0].BaseFont).lstrip("/"): float(
                    f.DescendantFonts[0].FontDescriptor.CapHeight
                )
                / 1000
                for f in pdf.pages[0].Resources.Font.values()
            }
        page = next(iter(extract_pages(str(out))))
        sized = [(c.size, c.get_text(), c.fontname) for c in chars(page) if c.get_text().strip()]
        largest = max(size for size, _, _ in sized)
        slogan = "".join(t for size, t, _ in sized if size >= largest - 0.01)
        assert "".join(m.extra["slogans"][0].split()).startswith(slogan[:3]), key
        size, _, font = max(sized)
        cap_mm = size * ratios[font] / MM
        assert cap_mm >= floor, f"{key}: headline capitals {cap_mm:.1f} mm < {floor} mm"


def test_every_block_has_its_art_at_the_formats_resolution(made) -> None:  # type: ignore[no-untyped-def]
    for key, (_, m) in made.items():
        arts = m.extra["art"]
        assert len(arts) == len(m.extra["warnings"]), key
        assert all(a["arrangement"] != "none" and a["panels"] for a in arts), key
        assert all(a["ppi"] == m.extra["art_ppi"] for a in arts), key
    assert made["rollup"][1].extra["art_ppi"] == 150
    assert "3 m" in made["a3"][1].extra["art_ppi_reason"]
    assert made["a3"][1].extra["art_ppi"] == 300


def test_four_warnings_fit_one_a3_each_with_its_headline(made) -> None:  # type: ignore[no-untyped-def]
    _, m = made["four"]
    names = {r.name for r in m.text_boxes}
    assert {f"warning{i}.headline" for i in range(1, 5)} <= names
    assert {f"warning{i}.red_flag1" for i in range(1, 5)} <= names


@given(st.text(alphabet=st.sampled_from("打开屏幕共享安全账户您的手机上了，。 ab12"), max_size=40))
def test_joiners_never_change_the_text(text: str) -> None:
    assert plain(join_words(text)) == text


def test_joiners_keep_words_whole() -> None:
    joined = join_words("请马上打开屏幕共享")
    pieces = joined.split(JOINER)
    assert "打" in pieces[0] or joined.index("打") > 0
    assert f"打{JOINER}开" in joined and f"马{JOINER}上" in joined
    assert f"上{JOINER}打" not in joined  # between two words a line may break


def test_a_long_slogan_breaks_once_at_the_space_that_balances_it() -> None:
    from fanzha.renderer.poster import _slogan_lines
    from fanzha.renderer.poster_formats import poster_format

    a3 = poster_format("A3")
    assert _slogan_lines("Hang up, call 110", a3) == "Hang up,\ncall 110"
    assert _slogan_lines(join_words("不乱贷 不信“修复”"), a3).split("\n")[0] == join_words("不乱贷")
    assert _slogan_lines("挂电话 打110", a3) == "挂电话 打110"  # fits one line: left alone
