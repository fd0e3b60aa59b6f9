"""Signing in, end to end in a real browser, with an accessibility scan of every page."""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from playwright.sync_api import Page, expect

from casetracker.clock import utcnow
from casetracker.domain.people import Office
from tests.browser.conftest import AccessibilityChecker
from tests.conftest import PASSWORD, make_user


def test_staff_member_signs_in_and_out_with_the_keyboard_alone(
    app: Flask, live_server: str, page: Page, axe: AccessibilityChecker
) -> None:
    user = make_user(app, "Xander Staff")
    page.goto(f"{live_server}/")
    expect(page).to_have_title("Sign in – Casetracker – Larkrise Community School")
    axe.check(page)
    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("Email address").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    axe.check(page)
    page.get_by_label("Password", exact=True).focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Your account").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Sign out", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    axe.check(page)


def test_headteacher_sets_up_two_factor_at_first_sign_in(
    app: Flask, live_server: str, page: Page, axe: AccessibilityChecker
) -> None:
    head = make_user(app, "Yvonne Head", office=Office.HEADTEACHER, two_factor=False)
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(head.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    axe.check(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Security code").fill("000000" if pyotp.TOTP(secret).at(utcnow()) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    axe.check(page)
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).at(utcnow()))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe.check(page)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    expect(page.get_by_text("Headteacher")).to_be_visible()
    axe.check(page)
