"""Batch renders: one image per unique content key, cached keys skipped, manifests in job order."""

from __future__ import annotations

from fanzha.renderer import RenderCache, RenderJob, Style, render_batch

from tests.renderer.conftest import AUTHORITIES, CREDIT


def test_batch_renders_each_unique_job_once(tmp_path) -> None:
    cache = RenderCache(tmp_path)
    jobs = [
        RenderJob(AUTHORITIES, "card", Style()),
        RenderJob(CREDIT, "card", Style()),
        RenderJob(AUTHORITIES, "card", Style()),
    ] * 3
    manifests = render_batch(jobs, cache, processes=2)
    assert len(manifests) == len(jobs)
    assert [m.cache_key for m in manifests] == [j.key() for j in jobs]
    firsts = {m.image_path.name for m in manifests}
    assert len(firsts) == 2  # one render per unique job (a carousel adds its further pages)
    pages = {e["image"] for m in manifests for e in m.extra["images"]}
    assert {p.name for p in tmp_path.glob("*.webp")} == pages
    stamp = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.webp")}
    again = render_batch(jobs, cache, processes=2)
    assert [m.cache_key for m in again] == [m.cache_key for m in manifests]
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.webp")} == stamp  # nothing redrawn


def test_a_refused_render_is_set_aside_with_its_reason_and_the_others_are_drawn(
    tmp_path, monkeypatch
) -> None:
    import dataclasses

    import pytest
    from fanzha.renderer import RenderFailed, render_each
    from fanzha.renderer import api as render_api
    from fanzha.renderer.errors import TextOverflowError

    real = render_api.render_card

    def picky(copy, fmt, style, **kw):  # type: ignore[no-untyped-def]
        if copy.warning_id == "credit-repair":
            raise TextOverflowError("text box 'panel1' does not fit the card format")
        return real(copy, fmt, style, **kw)

    monkeypatch.setattr(render_api, "render_card", picky)
    cache = RenderCache(tmp_path)
    jobs = [RenderJob(AUTHORITIES, "card", Style()), RenderJob(CREDIT, "card", Style())]
    drawn, refused = render_each(jobs, cache, processes=1)
    assert not isinstance(drawn, RenderFailed) and drawn.image_path.is_file()
    assert isinstance(refused, RenderFailed) and refused.key == jobs[1].key()
    assert "does not fit the card format" in refused.reason
    # render_batch (the preview, a single render) still stops with the renderer's reason
    other = dataclasses.replace(jobs[1], style=Style(large_text=True))
    with pytest.raises(TextOverflowError, match="does not fit"):
        render_batch([jobs[0], other], cache, processes=1)
