"""How long a case's records are kept (DOMAIN.md section 7), as tables: pension age, outcomes, kinds, holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from casetracker.domain.guidance import Outcome
from casetracker.domain.retention import (
    HOLD_REASON,
    MISSING_OUTCOME_DATE,
    MISSING_PENSION_AGE,
    Retention,
    RetentionFacts,
    add_years,
    govuk_date,
    is_due,
    retention,
    state_pension_age_date,
)

D = dt.date
RECEIVED = D(2026, 4, 2)  # ten years on: 2 April 2036
PENSION_WINS_DOB = D(1977, 3, 14)  # 67 on 14 March 2044, after 2 April 2036
TEN_YEARS_WINS_DOB = D(1965, 1, 1)  # 67 on 1 January 2032, before 2 April 2036
OUTCOME_ON = D(2026, 6, 15)
CLOSED_ON = D(2026, 6, 30)


def facts(**overrides: Any) -> RetentionFacts:
    values: dict[str, Any] = {
        "kind": "allegation",
        "allegation_on": RECEIVED,
        "low_level_years_after_leaving": 6,
        "whistleblowing_years_after_closure": 3,
    }
    return RetentionFacts(**(values | overrides))


# --- State Pension age ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "pension_age_date"),
    [
        (D(1949, 1, 1), D(2014, 1, 1)),
        (D(1953, 12, 5), D(2018, 12, 5)),
        (D(1953, 12, 6), D(2019, 3, 6)),
        (D(1954, 1, 5), D(2019, 3, 6)),
        (D(1954, 6, 20), D(2020, 3, 6)),
        (D(1954, 10, 5), D(2020, 9, 6)),
        (D(1954, 10, 6), D(2020, 10, 6)),
        (D(1960, 4, 5), D(2026, 4, 5)),
        (D(1960, 4, 6), D(2026, 5, 6)),
        (D(1960, 5, 5), D(2026, 6, 5)),
        (D(1960, 5, 6), D(2026, 7, 6)),
        (D(1960, 9, 15), D(2027, 3, 15)),
        (D(1960, 7, 31), D(2026, 11, 30)),
        (D(1960, 12, 31), D(2027, 9, 30)),
        (D(1961, 1, 31), D(2027, 11, 30)),
        (D(1961, 3, 5), D(2028, 2, 5)),
        (D(1961, 3, 6), D(2028, 3, 6)),
        (D(1977, 4, 5), D(2044, 4, 5)),
        (D(1977, 4, 6), D(2044, 5, 6)),
        (D(1977, 5, 5), D(2044, 5, 6)),
        (D(1977, 5, 6), D(2044, 7, 6)),
        (D(1977, 12, 25), D(2045, 9, 6)),
        (D(1978, 3, 6), D(2046, 3, 6)),
        (D(1978, 4, 5), D(2046, 3, 6)),
        (D(1978, 4, 6), D(2046, 4, 6)),
        (D(1990, 6, 1), D(2058, 6, 1)),
    ],
    ids=[
        "women-born-before-1950-treated-as-65",
        "5-dec-1953-last-65th-birthday",
        "6-dec-1953-first-2011-act-day",
        "5-jan-1954-same-cohort",
        "mid-2011-act-table",
        "5-oct-1954-last-2011-act-day",
        "6-oct-1954-66th-birthday",
        "5-apr-1960-66th-birthday",
        "6-apr-1960-66-and-1-month",
        "5-may-1960-still-66-and-1-month",
        "6-may-1960-66-and-2-months",
        "transitional-month-66-and-6-months",
        "31-jul-1960-para-7a-30-nov",
        "31-dec-1960-para-7a-30-sep",
        "31-jan-1961-para-7a-30-nov",
        "5-mar-1961-66-and-11-months",
        "6-mar-1961-67th-birthday",
        "5-apr-1977-67th-birthday",
        "6-apr-1977-first-2007-act-day",
        "5-may-1977-same-cohort",
        "6-may-1977-two-months-later",
        "dec-1977-cohort",
        "6-mar-1978-last-cohort",
        "5-apr-1978-last-2007-act-day",
        "6-apr-1978-68th-birthday",
        "born-1990-68th-birthday",
    ],
)
def test_state_pension_age_date(born: dt.date, pension_age_date: dt.date) -> None:
    """Every band edge of the legislated timetable: a day out either way moves a retention date."""
    assert state_pension_age_date(born) == pension_age_date


@pytest.mark.parametrize(
    ("born", "pension_age_date"),
    [
        (D(1952, 2, 29), D(2017, 3, 1)),
        (D(1956, 2, 29), D(2022, 3, 1)),
        (D(1964, 2, 29), D(2031, 3, 1)),
        (D(1976, 2, 29), D(2043, 3, 1)),
        (D(1980, 2, 29), D(2048, 2, 29)),
    ],
    ids=["65-in-2017", "66-in-2022", "67-in-2031", "67-in-2043", "68-in-leap-2048"],
)
def test_29_february_births(born: dt.date, pension_age_date: dt.date) -> None:
    """A leap-day birthday falls on 1 March in a common year, 29 February in a leap year."""
    assert state_pension_age_date(born) == pension_age_date


def test_pension_age_never_goes_backwards_for_a_later_birthday() -> None:
    """No one born later reaches pension age earlier: catches a mis-keyed table row or a band overlap."""
    day, previous = D(1945, 1, 1), state_pension_age_date(D(1945, 1, 1))
    while day < D(1995, 1, 1):
        day += dt.timedelta(days=1)
        current = state_pension_age_date(day)
        assert current >= previous, day
        assert current >= add_years(day, 65), day
        previous = current


# --- Allegations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [Outcome.SUBSTANTIATED, Outcome.UNSUBSTANTIATED, Outcome.UNFOUNDED, Outcome.FALSE, None],
    ids=["substantiated", "unsubstantiated", "unfounded", "false-kept-by-default", "open"],
)
@pytest.mark.parametrize(
    ("person", "review_on"),
    [
        ({"date_of_birth": PENSION_WINS_DOB}, D(2044, 3, 14)),
        ({"date_of_birth": TEN_YEARS_WINS_DOB}, D(2036, 4, 2)),
        ({"pension_date_entered": D(2050, 9, 1)}, D(2050, 9, 1)),
        ({"pension_date_entered": D(2030, 9, 1)}, D(2036, 4, 2)),
        ({"date_of_birth": TEN_YEARS_WINS_DOB, "pension_date_entered": D(2050, 9, 1)}, D(2036, 4, 2)),
    ],
    ids=["dob-pension-wins", "dob-10-years-wins", "entered-wins", "entered-10-years-wins", "dob-beats-entered"],
)
def test_kept_allegations_use_the_later_of_pension_age_and_10_years(
    outcome: Outcome | None, person: dict[str, dt.date], review_on: dt.date
) -> None:
    """KCSIE's rule for every kept outcome, and while open: the longer of the two periods."""
    result = retention(facts(outcome=outcome, outcome_on=OUTCOME_ON if outcome else None, **person))
    assert result == Retention(review_on, result.reason)
    assert f"Kept until {govuk_date(review_on)}, the later of normal pension age" in result.reason


