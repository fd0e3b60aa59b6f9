"""Patterns of low-level concerns (DOMAIN.md section 6): a second concern within the window, or two
reporters within it, prompt a recorded pattern review."""

from __future__ import annotations

import datetime as dt

import pytest

from casetracker.domain.patterns import Concern, detect, months_before

NEW_ON = dt.date(2026, 3, 15)


def concern(case_id: str, received_on: dt.date, *reporters: str) -> Concern:
    return Concern(case_id, received_on, frozenset(reporters))


NEW = concern("new", NEW_ON, "r1")


@pytest.mark.parametrize(
    ("earlier", "is_pattern", "related_ids"),
    [
        pytest.param([], False, (), id="no-earlier-concern"),
        pytest.param([concern("c1", dt.date(2025, 9, 1), "r1")], True, ("c1",), id="one-earlier-within-12-months"),
        pytest.param([concern("c1", dt.date(2025, 3, 15), "r2")], True, ("c1",), id="same-day-12-months-earlier"),
        pytest.param([concern("c1", dt.date(2025, 3, 14), "r2")], False, (), id="one-day-before-the-window"),
        pytest.param([concern("c1", dt.date(2024, 1, 10), "r2")], False, (), id="long-before-the-window"),
        pytest.param([concern("c1", NEW_ON, "r2")], True, ("c1",), id="same-day-as-the-new-one"),
        pytest.param([concern("c1", dt.date(2026, 3, 16), "r2")], False, (), id="after-the-new-one"),
        pytest.param([concern("c1", dt.date(2025, 9, 1))], True, ("c1",), id="earlier-anonymous"),
        pytest.param(
            [
                concern("c3", dt.date(2026, 1, 5), "r1"),
                concern("c0", dt.date(2023, 1, 5), "r1"),
                concern("c2", dt.date(2025, 6, 1), "r3"),
                concern("c1", dt.date(2025, 6, 1), "r2"),
            ],
            True,
            ("c1", "c2", "c3"),
            id="related-oldest-first-outside-left-out",
        ),
        pytest.param([concern("new", dt.date(2026, 1, 5), "r2")], False, (), id="own-case-among-earlier-ignored"),
    ],
)
def test_a_second_concern_within_the_window_is_a_pattern(
    earlier: list[Concern], is_pattern: bool, related_ids: tuple[str, ...]
) -> None:
    """However small each concern, a second one about the same person within 12 months is reviewed together."""
    finding = detect(NEW, earlier, window_months=12)
    assert finding.is_pattern is is_pattern
    assert tuple(c.case_id for c in finding.related) == related_ids


@pytest.mark.parametrize(
    ("window_months", "earlier_on", "is_pattern"),
    [
        pytest.param(6, dt.date(2025, 9, 15), True, id="6-months-edge-inside"),
        pytest.param(6, dt.date(2025, 9, 14), False, id="6-months-a-day-outside"),
        pytest.param(6, dt.date(2025, 6, 1), False, id="9-months-outside-6"),
        pytest.param(12, dt.date(2025, 6, 1), True, id="9-months-inside-12"),
        pytest.param(24, dt.date(2024, 3, 15), True, id="24-months-edge-inside"),
        pytest.param(24, dt.date(2024, 3, 14), False, id="24-months-a-day-outside"),
        pytest.param(24, dt.date(2025, 1, 1), True, id="14-months-inside-24"),
        pytest.param(12, dt.date(2025, 1, 1), False, id="14-months-outside-12"),
    ],
)
def test_the_window_is_a_school_setting(window_months: int, earlier_on: dt.date, is_pattern: bool) -> None:
    finding = detect(NEW, [concern("c1", earlier_on, "r2")], window_months=window_months)
    assert finding.is_pattern is is_pattern


@pytest.mark.parametrize(
    ("new", "earlier", "is_pattern"),
    [
        pytest.param(concern("new", NEW_ON, "r1", "r2"), [], True, id="two-reporters-in-one-case"),
        pytest.param(concern("new", NEW_ON, "r1"), [], False, id="one-reporter-in-one-case"),
        pytest.param(
            concern("new", NEW_ON, "r1"),
            [concern("new", dt.date(2026, 2, 1), "r1")],
            False,
            id="same-reporter-twice-in-one-case",
        ),
        pytest.param(concern("new", NEW_ON), [], False, id="anonymous-alone"),
        pytest.param(
            concern("new", NEW_ON), [concern("c1", dt.date(2025, 9, 1))], True, id="anonymous-with-earlier-anonymous"
        ),
        pytest.param(
            concern("new", NEW_ON, "r1"),
            [concern("c1", dt.date(2024, 9, 1), "r2")],
            False,
            id="second-reporter-outside-window-does-not-count",
        ),
    ],
)
def test_different_reporters(new: Concern, earlier: list[Concern], is_pattern: bool) -> None:
    """Two people independently worried about the same adult is itself a reason to look again."""
    assert detect(new, earlier, window_months=12).is_pattern is is_pattern


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(dt.date(2026, 3, 15), 12, dt.date(2025, 3, 15), id="same-day-a-year-earlier"),
        pytest.param(dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15), id="across-new-year"),
        pytest.param(dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28), id="31-march-to-28-february"),
        pytest.param(dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29), id="31-march-to-29-february-leap-year"),
        pytest.param(dt.date(2024, 3, 30), 1, dt.date(2024, 2, 29), id="30-march-to-29-february-leap-year"),
        pytest.param(dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28), id="29-february-a-year-earlier"),
        pytest.param(dt.date(2025, 2, 28), 12, dt.date(2024, 2, 28), id="28-february-to-a-leap-year"),
        pytest.param(dt.date(2026, 5, 31), 1, dt.date(2026, 4, 30), id="31-may-to-30-april"),
        pytest.param(dt.date(2026, 12, 31), 6, dt.date(2026, 6, 30), id="31-december-6-months"),
        pytest.param(dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28), id="31-august-6-months"),
        pytest.param(dt.date(2026, 3, 31), 24, dt.date(2024, 3, 31), id="24-months"),
        pytest.param(dt.date(2026, 3, 15), 0, dt.date(2026, 3, 15), id="zero-months"),
    ],
)
def test_months_before(day: dt.date, months: int, expected: dt.date) -> None:
    """The window starts on the same day of the month, or the month's last day when it is shorter."""
    assert months_before(day, months) == expected


def test_window_edge_at_a_month_end() -> None:
    """A concern on 29 February 2024 is within 12 months of one received on 28 February 2025."""
    new = concern("new", dt.date(2025, 2, 28), "r1")
    assert detect(new, [concern("c1", dt.date(2024, 2, 29), "r1")], window_months=12).is_pattern
    assert detect(new, [concern("c1", dt.date(2024, 2, 28), "r1")], window_months=12).is_pattern
    assert not detect(new, [concern("c1", dt.date(2024, 2, 27), "r1")], window_months=12).is_pattern
