"""The command line: every command documented with an example, usage errors exit 2."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from fanzha.campaigns.cli import cli

DESIGN_COMMANDS = [
    "demo",
    "customers generate",
    "validate",
    "segment",
    "explain",
    "plan",
    "preview",
    "render",
    "posters",
    "run",
    "dispatch",
    "scheduler",
    "serve",
    "gateway fake",
    "token",
    "content list",
    "content lint",
    "report",
]


def all_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            names += all_commands(command, full + " ")
        else:
            names.append(full)
    return names


def test_every_design_command_exists() -> None:
    assert set(DESIGN_COMMANDS) <= set(all_commands(cli))


@pytest.mark.parametrize("command", all_commands(cli))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"fanzha {command.split()[0]}" in result.output


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command and group, with its full name."""
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), commands(cli))
def test_every_group_has_an_example_and_every_option_help(
    name: str, command: click.Command
) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert "Example:" in result.output and f"fanzha {name.split()[0]}" in result.output
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"fanzha {name} {param.opts[0]} has no help"


def test_every_setting_is_named_in_some_help_and_in_the_readme() -> None:
    from pathlib import Path

    from fanzha.campaigns.cli.options import OTHER_VARIABLES
    from fanzha.campaigns.settings import Settings

    variables = {str(f.alias) for f in Settings.model_fields.values()} | set(OTHER_VARIABLES)
    helps = "\n".join(
        CliRunner().invoke(cli, [*name.split(), "--help"]).output for name, _ in commands(cli)
    )
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert sorted(v for v in variables if v not in helps) == []
    assert sorted(v for v in variables if f"`{v}`" not in readme) == []


def test_serve_help_names_what_serve_reads() -> None:
    output = CliRunner().invoke(cli, ["serve", "--help"]).output
    for variable in ("FANZHA_DB", "FANZHA_MEDIA_DIR", "FANZHA_SECRET", "FANZHA_BACKEND_KEY"):
        assert variable in output


@pytest.mark.parametrize(
    "args",
    [
        ["customers", "generate", "--n", "ten", "--out", "x.csv"],
        ["segment", "nope.yaml", "--customers", "c.csv", "--out", "a.csv"],
        ["render", "fake-loan", "--format", "poster-a5", "--out", "x.png"],
        ["plan", "--json"],
        ["dispatch", "--now", "yesterday"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Error" in result.output or "Usage" in result.output
    assert "Traceback" not in result.output


def test_generate_is_deterministic_and_reports_what_it_wrote(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (a, b):
        result = runner.invoke(
            cli, ["customers", "generate", "--n", "500", "--seed", "3", "--out", str(path)]
        )
        assert result.exit_code == 0, result.output
        assert "wrote 500 customers" in result.output
    assert a.read_bytes() == b.read_bytes()


def test_schema_command_writes_json_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    out = tmp_path / "s.json"
    result = CliRunner().invoke(cli, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert "segments" in schema["properties"]
    assert schema["additionalProperties"] is False


@pytest.mark.slow
def test_segment_and_explain_commands(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd
    from fanzha.campaigns.demo import example_campaign

    runner = CliRunner()
    customers = tmp_path / "c.parquet"
    assert (
        runner.invoke(
            cli, ["customers", "generate", "--n", "800", "--seed", "5", "--out", str(customers)]
        ).exit_code
        == 0
    )
    outs = {}
    for engine in ("pandas", "sql"):
        out = tmp_path / f"a_{engine}.csv"
        result = runner.invoke(
            cli,
            [
                "--db",
                f"sqlite:///{tmp_path / 'none.db'}",
                "segment",
                str(example_campaign()),
                "--customers",
                str(customers),
                "--out",
                str(out),
                "--engine",
                engine,
                "--as-of",
                "2027-03-01",
            ],
        )
        assert result.exit_code == 0, result.output
        outs[engine] = pd.read_csv(out, dtype=str).fillna("")
    assert list(outs["pandas"].columns) == [
        "customer_id",
        "segment",
        "holdout",
        "eligible",
        "reason",
    ]
    assert outs["pandas"].equals(outs["sql"])
    assert not (tmp_path / "none.db").exists()  # segmenting reads the store only if it exists
    cid = outs["pandas"].loc[outs["pandas"]["segment"] == "elderly", "customer_id"].iloc[0]
    result = runner.invoke(
        cli,
        [
            "explain",
            str(example_campaign()),
            "--customers",
            str(customers),
            "--customer-id",
            cid,
            "--as-of",
            "2027-03-01",
        ],
    )
    assert result.exit_code == 0
    assert "segment elderly: age >= 55  → MATCH" in result.output
    missing = runner.invoke(
        cli,
        [
            "explain",
            str(example_campaign()),
            "--customers",
            str(customers),
            "--customer-id",
            "C999999999",
        ],
    )
    assert (
        missing.exit_code == 1
        and "C999999999" in missing.output
        and "Traceback" not in missing.output
    )


def test_validate_lints_warning_files_and_passes_the_bundled_ones() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    bad = (
        root / "tests" / "content" / "fixtures" / "bad" / "link" / "impersonating-authorities.yaml"
    )
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:19:59: link 'www.bank-help.com' is not allowed" in result.output
    good = sorted((root / "content" / "library").rglob("*.yaml"))
    example = root / "campaigns" / "examples" / "spring-2027.yaml"
    result = CliRunner().invoke(cli, ["validate", str(example), *map(str, good)])
    assert result.exit_code == 0, result.output
    assert f"{len(good) + 1} file(s) OK" in result.output


def test_the_command_line_loads_no_data_libraries_before_a_command_runs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fanzha.campaigns.cli\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'sqlalchemy', 'fastapi', 'PIL') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"  # `fanzha --help` and `fanzha keys` stay quick


def test_render_a_strip_names_every_panel_image_it_wrote(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    out = tmp_path / "strip.webp"
    result = CliRunner().invoke(
        cli,
        ["render", "fake-loan", "--format", "strip", "--out", str(out)],
        env={"FANZHA_BANK_NAME": "示例银行"},
    )
    assert result.exit_code == 0, result.output
    images = json.loads((tmp_path / "strip.webp.json").read_text(encoding="utf-8"))["images"]
    names = [e["image"] for e in images]
    assert names[:2] == ["strip.webp", "strip-2.webp"] and len(names) >= 6
    assert all((tmp_path / name).is_file() for name in names)
    assert f"({len(names)} images, {names[-1]} the last;" in result.output
