"""How long a case's records are kept, and why (DOMAIN.md section 7; section 5 step 7).

Pure: the dates come in, a review date and a plain-English reason go out. Nothing here is stored:
the service works it out again whenever the outcome or any of the dates change, so the case page
always shows the rule as it applies today.

The date is when the case becomes due for a *destruction review*, not when it is destroyed: a
person still decides, and a legal hold (an inquiry, litigation) refuses destruction outright.

Rules chosen here, each a judgement the issue left open:

- Allegations are kept until the later of normal pension age and 10 years from the allegation,
  whatever the outcome, except malicious ones (removed when the outcome is recorded) and false
  ones when the school has chosen to remove them. While the case is open the same rule applies:
  the record is kept at least that long, and the outcome can only bring removal forward.
- A false allegation the school keeps follows the allegation rule, with the school's
  `false_allegation_retention_years` in place of the 10 years (default 10, so by default it is
  exactly the allegation rule). The pension-age part still applies.
- Adding years to 29 February gives 1 March in a year without one: the later of the two
  candidate days, so a record is never reviewed a day early. It is the same reading the State
  Pension age uses for a birthday on 29 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace

from casetracker.domain.guidance import Outcome
from casetracker.domain.reports import ReportKind

# KCSIE Part four, Section one, 'Record keeping': "at least until the accused has reached normal
# pension age or for a period of 10 years from the date of the allegation if that is longer".
ALLEGATION_YEARS = 10
DEFAULT_FALSE_ALLEGATION_RETENTION_YEARS = ALLEGATION_YEARS

KCSIE_ALLEGATIONS = "Keeping children safe in education, Part four."
KCSIE_LOW_LEVEL = "Keeping children safe in education, Part four, Section two."
SCHOOL_SETTING = "The period is the school's setting."

HOLD_REASON = "Under legal hold: nothing may be destroyed until the hold is lifted."
MISSING_PENSION_AGE = "Enter the person's date of birth or their normal pension age date"
MISSING_OUTCOME_DATE = "Enter the date the outcome was recorded"


# --- State Pension age ------------------------------------------------------------------------

# Pensions Act 1995, Schedule 4, paragraph 1, table 2 as substituted by the Pensions Act 2011,
# s1(5): State Pension age rises from 65 to 66 for men and women alike. Each row: the first
# birthday of a monthly cohort (6th of one month to 5th of the next) and the day that cohort
# reaches pension age.
_PENSIONS_ACT_2011_TABLE = (
    (dt.date(1953, 12, 6), dt.date(2019, 3, 6)),
    (dt.date(1954, 1, 6), dt.date(2019, 5, 6)),
    (dt.date(1954, 2, 6), dt.date(2019, 7, 6)),
    (dt.date(1954, 3, 6), dt.date(2019, 9, 6)),
    (dt.date(1954, 4, 6), dt.date(2019, 11, 6)),
    (dt.date(1954, 5, 6), dt.date(2020, 1, 6)),
    (dt.date(1954, 6, 6), dt.date(2020, 3, 6)),
    (dt.date(1954, 7, 6), dt.date(2020, 5, 6)),
    (dt.date(1954, 8, 6), dt.date(2020, 7, 6)),
    (dt.date(1954, 9, 6), dt.date(2020, 9, 6)),
)

# The Pensions Act 2007's rise from 67 to 68 (Schedule 4 to the 1995 Act, the 1977-78 table):
# the same shape, a fixed day two months later for each monthly cohort.
_PENSIONS_ACT_2007_TABLE = (
    (dt.date(1977, 4, 6), dt.date(2044, 5, 6)),
    (dt.date(1977, 5, 6), dt.date(2044, 7, 6)),
    (dt.date(1977, 6, 6), dt.date(2044, 9, 6)),
    (dt.date(1977, 7, 6), dt.date(2044, 11, 6)),
    (dt.date(1977, 8, 6), dt.date(2045, 1, 6)),
    (dt.date(1977, 9, 6), dt.date(2045, 3, 6)),
    (dt.date(1977, 10, 6), dt.date(2045, 5, 6)),
    (dt.date(1977, 11, 6), dt.date(2045, 7, 6)),
    (dt.date(1977, 12, 6), dt.date(2045, 9, 6)),
    (dt.date(1978, 1, 6), dt.date(2045, 11, 6)),
    (dt.date(1978, 2, 6), dt.date(2046, 1, 6)),
    (dt.date(1978, 3, 6), dt.date(2046, 3, 6)),
)

_SIXTY_SIX_FROM = dt.date(1954, 10, 6)
_SIXTY_SIX_AND_MONTHS_FROM = dt.date(1960, 4, 6)
_SIXTY_SEVEN_FROM = dt.date(1961, 3, 6)
_SIXTY_EIGHT_FROM = dt.date(1978, 4, 6)


def state_pension_age_date(date_of_birth: dt.date) -> dt.date:
    """The day a person born on `date_of_birth` reaches State Pension age in the UK, as legislated now.

    KCSIE and the records guidance say "normal pension age"; the usual reading is State Pension
    age, which is what this works out. A person's occupational scheme may use another age: where
    no date of birth is recorded the case manager enters the date instead (see RetentionFacts).

    Pensions Act 1995 Schedule 4 as amended by the Pensions Acts 2007, 2011 and 2014:

    - born before 6 December 1953: 65th birthday. Exact for men. Women born before then reached
      it earlier (60, rising from April 2010), but we hold no sex and every such person is past
      it; 65 is never earlier than the true date, so a record is never reviewed too soon.
    - 6 December 1953 to 5 October 1954: the Pensions Act 2011 table, fixed days from 6 March 2019
      to 6 September 2020. (The issue's summary put these people at 65; the Act puts them later.)
    - 6 October 1954 to 5 April 1960: 66th birthday.
    - 6 April 1960 to 5 March 1961: 66 years and 1 to 11 months by monthly cohort (Pensions Act
      2014 s26, table 3). Where the month has no such day the Act's paragraph 7A gives the last
      day of the month (born 31 July 1960: 30 November 2026).
    - 6 March 1961 to 5 April 1977: 67th birthday.
    - 6 April 1977 to 5 April 1978: fixed days from 6 May 2044 to 6 March 2046 (Pensions Act 2007).
      Checked against DWP's own calculator data (dwp/get-state-pension-date) and the 2007 Act's
      two-months-a-cohort pattern, not against the consolidated Act text itself.
    - born on or after 6 April 1978: 68th birthday.

    A 29 February birthday falls on 1 March in a year without one. Parliament reviews these ages
    (Pensions Act 2014 s27); a change means a new table here, and cases pick it up when next worked out.
    """
    if date_of_birth < _PENSIONS_ACT_2011_TABLE[0][0]:
        return add_years(date_of_birth, 65)
    if date_of_birth < _SIXTY_SIX_FROM:
        return _fixed_day(_PENSIONS_ACT_2011_TABLE, date_of_birth)
    if date_of_birth < _SIXTY_SIX_AND_MONTHS_FROM:
        return add_years(date_of_birth, 66)
    if date_of_birth < _SIXTY_SEVEN_FROM:
        cohort = _months_since(_SIXTY_SIX_AND_MONTHS_FROM, date_of_birth)
        return _add_months_to_month_end(date_of_birth, 66 * 12 + cohort + 1)
    if date_of_birth < _PENSIONS_ACT_2007_TABLE[0][0]:
        return add_years(date_of_birth, 67)
    if date_of_birth < _SIXTY_EIGHT_FROM:
        return _fixed_day(_PENSIONS_ACT_2007_TABLE, date_of_birth)
    return add_years(date_of_birth, 68)


def _fixed_day(table: tuple[tuple[dt.date, dt.date], ...], date_of_birth: dt.date) -> dt.date:
    return next(day for first_born, day in reversed(table) if date_of_birth >= first_born)


def _months_since(cohort_start: dt.date, day: dt.date) -> int:
    """Which monthly cohort (6th to the 5th) `day` falls in, counting from `cohort_start`'s as 0."""
    months = (day.year - cohort_start.year) * 12 + day.month - cohort_start.month
    return months - 1 if day.day < cohort_start.day else months


def _add_months_to_month_end(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


# --- Retention --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RetentionFacts:
    """What the retention rule reads from a case, its subject and the school's settings.

    Keyword-only: a row of bare dates in the wrong order would silently give the wrong date.
    `pension_date_entered` is used only when no date of birth is recorded; a recorded date of
    birth always wins, so the date cannot drift from the person's details.
    """

    kind: str  # a ReportKind value
    allegation_on: dt.date  # when the allegation or report was received
    outcome: Outcome | None = None
    outcome_on: dt.date | None = None
    closed_on: dt.date | None = None
    date_of_birth: dt.date | None = None
    pension_date_entered: dt.date | None = None
    leave_date: dt.date | None = None
    legal_hold: bool = False
    # The school's settings. The two periods have no national figure, so there is no default.
    low_level_years_after_leaving: int
    whistleblowing_years_after_closure: int
    remove_false_allegations: bool = False  # DOMAIN.md 5.7: a school setting, default off
    false_allegation_retention_years: int = DEFAULT_FALSE_ALLEGATION_RETENTION_YEARS

    def __post_init__(self) -> None:
        ReportKind(self.kind)  # an unknown kind is a programming error, not a missing date
        if self.outcome is not None:
            Outcome(self.outcome)
        for name in (
            "low_level_years_after_leaving",
            "whistleblowing_years_after_closure",
            "false_allegation_retention_years",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True)
class Retention:
    """What the case page shows: the review date, why, what is missing, and whether it is held."""

    review_on: dt.date | None  # None: it cannot be worked out yet (see `missing` and `reason`)
    reason: str
    missing: str | None = None  # what the case manager must enter before there is a date
    held: bool = False  # legal hold: the date is still shown, but destruction is refused


def retention(facts: RetentionFacts) -> Retention:
    """When this case becomes due for a destruction review, and the reason in plain English."""
    kind = ReportKind(facts.kind)
    if kind is ReportKind.ALLEGATION:
        result = _allegation(facts)
    elif kind.is_low_level:
        result = _low_level(facts)
    else:
        result = _whistleblowing(facts)
    if facts.legal_hold:
        return replace(result, held=True, reason=f"{HOLD_REASON} {result.reason}")
    return result


def is_due(retention: Retention, today: dt.date) -> bool:
    """Due for a destruction review: there is a date, it has come, and no legal hold stops it."""
    return retention.review_on is not None and retention.review_on <= today and not retention.held


def _allegation(facts: RetentionFacts) -> Retention:
    outcome = Outcome(facts.outcome) if facts.outcome is not None else None
    if outcome is Outcome.MALICIOUS:
        return _removed_at_outcome(
            facts, "A malicious allegation is removed from personnel records when the outcome is recorded"
        )
    if outcome is Outcome.FALSE and facts.remove_false_allegations:
        return _removed_at_outcome(
            facts, "This school removes false allegations from personnel records when the outcome is recorded"
        )
    years = facts.false_allegation_retention_years if outcome is Outcome.FALSE else ALLEGATION_YEARS
    years_on = add_years(facts.allegation_on, years)
    from_allegation = f"{_years(years)} from the allegation ({govuk_date(years_on)})"
    notes = []
    if outcome is None:
        notes.append("The outcome is not recorded yet; this is worked out again when it is.")
    elif outcome is Outcome.FALSE:
        notes.append("This school keeps false allegations rather than removing them.")

    pension = _pension_age(facts)
    if pension is None:
        reason = f"Kept until the later of normal pension age (not known yet) and {from_allegation}."
        return Retention(None, _sentences(reason, *notes, KCSIE_ALLEGATIONS), missing=MISSING_PENSION_AGE)
    pension_on, entered = pension
    review_on = max(pension_on, years_on)
    source = ", entered by the case manager" if entered else ""
    reason = (
        f"Kept until {govuk_date(review_on)}, the later of normal pension age "
        f"({govuk_date(pension_on)}{source}) and {from_allegation}."
    )
    return Retention(review_on, _sentences(reason, *notes, KCSIE_ALLEGATIONS))


def _pension_age(facts: RetentionFacts) -> tuple[dt.date, bool] | None:
    """Normal pension age and whether the case manager entered it, or None when neither is known."""
    if facts.date_of_birth is not None:
        return state_pension_age_date(facts.date_of_birth), False
    if facts.pension_date_entered is not None:
        return facts.pension_date_entered, True
    return None


def _removed_at_outcome(facts: RetentionFacts, rule: str) -> Retention:
    # The outcome date is when the rule bites; a closed case with no outcome date uses closure.
    removal_on = facts.outcome_on or facts.closed_on
    if removal_on is None:
        return Retention(None, _sentences(f"{rule}.", KCSIE_ALLEGATIONS), missing=MISSING_OUTCOME_DATE)
    return Retention(removal_on, _sentences(f"{rule} ({govuk_date(removal_on)}).", KCSIE_ALLEGATIONS))


def _low_level(facts: RetentionFacts) -> Retention:
    years = facts.low_level_years_after_leaving
    if facts.leave_date is None:
        after = f", then for {_years(years)} after they leave" if years else ""
        return Retention(None, _sentences(f"Kept while the person works here{after}.", KCSIE_LOW_LEVEL))
    review_on = add_years(facts.leave_date, years)
    left = govuk_date(facts.leave_date)
    if years:
        reason = f"Kept until {govuk_date(review_on)}, {_years(years)} after the person left ({left})."
    else:
        reason = f"Kept until the person left ({left})."
    return Retention(review_on, _sentences(reason, KCSIE_LOW_LEVEL, SCHOOL_SETTING))


def _whistleblowing(facts: RetentionFacts) -> Retention:
    years = facts.whistleblowing_years_after_closure
    if facts.closed_on is None:
        after = f", then for {_years(years)} after it is closed" if years else ""
        return Retention(None, _sentences(f"Kept while the case is open{after}.", SCHOOL_SETTING))
    review_on = add_years(facts.closed_on, years)
    closed = govuk_date(facts.closed_on)
    if years:
        reason = f"Kept until {govuk_date(review_on)}, {_years(years)} after the case was closed ({closed})."
    else:
        reason = f"Kept until the case was closed ({closed})."
    return Retention(review_on, _sentences(reason, SCHOOL_SETTING))


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def govuk_date(day: dt.date) -> str:
    """2 April 2026: GOV.UK style, no leading zero, month names not left to the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _years(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


def _sentences(*parts: str) -> str:
    return " ".join(parts)
