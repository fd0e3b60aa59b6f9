"""Anonymous whistleblowing: nothing links the whistleblower to the report, and the receipt code works.

No account, address, browser or session is written anywhere; the receipt code is shown once and
kept only as a slow hash of its secret part; with it the whistleblower reads the case manager's
messages and replies.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from casetracker.clock import utcnow
from casetracker.domain.people import Office, Role
from casetracker.extensions import db, limiter
from casetracker.models import AuditEvent, Base, Case, Message, Report, User, WebSession
from casetracker.security import receipts
from casetracker.security.passwords import token_digest
from casetracker.services import case_store
from tests.conftest import make_user, sign_in

SAME_ORIGIN = {"Origin": "http://localhost"}
WRONG_CODE = "Enter the receipt code exactly as it was shown"
CODE_PATTERN = re.compile(r'id="receipt-code">([A-Z0-9-]+)<')
CONCERN = {
    "wrongdoing": "cover_up",
    "what_happened": "Fictional: the fire register was rewritten\nafter the drill went wrong.",
    "when": "Last Friday",
    "where": "School office",
    "who_is_involved": "Fictional Person A",
    "evidence": "The original register is in the office filing cabinet.",
    "personal_interest": "None",
    "harm_to_a_child": "no",
}


@pytest.fixture(autouse=True)
def generous_rate_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WHISTLEBLOWING_RATE_LIMIT", "1000 per minute")


@pytest.fixture()
def school(app: Flask) -> dict[str, User]:
    return {
        "head": make_user(app, "Hana Head", office=Office.HEADTEACHER),
        "dsl": make_user(app, "Dev Dsl", office=Office.DSL),
        "chair": make_user(app, "Cleo Chair", office=Office.CHAIR, roles=(Role.GOVERNOR,)),
        "ta": make_user(app, "Theo Assistant"),
    }


def hidden_inputs(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page)
    }


def send_concern(client: FlaskClient, responses: list[TestResponse] | None = None, **answers: str) -> str:
    """Fill in the form, check the answers, send them; return the receipt code shown."""
    seen = responses if responses is not None else []
    seen.append(client.get("/whistleblowing"))
    seen.append(client.get("/whistleblowing/new"))
    check = client.post("/whistleblowing/check", data={**CONCERN, **answers}, headers=SAME_ORIGIN)
    seen.append(check)
    assert check.status_code == 200
    page = check.get_data(as_text=True)
    assert "Check your answers before sending" in page, page
    sent = client.post("/whistleblowing/send", data=hidden_inputs(page), headers=SAME_ORIGIN)
    seen.append(sent)
    assert sent.status_code == 200
    match = CODE_PATTERN.search(sent.get_data(as_text=True))
    assert match, sent.get_data(as_text=True)
    return match.group(1)


def report_of(code: str) -> Report:
    parts = receipts.split(code)
    assert parts is not None
    return db.session.scalars(select(Report).where(Report.receipt_lookup == parts[0])).one()


def assert_no_cookie(responses: list[TestResponse]) -> None:
    for response in responses:
        assert "Set-Cookie" not in response.headers, (response.request.path, response.headers)


def session_rows() -> list[tuple[Any, ...]]:
    table = WebSession.__table__
    return [tuple(row) for row in db.session.execute(select(table).order_by(table.c.id)).all()]


def test_the_start_page_explains_whistleblowing_and_where_else_to_go(client: FlaskClient) -> None:
    response = client.get("/whistleblowing")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "health and safety",
        "legal obligation",
        "cover up",
        "harder to investigate",
        "0800 028 0285",
        "020 3117 2520",
        "call 999",
        'href="/report"',
        'href="/whistleblowing/new"',
        'href="/whistleblowing/follow-up"',
    ):
        assert text in page, text
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_browser_reports_anonymously_and_nothing_links_it_to_them(
    app: Flask, client: FlaskClient, school: dict[str, User]
) -> None:
    ta = school["ta"]
    sign_in(client, ta)
    token = client.get_cookie("casetracker_session").value
    # An old last_seen_at: any request that touched the session would move it.
    with app.app_context():
        db.session.execute(
            update(WebSession)
            .where(WebSession.id == token_digest(token))
            .values(last_seen_at=utcnow() - dt.timedelta(minutes=3))
        )
        db.session.commit()
        sessions_before = session_rows()
        audit_seq_before = db.session.scalar(select(func.max(AuditEvent.seq))) or 0

    responses: list[TestResponse] = []
    code = send_concern(client, responses)
    responses.append(client.get("/whistleblowing/follow-up"))
    responses.append(client.post("/whistleblowing/follow-up", data={"code": code}, headers=SAME_ORIGIN))
    responses.append(client.post("/whistleblowing/reply", data={"code": code, "text": "More."}, headers=SAME_ORIGIN))

    assert_no_cookie(responses)
    for response in responses:
        page = response.get_data(as_text=True)
        assert response.status_code == 200, page
        # Rendered as nobody: no navigation, no sign of the signed-in account.
        assert "Your account" not in page and ta.email not in page and "Theo Assistant" not in page

    with app.app_context():
        assert session_rows() == sessions_before
        report = report_of(code)
        assert report.is_anonymous is True
        assert report.reporter is None and report.reporter_index is None
        case = db.session.get(Case, report.case_id)
        assert case.kind == "whistleblowing"
        assert case.subject_index is None
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > audit_seq_before)).all()
        assert {e.action for e in events} >= {"case.created", "report.submitted", "message.added"}
        user = db.session.get(User, ta.id)
        for event in events:
            assert event.actor_user_id is None, event.action
            text = repr((event.object_id, event.details))
            for leak in (str(ta.id), str(user.person_id), ta.email, "Theo"):
                assert leak not in text, (event.action, leak)

    # The signed-in session still works, untouched by the anonymous pages.
    assert client.get("/").status_code == 200


def test_the_receipt_code_has_80_bits_and_is_stored_nowhere(app: Flask, client: FlaskClient, school: Any) -> None:
    code = send_concern(client)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){5}", code)
    parts = receipts.split(code)
    assert parts is not None
    lookup, secret = parts
    assert len(secret) == receipts.SECRET_CHARS == 16
    assert len(set(receipts.ALPHABET)) == 32  # 16 symbols x 5 bits = 80 bits of secret
    assert len(secret) * 5 >= 80

    needles = [code, secret, code.replace("-", ""), secret[:8] + "-" + secret[8:]]
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                for column, value in zip(table.columns, row, strict=True):
                    if isinstance(value, str):
                        haystack = value.upper()
                    elif isinstance(value, bytes | bytearray | memoryview):
                        haystack = bytes(value).decode("latin-1").upper()
                    elif isinstance(value, dict | list):
                        haystack = repr(value).upper()
                    else:
                        continue
                    for needle in needles:
                        assert needle not in haystack, (table.name, column.name)
        report = report_of(code)
        assert report.receipt_lookup == lookup
        assert report.receipt_hash and report.receipt_hash.startswith("$argon2id$")
        assert receipts.matches(report.receipt_hash, secret)

    # Shown once: no page can show it again.
    assert code not in client.get("/whistleblowing/follow-up").get_data(as_text=True)
    again = client.post("/whistleblowing/follow-up", data={"code": code}, headers=SAME_ORIGIN)
    assert code not in again.get_data(as_text=True).replace(f'value="{code}"', "")


def test_follow_up_shows_status_and_messages_and_a_reply_reaches_the_case_manager(
    app: Flask, client: FlaskClient, school: dict[str, User]
) -> None:
    code = send_concern(client)
    with app.app_context():
        case = db.session.get(Case, report_of(code).case_id)
        case_id = case.id
        case_store.add_message(case, "to_reporter", {"text": "Fictional question: which drill was it?"})
        db.session.commit()
    app.extensions["outbox"] = []

    shown = client.post("/whistleblowing/follow-up", data={"code": code.lower()}, headers=SAME_ORIGIN)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Received" in page
    assert "Fictional question: which drill was it?" in page
    assert 'name="code" type="hidden"' in page or 'type="hidden" name="code"' in page

    replied = client.post(
        "/whistleblowing/reply",
        data={"code": code, "text": "Fictional answer: the autumn drill."},
        headers=SAME_ORIGIN,
    )
    page = replied.get_data(as_text=True)
    assert replied.status_code == 200
    assert "Your reply has been sent" in page
    assert "Fictional answer: the autumn drill." in page
    assert "Set-Cookie" not in replied.headers

    with app.app_context():
        messages = db.session.scalars(select(Message).where(Message.case_id == case_id).order_by(Message.sent_at)).all()
        assert [m.direction for m in messages] == ["to_reporter", "from_reporter"]
        assert messages[1].body == {"text": "Fictional answer: the autumn drill."}
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.added")).one()
        assert event.actor_user_id is None
        assert event.case_id == case_id

    outbox = app.extensions["outbox"]
    assert [m["To"] for m in outbox] == [school["head"].email]
    content = outbox[0].get_content() + outbox[0]["Subject"]
    assert "something needs your attention" in content
    for leak in ("Fictional", "autumn", "drill", "whistleblowing", "Whistleblowing"):
        assert leak not in content

    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(status="open"))
        db.session.commit()
    page = client.post("/whistleblowing/follow-up", data={"code": code}, headers=SAME_ORIGIN).get_data(as_text=True)
    assert "Being looked at" in page

    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(status="closed", closed_at=utcnow()))
        db.session.commit()
    page = client.post("/whistleblowing/follow-up", data={"code": code}, headers=SAME_ORIGIN).get_data(as_text=True)
    assert "Closed" in page and "Send reply" not in page
    refused = client.post("/whistleblowing/reply", data={"code": code, "text": "Late."}, headers=SAME_ORIGIN)
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.case_id == case_id)) == 2


def test_a_wrong_code_gets_one_clear_error_and_costs_one_hash(
    app: Flask, client: FlaskClient, school: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = send_concern(client)
    lookup, secret = receipts.split(code) or ("", "")
    wrong_secret = ("A" if secret[0] != "A" else "B") + secret[1:]
    unknown_lookup = ("A" if lookup[0] != "A" else "B") + lookup[1:]

    calls: list[str | None] = []
    real_verify = receipts.verify_password

    def counting_verify(stored_hash: str | None, value: str) -> bool:
        calls.append(stored_hash)
        return real_verify(stored_hash, value)

    monkeypatch.setattr(receipts, "verify_password", counting_verify)
    pages = []
    for attempt in (lookup + wrong_secret, unknown_lookup + secret, "not a code at all"):
        calls.clear()
        response = client.post("/whistleblowing/follow-up", data={"code": attempt}, headers=SAME_ORIGIN)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "govuk-error-summary" in page and WRONG_CODE in page
        assert "Send reply" not in page
        assert len(calls) == 1, attempt  # one slow hash, found or not
        pages.append(re.sub(r'value="[^"]*"', "", page))
    assert pages[0] == pages[1] == pages[2]  # no hint whether the look-up part exists

    calls.clear()
    response = client.post(
        "/whistleblowing/reply", data={"code": lookup + wrong_secret, "text": "Hello"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200 and WRONG_CODE in response.get_data(as_text=True)
    assert len(calls) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {},
    ],
)
def test_a_post_from_another_site_is_refused(app: Flask, client: FlaskClient, school: Any, headers: dict) -> None:
    for path in (
        "/whistleblowing/new",
        "/whistleblowing/check",
        "/whistleblowing/send",
        "/whistleblowing/follow-up",
        "/whistleblowing/reply",
    ):
        response = client.post(path, data={**CONCERN, "code": "X", "text": "Y"}, headers=headers)
        assert response.status_code in (400, 403), path
        assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_same_origin_post_is_recognised_without_an_origin(client: FlaskClient, school: Any) -> None:
    # Under Referrer-Policy: no-referrer, browsers send "Origin: null" on same-origin form posts.
    response = client.post(
        "/whistleblowing/check", data=CONCERN, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 200
    assert "Check your answers before sending" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/whistleblowing/check", {}, "Select the kind of wrongdoing"),
        ("/whistleblowing/check", {**CONCERN, "what_happened": ""}, "Enter what happened"),
        ("/whistleblowing/check", {**CONCERN, "what_happened": "x" * 10_001}, "characters or fewer"),
        ("/whistleblowing/check", {**CONCERN, "wrongdoing": "arson"}, "Select the kind of wrongdoing"),
        ("/whistleblowing/check", {**CONCERN, "harm_to_a_child": "maybe"}, "Select yes, no or not sure"),
        ("/whistleblowing/check", {**CONCERN, "when": "x" * 201}, "characters or fewer"),
        ("/whistleblowing/send", {**CONCERN, "harm_to_a_child": ""}, "Select yes, no or not sure"),
        ("/whistleblowing/send", {"what_happened": "   "}, "Enter what happened"),
        ("/whistleblowing/new", {"wrongdoing": "cover_up"}, "Enter what happened"),
        ("/whistleblowing/follow-up", {}, "Enter your receipt code"),
        ("/whistleblowing/follow-up", {"code": "x" * 500}, "characters or fewer"),
        ("/whistleblowing/reply", {"text": "Hello"}, WRONG_CODE),
        ("/whistleblowing/reply", {"code": "x" * 500, "text": "Hello"}, WRONG_CODE),
    ],
)
def test_bad_input_gets_the_form_again_with_the_error_summary(
    app: Flask, client: FlaskClient, school: Any, path: str, data: dict[str, str], message: str
) -> None:
    response = client.post(path, data=data, headers=SAME_ORIGIN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "govuk-error-summary" in page
    assert message in page
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_reply_without_text_shows_the_conversation_with_the_error(client: FlaskClient, school: Any) -> None:
    code = send_concern(client)
    response = client.post("/whistleblowing/reply", data={"code": code, "text": " "}, headers=SAME_ORIGIN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Enter your reply" in page
    assert "Received" in page


def test_change_your_answers_brings_back_the_filled_in_form(client: FlaskClient, school: Any) -> None:
    check = client.post("/whistleblowing/check", data=CONCERN, headers=SAME_ORIGIN)
    answers = hidden_inputs(check.get_data(as_text=True))
    assert answers["what_happened"] == CONCERN["what_happened"]
    back = client.post("/whistleblowing/new", data=answers, headers=SAME_ORIGIN)
    page = back.get_data(as_text=True)
    assert back.status_code == 200
    assert "govuk-error-summary" not in page
    assert "the fire register was rewritten" in page


def test_harm_to_a_child_makes_it_a_potential_allegation_and_the_head_can_be_bypassed(
    app: Flask, client: FlaskClient, school: dict[str, User]
) -> None:
    harmful = send_concern(client, harm_to_a_child="not_sure", headteacher_involved="y")
    harmless = send_concern(client, harm_to_a_child="no")
    with app.app_context():
        harmful_case = db.session.get(Case, report_of(harmful).case_id)
        assert harmful_case.details["potential_allegation"] is True
        assert harmful_case.case_manager_office == "chair"  # the headteacher is implicated
        assert report_of(harmful).answers["headteacher_involved"] is True
        harmless_case = db.session.get(Case, report_of(harmless).case_id)
        assert harmless_case.details["potential_allegation"] is False
        assert harmless_case.case_manager_office == "headteacher"
        assert report_of(harmless).answers["what_happened"] == CONCERN["what_happened"]


def test_an_expired_session_is_not_expired_or_audited_by_the_anonymous_pages(
    app: Flask, client: FlaskClient, school: dict[str, User]
) -> None:
    sign_in(client, school["ta"])
    token = client.get_cookie("casetracker_session").value
    with app.app_context():
        db.session.execute(
            update(WebSession)
            .where(WebSession.id == token_digest(token))
            .values(last_seen_at=utcnow() - dt.timedelta(hours=2))
        )
        db.session.commit()
        before = session_rows()
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    for path in ("/whistleblowing", "/whistleblowing/new", "/whistleblowing/follow-up", "/whistleblowing/nowhere"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
    with app.app_context():
        assert session_rows() == before
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_an_anonymous_visitor_gets_no_session_row(app: Flask, client: FlaskClient, school: Any) -> None:
    responses: list[TestResponse] = []
    send_concern(client, responses)
    assert_no_cookie(responses)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_posts_are_rate_limited_without_keeping_or_logging_the_address(
    app: Flask, client: FlaskClient, school: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(app.config, "WHISTLEBLOWING_RATE_LIMIT", "2 per minute")
    caplog.set_level(logging.DEBUG)
    statuses = [
        client.post(
            "/whistleblowing/follow-up",
            data={"code": "AAAA"},
            headers=SAME_ORIGIN,
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    for record in caplog.records:
        assert "203.0.113.9" not in record.getMessage()
    storage = getattr(limiter.storage, "storage", {})
    assert storage, "expected the in-memory counters"
    assert not any("203.0.113.9" in str(key) for key in storage)


def test_the_rate_limit_counts_together_in_every_worker_and_never_holds_the_address() -> None:
    """Finding 14: the key came from a random secret per process, so each worker counted alone."""
    import datetime as dt
    import secrets

    from casetracker.web.whistleblowing.views import anonymous_rate_key

    index_key, day = secrets.token_bytes(32), dt.date(2026, 12, 2)
    key = anonymous_rate_key(index_key, day, "192.0.2.10")
    assert key == anonymous_rate_key(index_key, day, "192.0.2.10")  # any worker, any server, same keyring
    assert "192.0.2.10" not in key and key != anonymous_rate_key(index_key, day, "192.0.2.11")
    assert key != anonymous_rate_key(index_key, day + dt.timedelta(days=1), "192.0.2.10")  # a new key each day
    assert key != anonymous_rate_key(secrets.token_bytes(32), day, "192.0.2.10")
