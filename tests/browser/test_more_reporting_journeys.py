"""More concerns raised by signed-in staff, end to end in a real browser, with an accessibility scan of every page.

A teacher refers themself: the report is listed as received in "Your reports", and the designated
safeguarding lead (the school's default route for low-level concerns) finds the case. A member of
staff blows the whistle on the headteacher under their own name: the chair of governors finds the
case, and the headteacher sees no trace of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from casetracker.clock import london_today
from casetracker.domain.people import Office, Role
from tests.browser.conftest import AccessibilityChecker
from tests.browser.test_reporting_journeys import REFERENCE, continue_button, menu, sign_in
from tests.conftest import make_user

NewContext = Callable[..., BrowserContext]

ALL_NO = (
    "Has the person harmed a child, or may they have harmed a child?",
    "Might the person have committed a crime against a child, or a crime involving a child?",
    "Has the person behaved towards a child or children in a way that suggests they may be a risk to children?",
    "Has the person behaved, or may they have behaved, in a way that suggests they may not be suitable to work "
    "with children?",
)
SELF_REFERRAL = (
    "Fictional: I gave a Year 6 pupil a lift home in my car after the rain cancelled football practice, "
    "on my own with him."
)
WRONGDOING = "Fictional: the head told the office to backdate the fire risk assessment before the inspection."
WRONGDOING_KIND = "Failure to meet a legal obligation or statutory requirement"


def raise_a_concern(page: Page, axe: AccessibilityChecker, choice: str) -> None:
    """From the home page: not in immediate danger, then what the concern is about."""
    menu(page).get_by_role("link", name="Raise a concern").click()
    expect(page.get_by_role("heading", name="Raise a concern")).to_be_visible()
    axe.check(page)
    page.get_by_role("group", name="Is a child in immediate danger?").get_by_label("No", exact=True).check()
    continue_button(page).click()

    expect(page.get_by_role("group", name="What do you want to tell us about?")).to_be_visible()
    axe.check(page)
    page.get_by_label(choice).check()
    continue_button(page).click()


def answer_no_to_every_threshold_question(page: Page, axe: AccessibilityChecker) -> None:
    expect(page.get_by_role("heading", name="Questions about what happened")).to_be_visible()
    axe.check(page)
    for question in ALL_NO:
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    continue_button(page).click()

    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    axe.check(page)
    continue_button(page).click()


def fill_in_date(page: Page, when: dt.date) -> None:
    date = page.get_by_role("group", name="Date it happened")
    date.get_by_label("Day").fill(str(when.day))
    date.get_by_label("Month").fill(str(when.month))
    date.get_by_label("Year").fill(str(when.year))


def send_and_read_reference(page: Page, axe: AccessibilityChecker) -> str:
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("heading", name="Concern received")).to_be_visible()
    axe.check(page)
    reference_text = page.get_by_text(REFERENCE)
    expect(reference_text).to_be_visible()
    match = REFERENCE.search(reference_text.inner_text())
    assert match
    return match.group(0)


def open_cases(page: Page, axe: AccessibilityChecker) -> None:
    menu(page).get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    axe.check(page)


def test_a_teachers_self_referral_is_listed_as_received_and_reaches_the_dsl(
    app: Flask, live_server: str, page: Page, new_context: NewContext, axe: AccessibilityChecker
) -> None:
    make_user(app, "Hilary Marsh", office=Office.HEADTEACHER)
    dsl = make_user(app, "Dev Patel", office=Office.DSL)
    make_user(app, "Colin Ashby", office=Office.CHAIR, roles=(Role.GOVERNOR,))
    teacher = make_user(app, "Rosa Lindqvist")
    assert teacher.totp_secret is None
    assert dsl.totp_secret is not None

    # The teacher refers themself.
    sign_in(page, live_server, teacher, axe)
    axe.check(page)
    raise_a_concern(page, axe, "A concern about myself (self-referral)")
    # A self-referral has no "who is it about" page: it goes straight to the questions.
    expect(page.get_by_text("Answer them about yourself.")).to_be_visible()
    answer_no_to_every_threshold_question(page, axe)

    expect(page.get_by_role("heading", name="What happened")).to_be_visible()
    axe.check(page)
    expect(page.get_by_role("group", name="What kind of wrongdoing is it?")).to_have_count(0)
    page.get_by_label("Tell us what happened").fill(SELF_REFERRAL)
    fill_in_date(page, london_today() - dt.timedelta(days=1))
    page.get_by_label("Time it happened (optional)").fill("16:45")
    page.get_by_label("Where it happened (optional)").fill("The staff car park")
    page.get_by_label("Children involved (optional)").fill("Sam Fictional (Year 6)")
    page.get_by_label("What you have done already (optional)").fill("Fictional: I told his mother at the door.")
    continue_button(page).click()

    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    axe.check(page)
    answers = page.get_by_role("main")
    expect(answers).to_contain_text("A concern about myself (self-referral)")
    expect(answers).to_contain_text(SELF_REFERRAL)
    expect(answers).to_contain_text("16:45")
    expect(answers).to_contain_text("The staff car park")
    expect(answers).to_contain_text("Sam Fictional (Year 6)")
    expect(answers).not_to_contain_text("Not sure")
    reference = send_and_read_reference(page, axe)

    # "Your reports" lists it, received and not yet looked at.
    page.get_by_role("main").get_by_role("link", name="Your reports").click()
    expect(page.get_by_role("heading", name="Your reports")).to_be_visible()
    axe.check(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Received")

    # The designated safeguarding lead, signing in with their authenticator, finds it in their cases.
    dsl_page = new_context().new_page()
    sign_in(dsl_page, live_server, dsl, axe)
    axe.check(dsl_page)
    open_cases(dsl_page, axe)
    dsl_page.get_by_role("link", name=reference).click()
    expect(dsl_page.get_by_role("heading", name=f"Case {reference}")).to_be_visible()
    axe.check(dsl_page)
    expect(dsl_page.get_by_role("main")).to_contain_text("Rosa Lindqvist")
    expect(dsl_page.get_by_text(SELF_REFERRAL)).to_be_visible()


def test_a_named_whistleblowers_concern_about_the_head_reaches_the_chair_and_not_the_head(
    app: Flask, live_server: str, page: Page, new_context: NewContext, axe: AccessibilityChecker
) -> None:
    head = make_user(app, "Hilary Marsh", office=Office.HEADTEACHER)
    make_user(app, "Dev Patel", office=Office.DSL)
    chair = make_user(app, "Colin Ashby", office=Office.CHAIR, roles=(Role.GOVERNOR,))
    clerk = make_user(app, "Nia Roberts")

    # The member of staff blows the whistle, under their own name.
    sign_in(page, live_server, clerk, axe)
    axe.check(page)
    raise_a_concern(page, axe, "Whistleblowing: wrongdoing in the school")

    expect(page.get_by_role("heading", name="Who is involved?")).to_be_visible()
    axe.check(page)
    involved = page.get_by_role("group", name="Choose everyone who is involved")
    expect(involved).to_contain_text("your concern goes to the chair of governors instead")
    involved.get_by_label("The headteacher").check()
    continue_button(page).click()

    expect(page.get_by_text("Answer them about the people involved in the wrongdoing.")).to_be_visible()
    answer_no_to_every_threshold_question(page, axe)

    expect(page.get_by_role("heading", name="What happened")).to_be_visible()
    axe.check(page)
    page.get_by_role("group", name="What kind of wrongdoing is it?").get_by_label(WRONGDOING_KIND).check()
    page.get_by_label("Tell us what happened").fill(WRONGDOING)
    fill_in_date(page, london_today() - dt.timedelta(days=5))
    page.get_by_label("Where it happened (optional)").fill("The headteacher's office")
    page.get_by_label("Evidence (optional)").fill("Fictional: the original assessment is in the shared drive.")
    page.get_by_label("Any personal interest you have in the matter (optional)").fill("None")
    continue_button(page).click()

    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    axe.check(page)
    answers = page.get_by_role("main")
    expect(answers).to_contain_text("Whistleblowing: wrongdoing in the school")
    expect(answers).to_contain_text(WRONGDOING_KIND)
    expect(answers).to_contain_text(WRONGDOING)
    expect(answers).to_contain_text("the original assessment is in the shared drive")
    reference = send_and_read_reference(page, axe)
    assert head.email not in {message["To"] for message in app.extensions["outbox"]}

    # The chair of governors finds it in their cases.
    chair_page = new_context().new_page()
    sign_in(chair_page, live_server, chair, axe)
    open_cases(chair_page, axe)
    chair_page.get_by_role("link", name=reference).click()
    expect(chair_page.get_by_role("heading", name=f"Case {reference}")).to_be_visible()
    axe.check(chair_page)
    expect(chair_page.get_by_role("main")).to_contain_text("Chair of governors")
    expect(chair_page.get_by_text(WRONGDOING)).to_be_visible()

    # The headteacher sees no trace of it.
    head_page = new_context().new_page()
    sign_in(head_page, live_server, head, axe)
    axe.check(head_page)
    assert reference not in head_page.content()
    open_cases(head_page, axe)
    expect(head_page.get_by_text("There are no open cases for you to see.")).to_be_visible()
    expect(head_page.get_by_role("link", name=re.compile(re.escape(reference)))).to_have_count(0)
    content = head_page.content()
    assert reference not in content
    assert WRONGDOING not in content