def test_the_reason_reads_as_the_case_page_shows_it() -> None:
    """The exact words a case manager reads: both dates, which won, and the source."""
    result = retention(facts(outcome=Outcome.SUBSTANTIATED, outcome_on=OUTCOME_ON, date_of_birth=PENSION_WINS_DOB))
    assert result.reason == (
        "Kept until 14 March 2044, the later of normal pension age (14 March 2044) and 10 years from the "
        "allegation (2 April 2036). Keeping children safe in education, Part four."
    )


@pytest.mark.parametrize(
    ("outcome", "note"),
    [
        (None, "The outcome is not recorded yet; this is worked out again when it is."),
        (Outcome.FALSE, "This school keeps false allegations rather than removing them."),
        (Outcome.SUBSTANTIATED, None),
    ],
    ids=["open", "false-kept", "substantiated"],
)
def test_the_reason_says_when_the_date_may_still_change(outcome: Outcome | None, note: str | None) -> None:
    """An open case's date is provisional and a kept false allegation is a school choice: say so."""
    reason = retention(facts(outcome=outcome, date_of_birth=PENSION_WINS_DOB)).reason
    if note is None:
        assert "not recorded yet" not in reason and "false allegations" not in reason
    else:
        assert note in reason


def test_an_entered_pension_date_is_named_as_entered() -> None:
    """The case page must show the date came from the case manager, not the person's details."""
    result = retention(facts(pension_date_entered=D(2050, 9, 1)))
    assert "normal pension age (1 September 2050, entered by the case manager)" in result.reason


