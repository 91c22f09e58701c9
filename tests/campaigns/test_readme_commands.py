"""The README's commands, run verbatim as a newcomer types them, on today's date (issue 13)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# Commands a test cannot run inside the test suite, each with where it is covered instead.
NOT_HERE = {
    "./dev demo": "installs into .venv and runs the demo (tests/campaigns/test_demo.py)",
    "./dev test": "runs this very suite",
    ".venv/bin/lint-imports": "reads the installed package (tests/test_import_contract.py)",
}
MARK = "@@fanzha-readme-rc="


def readme_commands() -> list[str]:
    """Every line of the README's ```bash blocks, in order (comments and blanks left out)."""
    blocks = re.findall(r"^```bash\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _sandbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder laid out like a fresh clone as far as the commands reach, with the venv."""
    venv = Path(sys.prefix)
    if not (venv / "bin" / "activate").exists():
        pytest.skip("the tests do not run in a virtual environment (./dev test makes one)")
    shutil.copytree(ROOT / "campaigns" / "examples", tmp_path / "campaigns" / "examples")
    (tmp_path / ".venv").symlink_to(venv, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FANZHA_", "VIRTUAL_ENV"))}
    return tmp_path, env


def run_verbatim(commands: list[str], cwd: Path, env: dict[str, str]) -> list[tuple[str, int, str]]:
    """Run the commands as one bash session (so `source` and `export` hold): (command, rc, output)."""
    script = "".join(f"{c}\necho '{MARK}'$? >&2\n" for c in commands)
    proc = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1200,
    )
    parts = re.split(rf"{re.escape(MARK)}(\d+)\n", proc.stdout)
    outputs, codes = parts[0::2], [int(c) for c in parts[1::2]]
    assert len(codes) == len(commands), proc.stdout[-3000:]
    return list(zip(commands, codes, outputs, strict=False))


def assert_clean(results: list[tuple[str, int, str]]) -> None:
    """Each command exits 0, or 1 with a one-line ``error:``; none prints a traceback."""
    for command, code, output in results:
        assert "Traceback" not in output, f"{command}\n{output}"
        last = output.strip().splitlines()[-1] if output.strip() else ""
        assert code == 0 or (code == 1 and last.startswith("error: ")), f"{command}\n{output}"


def test_the_readme_lists_commands_a_newcomer_types() -> None:
    commands = readme_commands()
    assert any(c.startswith("fanzha plan ") for c in commands)
    assert any(c.startswith("fanzha run ") for c in commands)
    assert all(any(c.startswith(k) for c in commands) for k in NOT_HERE), "update NOT_HERE"


@pytest.mark.slow  # a dozen whole processes: ./dev test --all
def test_the_readme_commands_run_on_todays_date_without_a_traceback(tmp_path: Path) -> None:
    cwd, env = _sandbox(tmp_path)
    runnable = [c for c in readme_commands() if not c.startswith(tuple(NOT_HERE))]
    results = run_verbatim(runnable, cwd, env)
    assert_clean(results)
    by_command = {command: output for command, _, output in results}
    plans = [o for c, o in by_command.items() if c.startswith("fanzha plan ") and "--now" not in c]
    runs = [o for c, o in by_command.items() if c.startswith("fanzha run ")]
    # Today (before the example starts) nothing is due: both say when the first wave goes.
    from datetime import date

    if date.today() < date(2027, 2, 22):
        for output in plans + runs:
            assert "first wave 2027-03-0" in output and "nothing due before" in output, output


@pytest.mark.slow  # whole processes: ./dev test --all
def test_plan_and_run_after_the_campaign_ended_say_so(tmp_path: Path) -> None:
    cwd, env = _sandbox(tmp_path)
    commands = [c for c in readme_commands() if not c.startswith(tuple(NOT_HERE))]
    later = []
    for command in commands:
        if command.startswith(("fanzha plan ", "fanzha run ")):
            words = shlex.split(command.split("#")[0])
            if "--now" in words:
                continue
            command = shlex.join([*words, "--now", "2027-06-01T09:00+08:00"])
        later.append(command)
    results = run_verbatim(later, cwd, env)
    assert_clean(results)
    ended = [o for c, _, o in results if c.startswith(("fanzha plan ", "fanzha run "))]
    assert ended and all("the campaign ended on 2027-04-30" in o for o in ended)
