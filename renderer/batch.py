"""Campaign renders: one per unique content key, in a process pool, skipping cached keys."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fanzha.content.copy import WarningCopy
from fanzha.renderer.cache import RenderCache, cache_key
from fanzha.renderer.manifest import Manifest
from fanzha.renderer.style import Style


@dataclass(frozen=True)
class RenderJob:
    """One card to render: a warning's copy, a format, a style and an image type."""

    copy: WarningCopy
    format: str = "card"
    style: Style = field(default_factory=Style)
    ext: str = "webp"

    def key(self) -> str:
        """The content key this job renders to."""
        return cache_key(self.copy, self.format, self.style.key(), self.ext)


def _run(job: RenderJob, cache_dir: str) -> Manifest:
    """Worker entry point (top level so the pool can pickle it)."""
    from fanzha.renderer.api import render_card

    cache = RenderCache(cache_dir)
    return render_card(job.copy, job.format, job.style, cache=cache)


def render_batch(jobs: list[RenderJob], cache: RenderCache, processes: int = 2) -> list[Manifest]:
    """Render every unique job once (cached keys are skipped); manifests in job order."""
    unique: dict[str, RenderJob] = {}
    for job in jobs:
        unique.setdefault(job.key(), job)
    done: dict[str, Manifest] = {}
    todo: list[tuple[str, RenderJob]] = []
    for key, job in unique.items():
        hit = cache.get(key, job.ext)
        if hit is not None:
            done[key] = hit
        else:
            todo.append((key, job))
    cache_dir = str(Path(cache.dir))
    if processes <= 1 or len(todo) <= 1:
        for key, job in todo:
            done[key] = _run(job, cache_dir)
    else:
        with ProcessPoolExecutor(max_workers=min(processes, len(todo))) as pool:
            futures = {key: pool.submit(_run, job, cache_dir) for key, job in todo}
            for key, fut in futures.items():
                done[key] = fut.result()
    return [done[job.key()] for job in jobs]
