"""Raising concerns, end to end in a real browser, with an accessibility scan of every page visited.

A teaching assistant reports the headteacher: the chair of governors gets the case, the head sees
nothing of it. An anonymous whistleblower and the headteacher talk through the receipt code. And an
anonymous concern is raised with the keyboard alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pyotp
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from casetracker.clock import london_today, utcnow
from casetracker.domain.people import Office, Role
from casetracker.models import User
from tests.browser.conftest import AccessibilityChecker
from tests.conftest import PASSWORD, make_user

NewContext = Callable[..., BrowserContext]

REFERENCE = re.compile(r"CT-[A-Z0-9]{4}-[A-Z0-9]{4}")
RECEIPT_CODE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){5}")
THRESHOLD_QUESTIONS = {
    "Has the person harmed a child, or may they have harmed a child?": "No",
    "Might the person have committed a crime against a child, or a crime involving a child?": "No",
    "Has the person behaved towards a child or children in a way that suggests they may be a risk to children?": (
        "Not sure"
    ),
    "Has the person behaved, or may they have behaved, in a way that suggests they may not be suitable to work "
    "with children?": "No",
}
WHAT_HAPPENED = "Fictional: the head shouted at a Year 4 pupil and pulled him out of the lunch queue by his arm."
WRONGDOING = "Fictional: the fire drill register was rewritten after the drill went wrong."


def sign_in(page: Page, live_server: str, user: User, axe: AccessibilityChecker) -> None:
    """Sign in as a person would: email and password, then the authenticator's code if they have one."""
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if user.totp_secret:
        expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
        axe.check(page)
        page.get_by_label("Security code").fill(pyotp.TOTP(user.totp_secret).at(utcnow()))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Home")).to_be_visible()


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def continue_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Continue", exact=True)