@pytest.mark.parametrize(
    "outcome",
    [Outcome.SUBSTANTIATED, Outcome.UNSUBSTANTIATED, Outcome.UNFOUNDED, Outcome.FALSE, None],
    ids=["substantiated", "unsubstantiated", "unfounded", "false-kept", "open"],
)
def test_no_date_of_birth_and_no_entered_date_asks_for_one(outcome: Outcome | None) -> None:
    """Without pension age there is no safe date: ask for it rather than guess 10 years."""
    result = retention(facts(outcome=outcome, outcome_on=OUTCOME_ON if outcome else None))
    assert result.review_on is None
    assert result.missing == MISSING_PENSION_AGE
    assert "10 years from the allegation (2 April 2036)" in result.reason


@pytest.mark.parametrize(
    ("settings", "outcome", "dates", "review_on"),
    [
        ({}, Outcome.MALICIOUS, {"outcome_on": OUTCOME_ON, "closed_on": CLOSED_ON}, OUTCOME_ON),
        ({}, Outcome.MALICIOUS, {"closed_on": CLOSED_ON}, CLOSED_ON),
        ({"remove_false_allegations": True}, Outcome.FALSE, {"outcome_on": OUTCOME_ON}, OUTCOME_ON),
        ({"remove_false_allegations": True}, Outcome.FALSE, {"closed_on": CLOSED_ON}, CLOSED_ON),
    ],
    ids=["malicious", "malicious-closure-date", "false-setting-on", "false-setting-on-closure-date"],
)
def test_removed_at_outcome(
    settings: dict[str, bool], outcome: Outcome, dates: dict[str, dt.date], review_on: dt.date
) -> None:
    """Malicious (and false, if the school says) come off the record at the outcome, DOB or not."""
    result = retention(facts(outcome=outcome, **settings, **dates))
    assert result.review_on == review_on
    assert result.missing is None
    assert f"when the outcome is recorded ({govuk_date(review_on)})" in result.reason


def test_malicious_reason() -> None:
    """The words for malicious allegations follow KCSIE's."""
    result = retention(facts(outcome=Outcome.MALICIOUS, outcome_on=OUTCOME_ON, date_of_birth=PENSION_WINS_DOB))
    assert result.reason == (
        "A malicious allegation is removed from personnel records when the outcome is recorded (15 June 2026). "
        "Keeping children safe in education, Part four."
    )


@pytest.mark.parametrize(
    ("outcome", "settings"),
    [(Outcome.MALICIOUS, {}), (Outcome.FALSE, {"remove_false_allegations": True})],
    ids=["malicious", "false-setting-on"],
)
def test_removal_without_an_outcome_date_asks_for_it(outcome: Outcome, settings: dict[str, bool]) -> None:
    """A removal date cannot be made up: the outcome date is what the case manager enters."""
    result = retention(facts(outcome=outcome, **settings))
    assert (result.review_on, result.missing) == (None, MISSING_OUTCOME_DATE)


@pytest.mark.parametrize(
    ("years", "review_on"),
    [(10, D(2036, 4, 2)), (15, D(2041, 4, 2)), (5, D(2032, 1, 1))],
    ids=["default-10", "school-sets-15", "school-sets-5-pension-age-still-applies"],
)
def test_kept_false_allegations_use_the_schools_years(years: int, review_on: dt.date) -> None:
    """The school's years replace the 10; pension age still sets a floor."""
    result = retention(
        facts(outcome=Outcome.FALSE, date_of_birth=TEN_YEARS_WINS_DOB, false_allegation_retention_years=years)
    )
    assert result.review_on == review_on
    assert f"{years} years from the allegation" in result.reason


