"""Benchmark: ``fanzha preview`` of the example campaign — wall time and peak memory.

Runs the command as a user does (a fresh process, an empty output folder, so every card is
rendered) and samples its whole process tree every 0.1 s: the peak of the summed RSS
(shared pages counted once per process, an upper bound) and of the summed PSS (shared
pages divided among the processes sharing them: what the tree really holds).

    .venv/bin/python bench/preview.py [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.installs import compiled  # noqa: E402
from bench.results_md import write_section  # noqa: E402

EXAMPLE = ROOT / "campaigns" / "examples" / "spring-2027.yaml"
BANK = {
    "FANZHA_BANK_NAME": "示例银行",
    "FANZHA_BANK_NAME_EN": "Demo Bank",
    "FANZHA_BANK_PHONE": "00000",
}


def measure(processes: int) -> dict[str, float | str]:
    """One run: wall seconds, peak tree RSS and PSS in MiB, and what it wrote."""
    import psutil

    fanzha = compiled(str(Path(sys.executable).with_name("fanzha")))
    env = {**os.environ, **BANK, "FANZHA_RENDER_PROCESSES": str(processes)}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        cmd = [fanzha, "preview", str(EXAMPLE), "--out", str(Path(tmp) / "preview")]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
        root = psutil.Process(proc.pid)
        rss = pss = 0
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            now_rss = now_pss = 0
            for p in tree:
                try:
                    m = p.memory_full_info()
                except psutil.Error:
                    continue
                now_rss, now_pss = now_rss + m.rss, now_pss + m.pss
            rss, pss = max(rss, now_rss), max(pss, now_pss)
            time.sleep(0.1)
        out = proc.communicate()[0].strip()
        if proc.returncode:
            raise SystemExit(f"fanzha preview failed ({proc.returncode})")
        wall = time.perf_counter() - started
    return {"wall": wall, "rss": rss / 2**20, "pss": pss / 2**20, "wrote": out}


def main() -> None:
    """Measure once, print, record."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    r = measure(args.processes)
    one, five, _ = os.getloadavg()
    text = "\n".join(
        [
            "## preview of the example campaign (`bench/preview.py`)",
            "",
            f"`fanzha preview` as a user runs it, {args.processes} render processes, an empty "
            f"output folder; {r['wrote']}. Load average at the end {one:.1f} / {five:.1f} "
            f"(1 / 5 min) on {os.cpu_count()} cores.",
            "",
            "| wall | peak RSS, process tree | peak PSS, process tree | target |",
            "| ---: | ---: | ---: | ---: |",
            f"| {r['wall']:.1f} s | {r['rss']:.0f} MiB | {r['pss']:.0f} MiB | < 1 GB |",
        ]
    )
    print(text)
    write_section("preview", text)


if __name__ == "__main__":
    main()
