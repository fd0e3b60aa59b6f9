"""The administrator tries to take over a collaborator's account, end to end in a real browser, and
reaches no case (security review of December 2026, finding 1; issue 16).

The path the review found: change the collaborator's sign-in email to a mailbox the administrator
reads, reset the password through it, sign in with a password alone and open the case. Each step now
stops: the new address waits for its owner or a second office-holder, so no reset link reaches the
administrator; a two-factor reset waits too; and the case answers "Page not found" to them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from casetracker.extensions import db
from casetracker.models import User
from casetracker.services import case_management
from casetracker.services.case_access import case_for
from tests.browser.conftest import AccessibilityChecker
from tests.browser.test_reporting_journeys import continue_button, sign_in
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import SECRET_TEXT, file_case, school

NewContext = Callable[..., BrowserContext]
MAILBOX = "attacker-mailbox@evil.example"


def test_the_administrator_tries_the_takeover_path_and_reaches_no_case(
    app: Flask, live_server: str, page: Page, new_context: NewContext, axe: AccessibilityChecker
) -> None:
    people = school(app)
    case_id = file_case(app, people)
    collaborator = people["collaborator"]
    with app.test_request_context():
        head = actor_of(app, people["head"])
        case_management.add_collaborator(head, case_for(head, case_id), collaborator.id)
    app.extensions["outbox"].clear()

    sign_in(page, live_server, people["admin"], axe)
    # 1. Move the collaborator's sign-in to the administrator's own mailbox.
    page.goto(f"{live_server}/admin/people/{collaborator.person_id}/credentials")
    expect(page.get_by_role("heading", name="Change how they sign in")).to_be_visible()
    expect(page.get_by_text("Another office-holder must confirm the change before it happens")).to_be_visible()
    axe.check(page)
    page.get_by_label("Change the email address they sign in with").check()
    page.get_by_label("New email address").fill(MAILBOX)
    continue_button(page).click()
    expect(page.get_by_text("works only once they confirm it from their current address")).to_be_visible()
    axe.check(page)

    # 2. Ask for a password reset at the new address: nothing is sent there.
    page.goto(f"{live_server}/forgot-password")
    page.get_by_label("Email address").fill(MAILBOX)
    page.get_by_role("button", name="Send a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert not [mail for mail in app.extensions["outbox"] if MAILBOX in str(mail["To"])]

    # 3. Reset their two-factor instead: that waits for a second office-holder too.
    page.goto(f"{live_server}/admin/people/{collaborator.person_id}/credentials")
    page.get_by_label("Reset their two-factor authentication").check()
    continue_button(page).click()
    expect(page.get_by_text("waiting for another office-holder to confirm it")).to_be_visible()

    # 4. Sign in at the new address, in another browser: there is no such account.
    elsewhere = new_context().new_page()
    elsewhere.goto(f"{live_server}/sign-in")
    elsewhere.get_by_label("Email address").fill(MAILBOX)
    elsewhere.get_by_label("Password", exact=True).fill("a new password of theirs")
    elsewhere.get_by_role("button", name="Sign in").click()
    expect(elsewhere.get_by_role("alert")).to_contain_text("Enter a correct email address and password")

    # 5. As themself, the case is not there.
    page.goto(f"{live_server}/cases/{case_id}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert SECRET_TEXT not in page.content()
    axe.check(page)

    with app.app_context():
        user = db.session.get(User, collaborator.id)
        assert user is not None
        assert user.email == collaborator.email and user.totp_secret == collaborator.totp_secret
