"""Progress bars: drawn on a terminal, absent from pipes, logs and captured output."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fanzha.campaigns import progress as progress_module
from fanzha.campaigns.cli import cli
from fanzha.campaigns.demo import example_campaign
from fanzha.campaigns.progress import progress, use_console
from rich.console import Console

BAR_CHARACTERS = ("━", "╸", "╺")


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    yield
    use_console(None)


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100), buffer


def test_a_terminal_shows_the_bar_and_a_pipe_shows_nothing() -> None:
    console, shown = terminal()
    use_console(console)
    with progress("rendering cards", total=4) as bar:
        for _ in range(4):
            bar.advance()
    assert "rendering cards" in shown.getvalue()
    assert any(c in shown.getvalue() for c in BAR_CHARACTERS)

    piped = io.StringIO()
    use_console(Console(file=piped, force_terminal=False))
    with progress("rendering cards", total=4) as bar:
        bar.advance(4)
    assert piped.getvalue() == ""


def test_without_a_console_the_bar_is_silent_when_stderr_is_not_a_terminal(capsys) -> None:  # type: ignore[no-untyped-def]
    with progress("posters", total=2) as bar:
        bar.advance()
        bar.update(2)
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""
    assert progress_module._active is None  # nothing was started


def test_a_step_inside_a_step_joins_the_bar_on_screen() -> None:
    console, shown = terminal()
    use_console(console)
    with progress("3/6 enqueuing"):
        with progress("rendering cards", total=2) as inner:  # would raise LiveError if separate
            inner.advance(2)
    assert "rendering cards" in shown.getvalue()
    assert progress_module._active is None


def test_a_real_step_draws_its_bar_on_a_terminal(tmp_path: Path) -> None:
    from fanzha.campaigns.segmenting import segment_customers
    from fanzha.campaigns.settings import Settings
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "c.parquet"
    write_customers(generate_customers(300, seed=3), customers)
    console, shown = terminal()
    use_console(console)
    settings = Settings.from_env().replace(db_url=f"sqlite:///{tmp_path / 'none.db'}")
    segment_customers(example_campaign(), customers, tmp_path / "a.csv", settings=settings)
    assert "segmenting c.parquet" in shown.getvalue()


def test_command_output_captured_by_a_pipe_has_no_bar(tmp_path: Path) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "c.parquet"
    write_customers(generate_customers(300, seed=3), customers)
    args = ["--db", f"sqlite:///{tmp_path / 'none.db'}", "segment", str(example_campaign())]
    args += ["--customers", str(customers), "--out", str(tmp_path / "a.csv")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert not any(c in result.output for c in BAR_CHARACTERS)
    assert "segmenting c.parquet" not in result.output