def test_the_school_setting_is_ignored_for_other_outcomes() -> None:
    """Removing false allegations must not remove an unsubstantiated one."""
    result = retention(
        facts(
            outcome=Outcome.UNSUBSTANTIATED,
            outcome_on=OUTCOME_ON,
            date_of_birth=PENSION_WINS_DOB,
            remove_false_allegations=True,
        )
    )
    assert result.review_on == D(2044, 3, 14)


def test_recording_the_outcome_recomputes_the_date() -> None:
    """The same case, open then malicious: the date moves from the pension rule to the outcome."""
    open_case = facts(date_of_birth=PENSION_WINS_DOB)
    assert retention(open_case).review_on == D(2044, 3, 14)
    concluded = replace(open_case, outcome=Outcome.MALICIOUS, outcome_on=OUTCOME_ON)
    assert retention(concluded).review_on == OUTCOME_ON


def test_outcome_as_stored_text() -> None:
    """The service may pass the stored string; it means the same outcome."""
    result = retention(facts(outcome="malicious", outcome_on=OUTCOME_ON))  # type: ignore[arg-type]
    assert result.review_on == OUTCOME_ON


@pytest.mark.parametrize(
    ("received", "review_on"),
    [(D(2028, 2, 29), D(2038, 3, 1)), (D(2030, 2, 28), D(2040, 2, 28)), (D(2032, 2, 29), D(2042, 3, 1))],
    ids=["29-feb-to-1-mar", "28-feb-stays", "29-feb-2032"],
)
def test_10_years_from_29_february(received: dt.date, review_on: dt.date) -> None:
    """Adding years to a leap day never lands a day early."""
    assert retention(facts(allegation_on=received, date_of_birth=TEN_YEARS_WINS_DOB)).review_on == review_on


# --- Low-level concerns, self-referrals, whistleblowing --------------------------------------


@pytest.mark.parametrize("kind", ["low_level_concern", "self_referral"])
@pytest.mark.parametrize(
    ("leave_date", "years", "review_on", "reason"),
    [
        (
            D(2027, 8, 31),
            6,
            D(2033, 8, 31),
            "Kept until 31 August 2033, 6 years after the person left (31 August 2027). "
            "Keeping children safe in education, Part four, Section two. The period is the school's setting.",
        ),
        (
            D(2027, 8, 31),
            1,
            D(2028, 8, 31),
            "Kept until 31 August 2028, 1 year after the person left (31 August 2027). "
            "Keeping children safe in education, Part four, Section two. The period is the school's setting.",
        ),
        (
            D(2027, 8, 31),
            0,
            D(2027, 8, 31),
            "Kept until the person left (31 August 2027). "
            "Keeping children safe in education, Part four, Section two. The period is the school's setting.",
        ),
        (D(2028, 2, 29), 6, D(2034, 3, 1), None),
        (
            None,
            6,
            None,
            "Kept while the person works here, then for 6 years after they leave. "
            "Keeping children safe in education, Part four, Section two.",
        ),
        (
            None,
            0,
            None,
            "Kept while the person works here. Keeping children safe in education, Part four, Section two.",
        ),
    ],
    ids=["left-6-years", "left-1-year", "left-0-years", "left-29-feb", "still-here", "still-here-0-years"],
)
def test_low_level_concerns_and_self_referrals(
    kind: str, leave_date: dt.date | None, years: int, review_on: dt.date | None, reason: str | None
) -> None:
    """Kept at least until the person leaves, then for the school's period; self-referrals alike."""
    result = retention(facts(kind=kind, leave_date=leave_date, low_level_years_after_leaving=years))
    assert result.review_on == review_on
    assert result.missing is None  # still working here is not something to enter
    if reason is not None:
        assert result.reason == reason


def test_low_level_concerns_ignore_allegation_details() -> None:
    """A date of birth or an outcome must not pull a low-level concern onto the allegation rule."""
    result = retention(
        facts(
            kind="low_level_concern", date_of_birth=PENSION_WINS_DOB, outcome=Outcome.MALICIOUS, outcome_on=OUTCOME_ON
        )
    )
    assert result.review_on is None


