"""Campaign renders: one per unique content key, in a process pool, skipping cached keys."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from fanzha.content.copy import WarningCopy
from fanzha.renderer.cache import RenderCache, cache_key
from fanzha.renderer.errors import RenderError
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
        from fanzha.renderer.fonts import default_fonts  # what render_card draws with

        return cache_key(
            self.copy, self.format, self.style.key(), self.ext, font=default_fonts().key
        )


@dataclass(frozen=True)
class RenderFailed:
    """A job the renderer refused (the copy does not fit the format, say), with its error."""

    key: str
    error: RenderError

    @property
    def reason(self) -> str:
        """The renderer's message."""
        return str(self.error)


def _run(job: RenderJob, cache_dir: str) -> Manifest | RenderFailed:
    """Worker entry point (top level so the pool can pickle it)."""
    from fanzha.renderer.api import render_card

    cache = RenderCache(cache_dir)
    try:
        return render_card(job.copy, job.format, job.style, cache=cache)
    except RenderError as exc:  # set aside with its reason; the batch goes on
        return RenderFailed(job.key(), exc)


# Workers are replaced after this many renders each: the font faces and image buffers a
# long-lived worker accumulates are given back, so a large batch runs in bounded memory.
# (A fresh pool per round rather than max_tasks_per_child, which needs the spawn start
# method: every worker would import the whole stack again, and scripts without a
# ``__main__`` guard would re-run.)
TASKS_PER_WORKER = 4


def render_batch(
    jobs: list[RenderJob],
    cache: RenderCache,
    processes: int = 2,
    on_done: Callable[[int], None] | None = None,
) -> list[Manifest]:
    """Render every unique job once (cached keys are skipped); manifests in job order.

    ``on_done(n)`` is called as renders finish (cache hits included), for a progress bar.
    The first job the renderer refuses raises its error once the others are done.
    """
    results = render_each(jobs, cache, processes, on_done)
    refused = next((r for r in results if isinstance(r, RenderFailed)), None)
    if refused is not None:
        raise refused.error
    return [r for r in results if isinstance(r, Manifest)]


def render_each(
    jobs: list[RenderJob],
    cache: RenderCache,
    processes: int = 2,
    on_done: Callable[[int], None] | None = None,
) -> list[Manifest | RenderFailed]:
    """As render_batch, but a job the renderer refuses comes back as RenderFailed, in its place."""
    done_hook = on_done or (lambda n: None)
    unique: dict[str, RenderJob] = {}
    for job in jobs:
        unique.setdefault(job.key(), job)
    done: dict[str, Manifest | RenderFailed] = {}
    todo: list[tuple[str, RenderJob]] = []
    for key, job in unique.items():
        hit = cache.get(key, job.ext)
        if hit is not None:
            done[key] = hit
        else:
            todo.append((key, job))
    done_hook(len(done))
    cache_dir = str(Path(cache.dir))
    if processes <= 1 or len(todo) <= 1:
        for key, job in todo:
            done[key] = _run(job, cache_dir)
            done_hook(1)
    else:
        workers = min(processes, len(todo))
        step = workers * TASKS_PER_WORKER
        for start in range(0, len(todo), step):
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {
                    pool.submit(_run, j, cache_dir): k for k, j in todo[start : start + step]
                }
                for fut in as_completed(futures):
                    done[futures[fut]] = fut.result()
                    done_hook(1)
    return [done[job.key()] for job in jobs]