def test_a_teaching_assistants_concern_about_the_head_reaches_the_chair_and_not_the_head(
    app: Flask, live_server: str, page: Page, new_context: NewContext, axe: AccessibilityChecker
) -> None:
    head = make_user(app, "Hilary Marsh", office=Office.HEADTEACHER)
    make_user(app, "Marsha Okafor")  # the search finds more than one person
    make_user(app, "Dev Patel", office=Office.DSL)
    chair = make_user(app, "Colin Ashby", office=Office.CHAIR, roles=(Role.GOVERNOR,))
    assistant = make_user(app, "Tariq Bell")
    assert assistant.totp_secret is None

    # The teaching assistant raises the concern.
    sign_in(page, live_server, assistant, axe)
    axe.check(page)
    menu(page).get_by_role("link", name="Raise a concern").click()
    expect(page.get_by_role("heading", name="Raise a concern")).to_be_visible()
    axe.check(page)
    page.get_by_role("group", name="Is a child in immediate danger?").get_by_label("No", exact=True).check()
    continue_button(page).click()

    expect(page.get_by_role("group", name="What do you want to tell us about?")).to_be_visible()
    axe.check(page)
    page.get_by_label("A concern about another adult who works with children here").check()
    continue_button(page).click()

    expect(page.get_by_role("heading", name="Who is your concern about?")).to_be_visible()
    axe.check(page)
    page.get_by_label("Search the staff directory by name").fill("marsh")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("2 people match ‘marsh’.")).to_be_visible()
    axe.check(page)
    page.get_by_label("Hilary Marsh").check()
    continue_button(page).click()

    expect(page.get_by_role("heading", name="Questions about what happened")).to_be_visible()
    axe.check(page)
    for question, answer in THRESHOLD_QUESTIONS.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    continue_button(page).click()

    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    axe.check(page)
    continue_button(page).click()

    expect(page.get_by_role("heading", name="What happened")).to_be_visible()
    axe.check(page)
    page.get_by_label("Tell us what happened").fill(WHAT_HAPPENED)
    when = london_today() - dt.timedelta(days=2)
    date = page.get_by_role("group", name="Date it happened")
    date.get_by_label("Day").fill(str(when.day))
    date.get_by_label("Month").fill(str(when.month))
    date.get_by_label("Year").fill(str(when.year))
    page.get_by_label("Where it happened (optional)").fill("The dining hall")
    page.get_by_label("Children involved (optional)").fill("Oliver Fictional (Year 4)")
    continue_button(page).click()

    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    axe.check(page)
    answers = page.get_by_role("main")
    expect(answers).to_contain_text("Hilary Marsh")
    expect(answers).to_contain_text("Not sure")
    expect(answers).to_contain_text(WHAT_HAPPENED)
    expect(answers).to_contain_text("The dining hall")
    expect(answers).to_contain_text("Oliver Fictional (Year 4)")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Concern received")).to_be_visible()
    axe.check(page)
    reference_text = page.get_by_text(REFERENCE)
    expect(reference_text).to_be_visible()
    match = REFERENCE.search(reference_text.inner_text())
    assert match
    reference = match.group(0)
    assert head.email not in {message["To"] for message in app.extensions["outbox"]}

    # The chair of governors finds it in their cases, with what was said.
    chair_page = new_context().new_page()
    sign_in(chair_page, live_server, chair, axe)
    menu(chair_page).get_by_role("link", name="Cases", exact=True).click()
    expect(chair_page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    axe.check(chair_page)
    chair_page.get_by_role("link", name=reference).click()
    expect(chair_page.get_by_role("heading", name=f"Case {reference}")).to_be_visible()
    axe.check(chair_page)
    case_page = chair_page.get_by_role("main")
    expect(case_page).to_contain_text("Chair of governors")
    expect(case_page).to_contain_text("Hilary Marsh")
    expect(chair_page.get_by_text(WHAT_HAPPENED)).to_be_visible()
    case_url = chair_page.url

    # The headteacher sees no trace of it anywhere.
    head_page = new_context().new_page()
    sign_in(head_page, live_server, head, axe)
    axe.check(head_page)
    assert reference not in head_page.content()
    cases_link = menu(head_page).get_by_role("link", name="Cases", exact=True)
    expect(cases_link).to_have_text("Cases")  # no count of cases beside it
    cases_link.click()
    expect(head_page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    axe.check(head_page)
    expect(head_page.get_by_text("There are no open cases for you to see.")).to_be_visible()
    expect(head_page.get_by_role("table")).to_have_count(0)
    assert reference not in head_page.content()

    menu(head_page).get_by_role("link", name="Your reports").click()
    expect(head_page.get_by_role("heading", name="Your reports")).to_be_visible()
    axe.check(head_page)
    expect(head_page.get_by_text("You have not raised any concerns.")).to_be_visible()
    assert reference not in head_page.content()

    response = head_page.goto(case_url)
    assert response is not None and response.status == 404
    expect(head_page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe.check(head_page)
    assert reference not in head_page.content()
    assert WHAT_HAPPENED not in head_page.content()


def test_an_anonymous_whistleblower_and_the_head_exchange_messages_through_the_receipt_code(
    app: Flask, live_server: str, page: Page, new_context: NewContext, axe: AccessibilityChecker
) -> None:
    head = make_user(app, "Hilary Marsh", office=Office.HEADTEACHER)
    make_user(app, "Dev Patel", office=Office.DSL)
    make_user(app, "Colin Ashby", office=Office.CHAIR, roles=(Role.GOVERNOR,))

    # The whistleblower, not signed in, raises a concern.
    page.goto(f"{live_server}/whistleblowing")
    expect(page.get_by_role("heading", name="Raise a whistleblowing concern anonymously")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Tell us about the wrongdoing")).to_be_visible()
    axe.check(page)
    page.get_by_label("An attempt to cover up wrongdoing").check()
    page.get_by_label("What happened?").fill(WRONGDOING)
    page.get_by_label("When did it happen? (optional)").fill("Last Friday")
    page.get_by_label("Where did it happen? (optional)").fill("The school office")
    page.get_by_label("Who is involved? (optional)").fill("Fictional Person A, office manager")
    expect(page.get_by_label("The headteacher is involved")).not_to_be_checked()
    harm = page.get_by_role("group", name="Has a child been harmed, or could a child be harmed, because of this?")
    harm.get_by_label("No", exact=True).check()
    continue_button(page).click()

    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    axe.check(page)
    expect(page.get_by_role("main")).to_contain_text(WRONGDOING)
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    axe.check(page)
    code_text = page.get_by_text(RECEIPT_CODE)
    expect(code_text).to_be_visible()
    match = RECEIPT_CODE.search(code_text.inner_text())
    assert match
    receipt_code = match.group(0)

    # The headteacher manages it, and asks the whistleblower a question.
    head_page = new_context().new_page()
    sign_in(head_page, live_server, head, axe)
    menu(head_page).get_by_role("link", name="Cases", exact=True).click()
    expect(head_page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    axe.check(head_page)
    head_page.get_by_role("link", name=REFERENCE).click()
    expect(head_page.get_by_role("heading", name=re.compile(r"^Case CT-"))).to_be_visible()
    axe.check(head_page)
    expect(head_page.get_by_text(WRONGDOING)).to_be_visible()
    question = "Fictional question: which drill was it, and who holds the original register?"
    head_page.get_by_label("Message to the person who reported this").fill(question)
    head_page.get_by_role("button", name="Send message").click()
    expect(head_page.get_by_text("Message sent.")).to_be_visible()
    axe.check(head_page)

    # The whistleblower comes back in a fresh browser, with only the code.
    whistleblower = new_context().new_page()
    whistleblower.goto(f"{live_server}/whistleblowing/follow-up")
    expect(whistleblower.get_by_role("heading", name="Follow up your concern")).to_be_visible()
    axe.check(whistleblower)
    whistleblower.get_by_label("Receipt code").fill(receipt_code)
    continue_button(whistleblower).click()
    expect(whistleblower.get_by_role("heading", name="Your concern")).to_be_visible()
    axe.check(whistleblower)
    expect(whistleblower.get_by_text(question)).to_be_visible()
    answer = "Fictional answer: the autumn drill. The original register is in the office filing cabinet."
    whistleblower.get_by_label("Your reply").fill(answer)
    whistleblower.get_by_role("button", name="Send reply").click()
    expect(whistleblower.get_by_text("Your reply has been sent.")).to_be_visible()
    axe.check(whistleblower)
    expect(whistleblower.get_by_text(answer)).to_be_visible()

    # The headteacher reads the reply on the case page.
    head_page.reload()
    expect(head_page.get_by_text(answer).first).to_be_visible()
    expect(head_page.get_by_text("They wrote")).to_be_visible()
    axe.check(head_page)


def tab_to(page: Page, target: Locator, *, limit: int = 40) -> None:
    """Press Tab until the target has the focus, as someone moving through the page would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def test_an_anonymous_concern_is_raised_with_the_keyboard_alone(
    app: Flask, live_server: str, page: Page, axe: AccessibilityChecker
) -> None:
    make_user(app, "Hilary Marsh", office=Office.HEADTEACHER)
    page.goto(f"{live_server}/whistleblowing")
    axe.check(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Start"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Tell us about the wrongdoing")).to_be_visible()
    axe.check(page)
    # Tab reaches the first choice of a radio group; Space chooses it.
    first_kind = page.get_by_label("Pupils' or staff's health and safety being put in danger")
    tab_to(page, first_kind)
    page.keyboard.press("Space")
    expect(first_kind).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What happened?")).to_be_focused()
    page.keyboard.type("Fictional: a fire door on the Year 2 corridor has been propped open for weeks.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("When did it happen? (optional)")).to_be_focused()
    page.keyboard.type("Since half term")
    tab_to(page, page.get_by_label("The headteacher is involved"))
    page.keyboard.press("Space")
    expect(page.get_by_label("The headteacher is involved")).to_be_checked()
    page.keyboard.press("Space")  # changed their mind
    expect(page.get_by_label("The headteacher is involved")).not_to_be_checked()
    harm = page.get_by_role("group", name="Has a child been harmed, or could a child be harmed, because of this?")
    tab_to(page, harm.get_by_label("Yes", exact=True))
    # Arrow keys move through a radio group, choosing as they go.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(harm.get_by_label("Not sure", exact=True)).to_be_checked()
    tab_to(page, continue_button(page))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    axe.check(page)
    summary = page.get_by_role("main")
    expect(summary).to_contain_text("Pupils' or staff's health and safety being put in danger")
    expect(summary).to_contain_text("Since half term")
    expect(summary).to_contain_text("Not sure")
    tab_to(page, page.get_by_role("button", name="Send", exact=True))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    expect(page.get_by_text(RECEIPT_CODE)).to_be_visible()
    expect(page.get_by_text("it will be looked at straight away as a possible allegation")).to_be_visible()
    axe.check(page)
