"""Running an allegation from report to closure, end to end in a real browser (DOMAIN.md section 5).

A teacher reports a teaching assistant. The headteacher, the case manager, finds the case with its
LADO clock, records each step the guidance asks for in order (triage, the LADO consultation and
decision, suspension with every alternative weighed, telling the person, the outcome, the DBS
referral decision, the learning-lessons review), corrects one entry, is stopped from closing before
the DBS decision, and then closes the case. Every kind of page visited is scanned for accessibility.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from casetracker.clock import london_today
from casetracker.domain.people import Office, Role
from casetracker.extensions import db
from casetracker.models import Person
from tests.browser.conftest import AccessibilityChecker
from tests.browser.test_more_reporting_journeys import (
    fill_in_date,
    open_cases,
    raise_a_concern,
    send_and_read_reference,
)
from tests.browser.test_reporting_journeys import THRESHOLD_QUESTIONS, continue_button, sign_in
from tests.conftest import make_user

NewContext = Callable[..., BrowserContext]

WHAT_HAPPENED = (
    "Fictional: in the Year 3 cloakroom the teaching assistant grabbed a pupil by the wrist, "
    "hard enough to leave a mark."
)
SUSPENSION_ALTERNATIVES = (
    "Redeployment within the school so the person has no direct contact with the child or children concerned",
    "Providing an assistant to be present when the person has contact with children",
    "No unsupervised contact or access to children",
    "Moving the child or children to classes where they will not come into contact with the person",
    "Temporarily redeploying the person to another role in a different location",
)
TOLD = "Fictional: told that an allegation has been made and that the LADO has been consulted."
CORRECTED_TOLD = (
    "Fictional: told that an allegation has been made, that the LADO has been consulted, and who to contact."
)
CORRECTION_REASON = "Fictional: the first version left out the named contact we gave them."
CHRONOLOGY_IN_ORDER = (
    "Report received",
    "Triage and classification",
    "LADO consultation",
    "LADO decision",
    "Suspension considered",
    "Subject informed",
    "Outcome",
    "DBS referral decision",
    "Learning-lessons review",
    "Case closed",
)


def group(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend, exact=True)


def choose(page: Page, legend: str, answer: str) -> None:
    group(page, legend).get_by_label(answer, exact=True).check()


def fill_date(page: Page, legend: str, when: dt.date) -> None:
    date = group(page, legend)
    date.get_by_label("Day").fill(str(when.day))
    date.get_by_label("Month").fill(str(when.month))
    date.get_by_label("Year").fill(str(when.year))


def start_entry(page: Page, axe: AccessibilityChecker, entry_type: str, *, check_choice_page: bool = False) -> None:
    """From the case page: add to the chronology, choose the kind of entry, and reach its form."""
    page.get_by_role("button", name="Add to the chronology").click()
    expect(page.get_by_role("heading", name="What do you want to record?")).to_be_visible()
    if check_choice_page:
        axe.check(page)
    page.get_by_label(entry_type, exact=True).check()
    continue_button(page).click()
    expect(page.get_by_role("heading", name=entry_type, exact=True)).to_be_visible()
    # Every entry asks when it happened, already filled in with today (in London).
    today = london_today()
    expect(page.locator("#occurred_on-day")).to_have_value(str(today.day))
    expect(page.locator("#occurred_on-month")).to_have_value(str(today.month))
    expect(page.locator("#occurred_on-year")).to_have_value(str(today.year))
    axe.check(page)


def save_entry(page: Page, entry_type: str) -> None:
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text(f"{entry_type} added to the chronology.")).to_be_visible()


def chronology_entry(page: Page, label: str) -> Locator:
    heading = page.get_by_role("heading", name=re.compile(rf"^\d+\. {re.escape(label)}$"))
    return page.locator("#chronology > li").filter(has=heading)


def is_in_order(expected: tuple[str, ...], seen: list[str]) -> bool:
    remaining = iter(seen)
    return all(label in remaining for label in expected)


def test_the_headteacher_runs_an_allegation_from_report_to_closure(
    app: Flask, live_server: str, page: Page, new_context: NewContext, axe: AccessibilityChecker
) -> None:
    head = make_user(app, "Hilary Marsh", office=Office.HEADTEACHER)
    make_user(app, "Dev Patel", office=Office.DSL)
    make_user(app, "Colin Ashby", office=Office.CHAIR, roles=(Role.GOVERNOR,))
    teacher = make_user(app, "Rosa Lindqvist")
    assistant = make_user(app, "Gareth Pennington")
    with app.app_context():
        person = db.session.get(Person, assistant.person_id)
        assert person is not None
        person.job_title = "Teaching assistant"
        db.session.commit()

    # A teacher reports the teaching assistant; every harm-threshold answer is yes.
    sign_in(page, live_server, teacher, axe)
    raise_a_concern(page, axe, "A concern about another adult who works with children here")
    expect(page.get_by_role("heading", name="Who is your concern about?")).to_be_visible()
    page.get_by_label("Search the staff directory by name").fill("pennington")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Gareth Pennington").check()
    continue_button(page).click()
    expect(page.get_by_role("heading", name="Questions about what happened")).to_be_visible()
    for question in THRESHOLD_QUESTIONS:
        page.get_by_role("group", name=question).get_by_label("Yes", exact=True).check()
    continue_button(page).click()
    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    continue_button(page).click()
    expect(page.get_by_role("heading", name="What happened")).to_be_visible()
    page.get_by_label("Tell us what happened").fill(WHAT_HAPPENED)
    fill_in_date(page, london_today())
    continue_button(page).click()
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    reference = send_and_read_reference(page, axe)

    # The headteacher finds it in their cases, with the LADO clock running, and opens it.
    head_page = new_context().new_page()
    sign_in(head_page, live_server, head, axe)
    open_cases(head_page, axe)
    row = head_page.get_by_role("row").filter(has=head_page.get_by_role("link", name=reference))
    expect(row).to_contain_text("Allegation that may meet the harm threshold")
    expect(row).to_contain_text("Consult the LADO by")
    row.get_by_role("link", name=reference).click()
    expect(head_page.get_by_role("heading", name=f"Case {reference}")).to_be_visible()
    expect(head_page.get_by_role("main")).to_contain_text("The LADO has not been consulted yet. Consult the LADO by")
    axe.check(head_page)
    case_url = head_page.url
    today = london_today()

    # The designated safeguarding lead is found by searching the directory and added to help.
    head_page.get_by_role("link", name="Add a collaborator").click()
    expect(head_page.get_by_role("heading", name="Add a collaborator")).to_be_visible()
    head_page.get_by_label("Search the staff directory by name or email address").fill("patel")
    head_page.get_by_role("button", name="Search").click()
    axe.check(head_page)
    head_page.get_by_role("button", name=re.compile(r"^Add as collaborator\W+Dev Patel$")).click()
    expect(head_page.get_by_text("Collaborator added.", exact=True)).to_be_visible()
    assert head_page.url.split("#")[0] == case_url

    # Triage and classification.
    start_entry(head_page, axe, "Triage and classification", check_choice_page=True)
    choose(head_page, "Does what was reported meet the harm threshold?", "Yes")
    choose(head_page, "Might the person have committed a criminal offence against or related to a child?", "Not sure")
    choose(
        head_page,
        "Is the person a teacher (employed or engaged to carry out teaching work at the school)?",
        "No",
    )
    choose(head_page, "Is the child concerned a registered pupil at this school?", "Yes")
    head_page.get_by_label("What happened", exact=True).fill(
        "Fictional: basic enquiries only. He was on duty in the cloakroom; one other adult was nearby."
    )
    save_entry(head_page, "Triage and classification")

    # LADO consultation.
    start_entry(head_page, axe, "LADO consultation")
    choose(head_page, "How was the LADO consulted?", "Phone")
    head_page.get_by_label("LADO's name").fill("Priya Fictional")
    head_page.get_by_label("Local authority").fill("Fictional County Council")
    head_page.get_by_label("LADO reference").fill("LADO-FICT-0042")
    head_page.get_by_label("What was shared with the LADO").fill(
        "Fictional: the report, the pupil's account and the mark seen by the class teacher."
    )
    save_entry(head_page, "LADO consultation")
    lado = head_page.locator("#lado + .govuk-summary-list")
    expect(lado).to_contain_text("Priya Fictional, Fictional County Council")
    expect(lado).to_contain_text("LADO-FICT-0042")
    axe.check(head_page)

    # LADO decision.
    start_entry(head_page, axe, "LADO decision")
    choose(head_page, "What did the LADO decide?", "Internal investigation by the school")
    save_entry(head_page, "LADO decision")

    # Suspension, with every alternative weighed and rejected.
    start_entry(head_page, axe, "Suspension considered")
    choose(head_page, "What was decided?", "The person is suspended")
    for number, alternative in enumerate(SUSPENSION_ALTERNATIVES, start=1):
        head_page.get_by_label(f"{alternative}: why was this rejected?").fill(
            f"Fictional reason {number}: it would not keep the pupils safe while the facts are established."
        )
    choose(head_page, "Was this agreed with the LADO?", "Yes")
    head_page.get_by_label("Named contact for the person").fill("Dev Patel")
    fill_date(head_page, "Written confirmation sent on", today)
    save_entry(head_page, "Suspension considered")
    expect(head_page.locator("#flags")).to_contain_text("Subject suspended")

    # Subject informed.
    start_entry(head_page, axe, "Subject informed")
    head_page.get_by_label("What they were told").fill(TOLD)
    choose(
        head_page,
        "Did the LADO (and the police or children's social care, if involved) agree to this?",
        "Yes",
    )
    save_entry(head_page, "Subject informed")

    # A correction keeps the original, struck through, beside the correction and its reason.
    chronology_entry(head_page, "Subject informed").get_by_role("link", name=re.compile("^Correct this entry")).click()
    expect(head_page.get_by_role("heading", name="Correct: Subject informed")).to_be_visible()
    expect(head_page.get_by_label("What they were told")).to_have_value(TOLD)
    axe.check(head_page)
    head_page.get_by_label("What they were told").fill(CORRECTED_TOLD)
    head_page.get_by_label("Why are you correcting this entry?").fill(CORRECTION_REASON)
    head_page.get_by_role("button", name="Save correction").click()
    expect(head_page.get_by_text("Correction saved. The original entry is kept, struck through.")).to_be_visible()
    told = chronology_entry(head_page, "Subject informed")
    expect(told).to_have_count(2)
    original, correction = told.nth(0), told.nth(1)
    expect(original.locator(".govuk-tag")).to_have_text("Superseded")
    expect(original.locator("del")).to_contain_text(TOLD)
    expect(original.get_by_role("link", name=re.compile("^Correct this entry"))).to_have_count(0)
    original_number = original.get_by_role("heading").inner_text().split(".")[0]
    expect(correction).to_contain_text(f"Corrects entry {original_number}. Reason: {CORRECTION_REASON}")
    expect(correction).to_contain_text(CORRECTED_TOLD)
    expect(correction.locator(".govuk-tag")).to_have_count(0)
    axe.check(head_page)

    # Outcome: substantiated, and he was removed from regulated activity.
    start_entry(head_page, axe, "Outcome")
    choose(head_page, "Outcome", "Substantiated")
    choose(
        head_page,
        "Was the person removed from regulated activity, or would they have been?",
        "Yes, they were removed from regulated activity",
    )
    choose(head_page, "Personnel record", "Keep the record on the confidential personnel file")
    choose(head_page, "Will this be mentioned in references?", "Yes")
    save_entry(head_page, "Outcome")

    # The closure guard: the DBS referral decision is still missing.
    head_page.get_by_role("button", name="Close the case").click()
    expect(head_page.get_by_role("heading", name="Close the case")).to_be_visible()
    blockers = head_page.locator("#closure-blockers")
    expect(blockers).to_contain_text("Record the DBS referral decision")
    expect(blockers).to_contain_text("Record the learning-lessons review")
    axe.check(head_page)
    head_page.get_by_role("link", name="Back to the case").click()
    expect(head_page.get_by_role("heading", name=f"Case {reference}")).to_be_visible()

    # DBS referral decision: both conditions met, so referred.
    start_entry(head_page, axe, "DBS referral decision")
    choose(head_page, "Has the person harmed a child, or posed a risk of harm to a child?", "Yes")
    choose(
        head_page,
        "Was the person removed from regulated activity, or would they have been had they not left?",
        "Yes, they were removed from regulated activity",
    )
    choose(head_page, "Decision", "Referred to the DBS")
    fill_date(head_page, "Date referred", today)
    save_entry(head_page, "DBS referral decision")

    # Learning-lessons review.
    start_entry(head_page, axe, "Learning-lessons review")
    choose(head_page, "Was the review held with the LADO?", "Yes")
    head_page.get_by_label("What was learned").fill(
        "Fictional: the suspension was justified and short; cloakroom duty now has two adults."
    )
    save_entry(head_page, "Learning-lessons review")

    # Nothing blocks closure now: close with a summary.
    head_page.get_by_role("button", name="Close the case").click()
    expect(head_page.get_by_role("heading", name="Close the case")).to_be_visible()
    expect(head_page.locator("#closure-blockers")).to_have_count(0)
    expect(head_page.get_by_text("Every required decision is recorded.")).to_be_visible()
    axe.check(head_page)
    head_page.get_by_label("Closing summary").fill(
        "Fictional: substantiated; referred to the DBS; record kept on the personnel file."
    )
    head_page.get_by_role("button", name="Close the case").click()
    expect(head_page.get_by_text("Case closed.", exact=True)).to_be_visible()

    # The closed case: its status, and the chronology in the order the steps were recorded.
    assert head_page.url.split("#")[0] == case_url
    expect(head_page.locator("#flags")).to_contain_text("Closed")
    status = head_page.locator(".govuk-summary-list__row").filter(
        has=head_page.locator("dt", has_text=re.compile(r"^\s*Status\s*$"))
    )
    expect(status.locator("dd")).to_have_text("Closed")
    expect(head_page.get_by_role("button", name="Add to the chronology")).to_have_count(0)
    expect(head_page.locator("#chronology").get_by_role("link", name=re.compile("^Correct this entry"))).to_have_count(
        0
    )
    headings = [
        re.sub(r"^\d+\.\s*", "", text).strip() for text in head_page.locator("#chronology > li h3").all_inner_texts()
    ]
    assert is_in_order(CHRONOLOGY_IN_ORDER, headings), headings
    assert headings[-1] == "Case closed"
    outcome = head_page.locator("#outcome + .govuk-summary-list")
    expect(outcome).to_contain_text("Substantiated")
    expect(outcome).to_contain_text("Referred")
    axe.check(head_page)

    # It has left the open cases and is listed with the closed ones.
    open_cases(head_page, axe)
    expect(head_page.get_by_role("link", name=reference)).to_have_count(0)
    head_page.get_by_role("link", name="Closed cases (1)").click()
    expect(head_page.get_by_role("heading", name="Closed cases")).to_be_visible()
    expect(head_page.get_by_role("link", name=reference)).to_be_visible()
    axe.check(head_page)
