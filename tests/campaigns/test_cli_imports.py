"""Commands load only what they use: a check of the modules each one imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fanzha.campaigns.demo import example_campaign

from tests.conftest import TEST_BANK, TEST_KEYS

PROBE = """
import gc, sys
from fanzha.campaigns.cli import main
sys.argv = ["fanzha", *sys.argv[1:]]
code = None
try:
    main()
except SystemExit as exc:
    code = exc.code
print("MODULES", " ".join(sorted(sys.modules)), file=sys.stderr)
print("COLLECTOR", code, gc.isenabled(), gc.get_freeze_count(), file=sys.stderr)
"""


def probe(args: list[str], tmp_path: Path) -> dict[str, list[str]]:
    """A command run in a fresh interpreter as the console script does: what it reported
    (``MODULES``: every module imported; ``COLLECTOR``: exit code, collection on, frozen)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "FANZHA_DB": f"sqlite:///{tmp_path / 'none.db'}",
    }
    env |= TEST_BANK | TEST_KEYS
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    lines = [
        x.split() for x in done.stderr.splitlines() if x.startswith(("MODULES ", "COLLECTOR "))
    ]
    return {words[0]: words[1:] for words in lines}


def loaded(args: list[str], tmp_path: Path) -> set[str]:
    """The modules a command imported, run in a fresh interpreter as the console script does."""
    return set(probe(args, tmp_path)["MODULES"])


DATA = {"pandas", "numpy", "pyarrow"}


def test_validate_checks_a_campaign_without_the_data_libraries(tmp_path: Path) -> None:
    modules = loaded(["validate", str(example_campaign())], tmp_path)
    assert "fanzha.campaigns.loader" in modules  # it did check the file
    assert DATA.isdisjoint(modules), DATA & modules


def test_token_loads_neither_the_campaign_loader_nor_the_web_stack(tmp_path: Path) -> None:
    modules = loaded(["token", "C000000001", "--allow-unknown"], tmp_path)
    assert "fanzha.delivery.api.tokens" in modules  # it did mint
    unwanted = DATA | {"fastapi", "fanzha.campaigns.loader", "fanzha.content.library"}
    assert unwanted.isdisjoint(modules), unwanted & modules


@pytest.mark.slow
def test_segment_never_loads_the_warning_library(tmp_path: Path) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "c.parquet"
    write_customers(generate_customers(200, seed=1), customers)
    args = [
        "segment",
        str(example_campaign()),
        "--customers",
        str(customers),
        "--out",
        str(tmp_path / "a.parquet"),
    ]
    modules = loaded(args, tmp_path)
    assert "fanzha.segments.run" in modules and (tmp_path / "a.parquet").exists()
    assert "fanzha.content.library" not in modules and "fanzha.content" not in modules


@pytest.mark.slow
def test_segment_again_skips_the_settings_model_and_the_campaign_check(tmp_path: Path) -> None:
    from fanzha.segments import generate_customers, write_customers

    customers = tmp_path / "c.parquet"
    write_customers(generate_customers(200, seed=1), customers)
    args = ["segment", str(example_campaign()), "--customers", str(customers)]
    first = loaded([*args, "--out", str(tmp_path / "a.parquet")], tmp_path)
    again = loaded([*args, "--out", str(tmp_path / "b.parquet")], tmp_path)
    checked = {"pydantic_settings", "fanzha.campaigns.loader"}
    assert checked <= first  # the first run read the settings and checked the file
    # the second was answered by the cache (same environment, file, schema and columns)
    skipped = checked | {"pydantic", "fanzha.campaigns.settings", "fanzha.campaigns.model"}
    assert skipped.isdisjoint(again), skipped & again
    assert "fanzha.segments.stream" in again  # it did segment, row group by row group
    a, b = (tmp_path / "a.parquet").read_bytes(), (tmp_path / "b.parquet").read_bytes()
    assert a == b


def test_token_checks_the_customer_with_the_driver_alone(tmp_path: Path) -> None:
    from fanzha.delivery import open_engine, upgrade

    engine = open_engine(f"sqlite:///{tmp_path / 'none.db'}")  # the store `loaded` points at
    upgrade(engine)
    engine.dispose()
    modules = loaded(["token", "C000000001"], tmp_path)  # unknown: refused after the check
    assert "fanzha.delivery.direct" in modules and "sqlite3" in modules  # it did check
    assert "sqlalchemy" not in modules and "pydantic_settings" in modules


def test_a_render_of_known_copy_loads_no_segmenter_font_parser_or_numpy(tmp_path: Path) -> None:
    out = ["render", "credit-repair", "--format", "strip", "--out"]
    cold = loaded([*out, str(tmp_path / "a" / "s.webp")], tmp_path)  # fills the cache (HOME)
    # A first run segments (rjieba's extension alone, not its package with a default
    # segmenter) and reads the font's facts without fontTools.
    assert "fontTools" not in cold and "rjieba" not in cold
    warm = loaded([*out, str(tmp_path / "b" / "s.webp")], tmp_path)  # an empty folder
    assert (tmp_path / "b" / "s.webp").is_file()  # it did render
    unwanted = DATA | {"rjieba", "fontTools", "pikepdf", "sqlalchemy"}
    assert unwanted.isdisjoint(warm), unwanted & warm
    assert (tmp_path / "a" / "s.webp").read_bytes() == (tmp_path / "b" / "s.webp").read_bytes()


def test_keys_generate_reads_no_setting(tmp_path: Path) -> None:
    modules = loaded(["keys", "generate"], tmp_path)
    assert "fanzha.campaigns.keygen" in modules  # it did run
    assert "pydantic_settings" not in modules and "fanzha.campaigns.settings" not in modules
