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
