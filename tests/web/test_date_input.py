"""A date the service fills in reads as people write it (2 4 2026); what a person typed stays as typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from casetracker.web.fields import GovukDateField


class DateForm(FlaskForm):
    class Meta:
        csrf = False

    occurred_on = GovukDateField("Date it happened")


def shown_parts(html: str) -> tuple[str, str, str]:
    parts = []
    for part in ("day", "month", "year"):
        match = re.search(rf'id="occurred_on-{part}"[^>]*value="([^"]*)"', html) or re.search(
            rf'value="([^"]*)"[^>]*id="occurred_on-{part}"', html
        )
        assert match, f"no {part} input"
        parts.append(match.group(1))
    return parts[0], parts[1], parts[2]


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (dt.date(2026, 1, 1), ("1", "1", "2026")),
        (dt.date(2026, 2, 9), ("9", "2", "2026")),
        (dt.date(2026, 10, 25), ("25", "10", "2026")),
        (dt.date(2026, 12, 2), ("2", "12", "2026")),
        (dt.date(2028, 2, 29), ("29", "2", "2028")),
    ],
)
def test_a_date_the_service_fills_in_has_no_leading_zeros(
    app: Flask, day: dt.date, shown: tuple[str, str, str]
) -> None:
    with app.test_request_context():
        form = DateForm(data={"occurred_on": day})
        assert shown_parts(str(form.occurred_on())) == shown


def test_a_date_the_person_typed_is_shown_as_they_typed_it(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = DateForm(formdata=MultiDict([("occurred_on", "02"), ("occurred_on", "04"), ("occurred_on", "2026")]))
        assert form.occurred_on.data == dt.date(2026, 4, 2)
        assert shown_parts(str(form.occurred_on())) == ("02", "04", "2026")