@pytest.mark.parametrize(
    ("closed_on", "years", "review_on", "reason"),
    [
        (
            CLOSED_ON,
            3,
            D(2029, 6, 30),
            "Kept until 30 June 2029, 3 years after the case was closed (30 June 2026). "
            "The period is the school's setting.",
        ),
        (CLOSED_ON, 0, CLOSED_ON, "Kept until the case was closed (30 June 2026). The period is the school's setting."),
        (
            None,
            3,
            None,
            "Kept while the case is open, then for 3 years after it is closed. The period is the school's setting.",
        ),
    ],
    ids=["closed", "closed-0-years", "open"],
)
def test_whistleblowing(closed_on: dt.date | None, years: int, review_on: dt.date | None, reason: str) -> None:
    """A school-set period after closure; nothing to review while the case is open."""
    result = retention(facts(kind="whistleblowing", closed_on=closed_on, whistleblowing_years_after_closure=years))
    assert result == Retention(review_on, reason)


# --- Legal hold -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        facts(outcome=Outcome.SUBSTANTIATED, outcome_on=OUTCOME_ON, date_of_birth=PENSION_WINS_DOB),
        facts(outcome=Outcome.MALICIOUS, outcome_on=OUTCOME_ON),
        facts(outcome=Outcome.FALSE, outcome_on=OUTCOME_ON, remove_false_allegations=True),
        facts(),
        facts(kind="low_level_concern", leave_date=D(2027, 8, 31)),
        facts(kind="low_level_concern"),
        facts(kind="self_referral", leave_date=D(2027, 8, 31)),
        facts(kind="whistleblowing", closed_on=CLOSED_ON),
        facts(kind="whistleblowing"),
    ],
    ids=[
        "allegation",
        "malicious",
        "false-removed",
        "allegation-missing-pension-age",
        "low-level-left",
        "low-level-still-here",
        "self-referral",
        "whistleblowing-closed",
        "whistleblowing-open",
    ],
)
def test_legal_hold_on_each_kind(case: RetentionFacts) -> None:
    """A hold keeps the date on show but refuses destruction, on every kind and outcome."""
    free, held = retention(case), retention(replace(case, legal_hold=True))
    assert held == replace(free, held=True, reason=f"{HOLD_REASON} {free.reason}")
    assert held.reason.startswith("Under legal hold: nothing may be destroyed until the hold is lifted.")
    assert not free.held
    assert not is_due(held, D(2100, 1, 1))


# --- Due for review ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "today", "due"),
    [
        (Retention(D(2036, 4, 2), "r"), D(2036, 4, 1), False),
        (Retention(D(2036, 4, 2), "r"), D(2036, 4, 2), True),
        (Retention(D(2036, 4, 2), "r"), D(2036, 4, 3), True),
        (Retention(D(2036, 4, 2), "r", held=True), D(2036, 4, 2), False),
        (Retention(D(2036, 4, 2), "r", held=True), D(2040, 1, 1), False),
        (Retention(None, "r", missing="m"), D(2100, 1, 1), False),
        (Retention(None, "r"), D(2100, 1, 1), False),
    ],
    ids=["day-before", "on-the-day", "day-after", "held-on-the-day", "held-years-later", "missing", "no-date-yet"],
)
def test_is_due(result: Retention, today: dt.date, due: bool) -> None:
    """Due on the review date, never before, never under a hold, never without a date."""
    assert is_due(result, today) is due


# --- Guards and formatting --------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "grievance"},
        {"outcome": "dismissed"},
        {"low_level_years_after_leaving": -1},
        {"whistleblowing_years_after_closure": -1},
        {"false_allegation_retention_years": -1},
    ],
    ids=["unknown-kind", "unknown-outcome", "negative-low-level", "negative-whistleblowing", "negative-false"],
)
def test_nonsense_facts_are_refused(overrides: dict[str, Any]) -> None:
    """A bad kind or period is a programming error: fail loudly, never compute a date from it."""
    with pytest.raises(ValueError):
        facts(**overrides)


@pytest.mark.parametrize(
    ("day", "text"),
    [(D(2026, 4, 2), "2 April 2026"), (D(2044, 3, 14), "14 March 2044"), (D(2030, 12, 31), "31 December 2030")],
    ids=["no-leading-zero", "two-digit-day", "december"],
)
def test_govuk_dates(day: dt.date, text: str) -> None:
    """Reasons use GOV.UK dates: no leading zero, month in full."""
    assert govuk_date(day) == text
