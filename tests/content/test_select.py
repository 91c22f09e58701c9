"""Selection: rotation, no repeat, stories for the reader, locale fallback, determinism, expiry."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fanzha.content import NoEligibleWarning, load_library, select_warnings
from fanzha.content.select import stable_hash
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tests.content.conftest import GOOD, LibraryBuilder

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
SEGMENTS = {"elderly": ["w1", "w2", "w3"], "young_workers": ["w3"]}


def customers(n: int, segment: str = "elderly", locale: str = "zh-CN") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:09d}" for i in range(n)],
            "segment": segment,
            "locale": locale,
        }
    )


@pytest.fixture
def library(build_library: LibraryBuilder):  # type: ignore[no-untyped-def]
    build_library("w1", ("zh-CN", "en"))
    build_library("w2")
    root = build_library("w3", variants=("a", "b", "c"))
    return load_library([root])


def sent(picks: pd.DataFrame, days_ago: float) -> pd.DataFrame:
    """A history table saying `picks` were sent `days_ago` before NOW."""
    return picks[["customer_id", "warning_id", "variant"]].assign(
        sent_at=NOW - timedelta(days=days_ago)
    )


def test_waves_rotate_through_the_segment_list(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(300)
    waves = [
        select_warnings(people, SEGMENTS, library, wave_index=w, now=NOW)["warning_id"].astype(str)
        for w in range(3)
    ]
    order = {"w1": 0, "w2": 1, "w3": 2}
    first = waves[0].map(order)
    for w in (1, 2):
        assert (waves[w].map(order) == (first + w) % 3).all()
    # customers are spread over the list, so one wave does not show everyone the same warning
    assert set(waves[0]) == {"w1", "w2", "w3"}


def test_no_repeat_within_the_window(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(300)
    first = select_warnings(people, SEGMENTS, library, wave_index=0, now=NOW)
    # same wave index again: without history it would repeat exactly
    again = select_warnings(
        people, SEGMENTS, library, wave_index=0, history=sent(first, 3), now=NOW
    )
    assert (again["warning_id"] != first["warning_id"]).all()
    # outside the window the warning may come back
    later = select_warnings(
        people, SEGMENTS, library, wave_index=0, history=sent(first, 40), now=NOW
    )
    assert (later["warning_id"] == first["warning_id"]).all()
    # a shorter configured window
    short = select_warnings(
        people, SEGMENTS, library, wave_index=0, history=sent(first, 3), now=NOW, window_days=2
    )
    assert (short["warning_id"] == first["warning_id"]).all()


def test_when_everything_was_sent_recently_the_oldest_is_repeated(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(50)
    history = pd.concat(
        [
            pd.DataFrame(
                {
                    "customer_id": people["customer_id"],
                    "warning_id": w,
                    "sent_at": NOW - timedelta(days=d),
                }
            )
            for w, d in (("w1", 2), ("w2", 9), ("w3", 5))
        ]
    )
    picks = select_warnings(people, SEGMENTS, library, wave_index=7, history=history, now=NOW)
    assert (picks["warning_id"] == "w2").all()


def test_variant_changes_when_a_warning_is_shown_again(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(200, segment="young_workers")  # one warning, three variants
    shown = []
    history = None
    for wave in range(3):
        picks = select_warnings(
            people, SEGMENTS, library, wave_index=wave, history=history, now=NOW
        )
        shown.append(picks["variant"])
        more = sent(picks, 30 - wave)
        history = more if history is None else pd.concat([history, more])
    stories = pd.concat(shown, axis=1)
    assert (stories.nunique(axis=1) == 3).all()  # three sends, three different stories
    assert set(shown[0]) == {"a", "b", "c"}


def test_locale_fallback_is_recorded(library) -> None:  # type: ignore[no-untyped-def]
    people = pd.concat([customers(300, locale="en"), customers(10, locale="fr")]).reset_index(
        drop=True
    )
    people["customer_id"] = [f"C{i:09d}" for i in range(len(people))]
    picks = select_warnings(people, SEGMENTS, library, wave_index=0, now=NOW)
    english = picks[people["locale"] == "en"]
    has_en = english["warning_id"] == "w1"
    assert (english.loc[has_en, "locale"] == "en").all()
    assert not english.loc[has_en, "locale_fallback"].any()
    assert (english.loc[~has_en, "locale"] == "zh-CN").all()
    assert english.loc[~has_en, "locale_fallback"].all()
    french = picks[people["locale"] == "fr"]
    assert (french["locale"] == "zh-CN").all() and french["locale_fallback"].all()
    chinese = select_warnings(customers(30), SEGMENTS, library, now=NOW)
    assert not chinese["locale_fallback"].any()


def test_expired_translation_falls_back(build_library: LibraryBuilder) -> None:
    build_library("w1", ("zh-CN",))
    root = build_library("w1", ("en",), expires="2027-02-01")
    picks = select_warnings(
        customers(20, locale="en"), {"elderly": ["w1"]}, load_library([root]), now=NOW
    )
    assert (picks["locale"] == "zh-CN").all() and picks["locale_fallback"].all()


def test_deterministic_and_independent_of_row_order(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(500)
    people.loc[::3, "locale"] = "en"
    one = select_warnings(people, SEGMENTS, library, wave_index=4, now=NOW)
    two = select_warnings(people, SEGMENTS, library, wave_index=4, now=NOW)
    pd.testing.assert_frame_equal(one, two)
    shuffled = people.sample(frac=1.0, random_state=7)
    three = select_warnings(shuffled, SEGMENTS, library, wave_index=4, now=NOW)
    pd.testing.assert_frame_equal(
        one.set_index("customer_id").sort_index(), three.set_index("customer_id").sort_index()
    )


def test_expired_and_unapproved_warnings_are_never_picked(build_library: LibraryBuilder) -> None:
    build_library("w1", expires="2027-02-28")
    build_library("w2", author="")
    root = build_library("w3")
    lib = load_library([root])
    picks = select_warnings(customers(300), SEGMENTS, lib, now=NOW)
    assert set(picks["warning_id"]) == {"w3"}
    before = select_warnings(customers(300), SEGMENTS, lib, now=datetime(2027, 2, 1, tzinfo=UTC))
    assert set(before["warning_id"]) == {"w1", "w3"}


def test_a_segment_with_nothing_left_is_named(build_library: LibraryBuilder) -> None:
    root = build_library("w1", expires="2027-02-01")
    with pytest.raises(
        NoEligibleWarning, match="segment 'elderly' has no approved, unexpired warning"
    ):
        select_warnings(customers(5), {"elderly": ["w1"]}, load_library([root]), now=NOW)
    with pytest.raises(NoEligibleWarning, match=r"segment 'founders'.*none listed"):
        select_warnings(customers(5, segment="founders"), {}, load_library([root]), now=NOW)


def test_only_contacted_customers_get_a_warning(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(6)
    people["segment"] = ["elderly", "", None, "elderly", "elderly", "elderly"]
    people["holdout"] = [False, False, False, True, False, False]
    people["eligible"] = [True, True, True, True, False, True]
    picks = select_warnings(people, SEGMENTS, library, now=NOW)
    assert list(picks["customer_id"]) == ["C000000000", "C000000005"]
    assert list(picks.columns) == [
        "customer_id",
        "segment",
        "warning_id",
        "variant",
        "locale",
        "locale_fallback",
        "story_fallback",
    ]


def test_empty_assignments(library) -> None:  # type: ignore[no-untyped-def]
    picks = select_warnings(customers(0), SEGMENTS, library, now=NOW)
    assert picks.empty and "warning_id" in picks.columns


def test_variants_exist_for_every_pick(library) -> None:  # type: ignore[no-untyped-def]
    people = customers(400)
    people.loc[::2, "locale"] = "en"
    picks = select_warnings(people, SEGMENTS, library, wave_index=2, now=NOW)
    for row in picks.drop_duplicates(["warning_id", "variant", "locale"]).itertuples():
        assert row.variant in library.get(row.warning_id, row.locale).variant_ids()
    assert np.issubdtype(picks["locale_fallback"].dtype, np.bool_)


def test_without_locale_column_and_with_integer_ids(library) -> None:  # type: ignore[no-untyped-def]
    people = pd.DataFrame({"customer_id": range(100), "segment": "elderly"})
    first = select_warnings(people, SEGMENTS, library, now=NOW)
    assert (first["locale"] == "zh-CN").all() and not first["locale_fallback"].any()
    history = pd.DataFrame(
        {"customer_id": range(100), "warning_id": first["warning_id"], "sent_at": NOW}
    )
    again = select_warnings(people, SEGMENTS, library, history=history, now=NOW)
    assert (again["warning_id"] != first["warning_id"]).all()
    assert first["warning_id"].dtype == "str"


def test_the_customer_hash_is_blake2b_and_pinned() -> None:
    """hash(id) = blake2b(utf8(id), digest_size=8, person=b"fanzha.select"), little-endian."""
    ids = ["C000000001", "0", "客户-1"]
    assert stable_hash(ids).tolist() == [
        1288296894807077683,
        4320000514869754192,
        17219476380822818223,
    ]
    # the same ids as a pandas column, in another order, hash the same
    column = pd.Series(list(reversed(ids)))
    assert stable_hash(column).tolist()[::-1] == stable_hash(ids).tolist()


STORIES = {"elderly": ["w1"], "young_workers": ["w1"], "founders": ["w1"]}


def test_stories_are_picked_for_the_readers_segment(build_library: LibraryBuilder) -> None:
    root = build_library(
        "w1",
        variants=("a", "b", "c", "d"),
        segments=(["elderly"], ["young_workers"], ["elderly"], ["all"]),
    )
    library = load_library([root])
    people = pd.concat(
        [customers(300, "elderly"), customers(300, "young_workers"), customers(300, "founders")]
    ).reset_index(drop=True)
    people["customer_id"] = [f"C{i:09d}" for i in range(len(people))]
    picks = select_warnings(people, STORIES, library, now=NOW)
    by = picks.groupby("segment")
    assert set(by.get_group("elderly")["variant"]) == {"a", "c"}  # rotates among its own two
    assert set(by.get_group("young_workers")["variant"]) == {"b"}
    # nothing is written for founders: the story marked `all`, and the plan is told so
    assert set(by.get_group("founders")["variant"]) == {"d"}
    assert picks["story_fallback"].tolist() == (picks["segment"] == "founders").tolist()


def test_with_no_story_marked_all_any_story_is_sent_and_recorded(
    build_library: LibraryBuilder,
) -> None:
    root = build_library("w1", segments=(["elderly"], ["young_workers"]))
    picks = select_warnings(customers(200, "founders"), STORIES, load_library([root]), now=NOW)
    assert set(picks["variant"]) == {"a", "b"} and picks["story_fallback"].all()


def test_a_warning_shown_again_tells_another_story_for_the_same_reader(
    build_library: LibraryBuilder,
) -> None:
    root = build_library(
        "w1",
        variants=("a", "b", "c", "d"),
        segments=(["elderly"], ["young_workers"], ["elderly"], ["elderly"]),
    )
    library = load_library([root])
    people = customers(200)
    shown, history = [], None
    for wave in range(3):
        picks = select_warnings(people, STORIES, library, wave_index=wave, history=history, now=NOW)
        shown.append(picks["variant"])
        more = sent(picks, 30 - wave)
        history = more if history is None else pd.concat([history, more])
    stories = pd.concat(shown, axis=1)
    assert (stories.nunique(axis=1) == 3).all()  # a, c and d in turn; never b
    assert set(stories.to_numpy().ravel()) == {"a", "c", "d"}


@settings(max_examples=40, deadline=None)
@given(
    stories=st.lists(
        st.sets(st.sampled_from(["elderly", "founders", "young_workers", "all"]), min_size=1),
        min_size=2,
        max_size=5,
    ),
    segments=st.lists(st.sampled_from(["elderly", "founders", "young_workers"]), min_size=1),
)
def test_a_story_written_for_the_segment_is_sent_whenever_one_exists(
    tmp_path_factory: pytest.TempPathFactory, stories: list[set[str]], segments: list[str]
) -> None:
    root = tmp_path_factory.mktemp("lib")
    _story_library(root, [sorted(s) for s in stories])
    people = pd.DataFrame(
        {"customer_id": [f"C{i}" for i in range(len(segments))], "segment": segments}
    )
    picks = select_warnings(people, STORIES, load_library([root]), now=NOW)
    written = {chr(ord("a") + i): s for i, s in enumerate(stories)}
    for row in picks.itertuples():
        exists = any(row.segment in s for s in written.values())
        fits = row.segment in written[row.variant]
        assert fits == exists and row.story_fallback == (not exists)
        if not exists and any("all" in s for s in written.values()):
            assert "all" in written[row.variant]


def _story_library(root: Path, stories: list[list[str]]) -> None:
    """One warning `w1` whose stories are written for the given segments."""
    yaml = YAML()
    base = yaml.load((GOOD / "zh-CN" / "impersonating-authorities.yaml").read_text("utf-8"))
    base["id"] = "w1"
    base["variants"] = [
        {**copy.deepcopy(base["variants"][0]), "id": chr(ord("a") + i), "segments": segs}
        for i, segs in enumerate(stories)
    ]
    (root / "zh-CN").mkdir(parents=True, exist_ok=True)
    with (root / "zh-CN" / "w1.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(base, out)
