"""fanzha._yaml reads YAML safely, boundedly and fast, with positions when asked for."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha._yaml import (
    MAX_BYTES,
    MAX_DEPTH,
    DuplicateKeyError,
    YamlLimitError,
    YamlSyntaxError,
    load_yaml,
    read_yaml,
)
from fanzha._yaml import load as load_module

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "content" / "library").rglob("*.yaml"))
EXAMPLE = ROOT / "campaigns" / "examples" / "spring-2027.yaml"


def test_plain_scalars_follow_yaml_1_2_core() -> None:
    text = (
        "on: yes\nat: 09:30\nn: 5\nneg: -3\nf: 0.5\nexp: 1e3\nb: true\nB: False\nz: null\n"
        "t: ~\nq: '5'\nd: 2027-03-01\nhex: 0x1F\noct: 0o17\ninf: .inf\nrate: 500/s\n"
        "block: |\n  5\nint: !!int '7'\ns: !!str 8\nempty:\n"
    )
    assert load_yaml(text, "x.yaml").data == {
        "on": "yes",
        "at": "09:30",
        "n": 5,
        "neg": -3,
        "f": 0.5,
        "exp": 1000.0,
        "b": True,
        "B": False,
        "z": None,
        "t": None,
        "q": "5",
        "d": "2027-03-01",
        "hex": 31,
        "oct": 15,
        "inf": float("inf"),
        "rate": "500/s",
        "block": "5\n",
        "int": 7,
        "s": "8",
        "empty": None,
    }


def test_a_number_too_long_for_python_stays_text() -> None:
    digits = "9" * 5000
    assert load_yaml(f"max: {digits}\n", "x.yaml").data == {"max": digits}


def test_positions_of_keys_values_and_quotes_count_characters() -> None:
    text = 'name: 春季\nsend: {days: [tue, 周五], at: "09:30"}\nlist:\n  - a\n  - b: 1\n'
    doc = load_yaml(text, "x.yaml", positions=True)
    pos = doc.positions
    assert pos is not None
    assert pos.key(("send",)) == (2, 1)
    assert pos.value(("send", "days", 1)) == (2, 20)
    assert pos.key(("send", "at")) == (2, 25)
    assert pos.value(("send", "at")) == (2, 29) and pos.quoted(("send", "at"))
    assert pos.inside(("send", "at"), 2) == (2, 32)  # past the opening quote
    assert pos.value(("list", 1, "b")) == (5, 8)
    assert pos.value(("list", 1, "missing")) == (5, 5)  # the nearest ancestor
    assert pos.find(("name",), "季") == (1, 8)
    assert load_yaml(text, "x.yaml").positions is None  # none unless asked for


def test_duplicate_keys_are_all_listed_at_the_second_key() -> None:
    with pytest.raises(DuplicateKeyError) as info:
        load_yaml("a: 1\nb: 2\na: 3\nc: {x: 1, x: 2}\n", "x.yaml")
    found = [(d.key, d.line, d.column, d.value, d.original) for d in info.value.duplicates]
    assert found == [("a", 3, 1, 3, 1), ("x", 4, 11, 2, 1)]
    assert str(info.value) == "x.yaml:3:1: duplicate key 'a'"


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("a: &x [1]\nb: *x\n", (2, 4), "YAML aliases (*x) are not allowed"),
        ("a: &x [*x]\n", (1, 8), "YAML aliases (*x) are not allowed"),
        ("base: &b {k: 1}\nc:\n  <<: *b\n", (3, 7), "YAML aliases (*b) are not allowed"),
        ("a: 1\n---\nb: 2\n", (2, 1), "one YAML document"),
        ("? [a]\n: 1\n", (1, 3), "a key must be plain text"),
    ],
)
def test_aliases_second_documents_and_complex_keys_are_refused(
    text: str, where: tuple[int, int], fragment: str
) -> None:
    with pytest.raises(YamlLimitError) as info:
        load_yaml(text, "x.yaml")
    assert (info.value.line, info.value.column) == where
    assert fragment in info.value.message


def test_an_anchor_without_an_alias_is_harmless() -> None:
    assert load_yaml("a: &x [1]\n", "x.yaml").data == {"a": [1]}


def test_nesting_is_bounded() -> None:
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load_yaml(ok, "x.yaml").data is not None
    with pytest.raises(YamlLimitError) as info:
        load_yaml("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "x.yaml")
    assert (info.value.line, info.value.column) == (1, 3 + MAX_DEPTH)
    assert f"nested more than {MAX_DEPTH} levels deep" in info.value.message


def test_ten_thousand_brackets_are_refused_without_recursion() -> None:
    with pytest.raises(YamlLimitError, match="nested more than"):
        load_yaml("a: " + "[" * 10_000 + "\n", "x.yaml")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "comments.yaml"
    path.write_text("a: 1\n" + "# " + "x" * 97 + "\n" * 1, encoding="utf-8")
    with path.open("a", encoding="utf-8") as out:
        out.write(("# " + "x" * 97 + "\n") * 100_000)  # 10 MB of comments
    tracemalloc.start()
    with pytest.raises(YamlLimitError) as info:
        read_yaml(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert str(info.value) == f"{path}:1:1: the file is 10.0 MB; a YAML file may be at most 1 MB"
    assert peak < 1_000_000  # never read
    with pytest.raises(YamlLimitError):
        load_yaml("#" * (MAX_BYTES + 1), "x.yaml")


def test_a_billion_laughs_never_expands() -> None:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    tracemalloc.start()
    with pytest.raises(YamlLimitError) as info:
        load_yaml(text, "bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (info.value.line, info.value.column) == (2, 8)
    assert peak < 2_000_000


def test_syntax_errors_are_worded_by_the_reference_parser() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml("a: [1, 2\nb: 3\n", "x.yaml")
    error = info.value
    assert error.context == "while parsing a flow sequence"
    assert error.problem == "expected ',' or ']', but got ':'"  # libyaml: "did not find …"
    assert (error.context_at, error.problem_at) == ((1, 4), (2, 2))


class _Spy:
    """Counts the parsers built from a loader class."""

    def __init__(self, cls: Any) -> None:
        self.cls, self.calls = cls, 0

    def __call__(self, text: str) -> Any:
        self.calls += 1
        return self.cls(text)


def test_good_files_take_libyaml_and_only_errors_the_python_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_module._FAST is yaml.CBaseLoader  # PyYAML's wheels ship libyaml
    monkeypatch.setenv("FANZHA_CACHE_DIR", "off")  # every file parsed, none from the cache
    fast, slow = _Spy(load_module._FAST), _Spy(yaml.BaseLoader)
    monkeypatch.setattr(load_module, "_FAST", fast)
    monkeypatch.setattr(load_module.yaml, "BaseLoader", slow)
    for path in [*BUNDLED, EXAMPLE]:
        read_yaml(path)
    assert (fast.calls, slow.calls) == (len(BUNDLED) + 1, 0)
    with pytest.raises(YamlSyntaxError):
        load_yaml("a: [1\n", "x.yaml")
    assert slow.calls == 1


@pytest.mark.parametrize("path", [*BUNDLED, EXAMPLE], ids=lambda p: p.name)
def test_libyaml_and_the_python_parser_agree_on_data_and_positions(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = read_yaml(path, positions=True)
    monkeypatch.setattr(load_module, "_FAST", None)
    slow = read_yaml(path, positions=True)
    assert fast.data == slow.data
    assert fast.positions is not None and slow.positions is not None
    assert fast.positions.values == slow.positions.values
    assert fast.positions.keys == slow.positions.keys


_TEXT = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo")), min_size=1, max_size=8)
_LEAF = st.one_of(_TEXT, st.integers(-(10**12), 10**12), st.booleans(), st.none())
_DATA = st.recursive(
    _LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=25,
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


@settings(max_examples=150, deadline=None)
@given(data=_DATA, flow=st.booleans())
def test_what_pyyaml_writes_reads_back_the_same(data: Any, flow: bool) -> None:
    text = yaml.dump({"root": data}, Dumper=_NoAliases, allow_unicode=True, default_flow_style=flow)
    assert load_yaml(text, "x.yaml").data == {"root": data}


def test_deep_flow_nesting_never_reaches_the_python_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    slow = _Spy(yaml.BaseLoader)
    monkeypatch.setattr(load_module.yaml, "BaseLoader", slow)
    # libyaml gives up past 1,000 levels; the text is read again, by libyaml, up to there.
    with pytest.raises(YamlLimitError) as info:
        load_yaml("a: " + "[" * 200_000 + "\n", "x.yaml")
    assert (info.value.line, info.value.column, slow.calls) == (1, 3 + MAX_DEPTH, 0)


def test_a_syntax_error_far_into_a_file_keeps_libyamls_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = _Spy(yaml.BaseLoader)
    monkeypatch.setattr(load_module.yaml, "BaseLoader", slow)
    text = "".join(f"k{i}: [1, 2, 3]\n" for i in range(6000)) + "bad: [1, 2\nz: 3\n"
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml(text, "x.yaml")
    assert (info.value.problem, info.value.line, slow.calls) == (
        "did not find expected ',' or ']'",
        6002,
        0,
    )
