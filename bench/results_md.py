"""Each benchmark owns one section of bench/RESULTS.md, between `<!-- NAME:start/end -->`."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def write_section(name: str, text: str, path: Path = RESULTS) -> Path:
    """Replace the section ``name`` with ``text`` (append it, or create the file, if missing)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.strip()}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")
    return path
