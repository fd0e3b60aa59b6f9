"""The fictional demo school. Every name here is invented; `.example` addresses never deliver."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from casetracker.domain.people import Office, Role, StaffType
from casetracker.extensions import db
from casetracker.models import Person, School, TermDate
from casetracker.services import offices, people

DEMO_PASSWORD = "oakfield-demo-password"
DOMAIN = "oakfield.example"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    job_title: str
    staff_type: StaffType
    roles: tuple[Role, ...]
    offices: tuple[Office, ...] = ()
    # Known TOTP secrets so a newcomer can sign in as any role (`demo totp EMAIL`). Demo only.
    totp_secret: str | None = None


ACCOUNTS = (
    DemoAccount(
        f"head@{DOMAIN}",
        "Helen Marsh",
        "Headteacher",
        StaffType.EMPLOYEE,
        (Role.STAFF,),
        (Office.HEADTEACHER,),
        "JBSWY3DPEHPK3PXPHEADTEACHER2345",
    ),
    DemoAccount(
        f"dsl@{DOMAIN}",
        "David Okafor",
        "Deputy headteacher",
        StaffType.EMPLOYEE,
        (Role.STAFF,),
        (Office.DSL,),
        "JBSWY3DPEHPK3PXPDSLDSLDSLDSL234",
    ),
    DemoAccount(
        f"deputy.dsl@{DOMAIN}",
        "Priya Shah",
        "Year 6 teacher",
        StaffType.EMPLOYEE,
        (Role.STAFF,),
        (Office.DEPUTY_DSL,),
        "JBSWY3DPEHPK3PXPDEPUTYDSL234567",
    ),
    DemoAccount(
        f"chair@{DOMAIN}",
        "Margaret Ellis",
        "Chair of governors",
        StaffType.GOVERNOR,
        (Role.GOVERNOR,),
        (Office.CHAIR,),
        "JBSWY3DPEHPK3PXPCHAIRCHAIR23456",
    ),
    DemoAccount(
        f"vice.chair@{DOMAIN}",
        "Tom Bradley",
        "Vice-chair of governors",
        StaffType.GOVERNOR,
        (Role.GOVERNOR,),
        (Office.VICE_CHAIR,),
        "JBSWY3DPEHPK3PXPVICECHAIR234567",
    ),
    DemoAccount(
        f"escalation@{DOMAIN}",
        "Sam Rivers",
        "Trust safeguarding lead",
        StaffType.EMPLOYEE,
        (Role.STAFF,),
        (Office.ESCALATION_CONTACT,),
        "JBSWY3DPEHPK3PXPESCALATION23456",
    ),
    DemoAccount(
        f"dpo@{DOMAIN}",
        "Nadia Kowalski",
        "Data protection officer",
        StaffType.CONTRACTOR,
        (Role.STAFF,),
        (Office.DATA_PROTECTION_OFFICER,),
        "JBSWY3DPEHPK3PXPDPODPODPODPO234",
    ),
    DemoAccount(
        f"admin@{DOMAIN}",
        "Chris Parker",
        "School business manager",
        StaffType.EMPLOYEE,
        (Role.STAFF, Role.ADMINISTRATOR),
        (),
        "JBSWY3DPEHPK3PXPADMINADMIN23456",
    ),
    DemoAccount(f"ta@{DOMAIN}", "Tariq Hussain", "Teaching assistant", StaffType.EMPLOYEE, (Role.STAFF,)),
    DemoAccount(f"governor@{DOMAIN}", "Ruth Adeyemi", "Governor", StaffType.GOVERNOR, (Role.GOVERNOR,)),
)

FIRST = [
    "Amelia",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Harry",
    "Isla",
    "Jonah",
    "Kezia",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Pawel",
    "Rosa",
    "Seren",
    "Theo",
    "Uma",
    "Victor",
    "Wren",
    "Yusuf",
    "Zara",
    "Łucja",
    "Ōmar",
    "Şule",
    "Ngọc",
]
LAST = [
    "Abbott",
    "Brennan",
    "Castillo",
    "Dunmore",
    "Eastwood",
    "Fairley",
    "Gallagher",
    "Hartley",
    "Ingram",
    "Jarvis",
    "Kettering",
    "Lindqvist",
    "Moreno",
    "Nakamura",
    "Oduya",
    "Pemberton",
]
JOBS = [
    ("Class teacher", StaffType.EMPLOYEE, ""),
    ("Teaching assistant", StaffType.EMPLOYEE, ""),
    ("Supply teacher", StaffType.SUPPLY, "Brightway Supply Ltd"),
    ("Agency cover supervisor", StaffType.AGENCY, "Northgate Education Agency"),
    ("Reading volunteer", StaffType.VOLUNTEER, ""),
    ("Catering contractor", StaffType.CONTRACTOR, "Hearty Meals Catering"),
    ("Midday supervisor", StaffType.EMPLOYEE, ""),
    ("Site manager", StaffType.EMPLOYEE, ""),
    ("Sports coach", StaffType.CONTRACTOR, "Active Kids Coaching"),
    ("Governor", StaffType.GOVERNOR, ""),
]


def seed() -> bool:
    """Create the demo school if the database has none. Idempotent: True if anything was made."""
    if db.session.scalars(select(School)).first() is not None:
        return False
    school = School(
        name="Oakfield Primary School",
        school_type="maintained",
        local_authority="Westshire County Council",
        lado_name="Westshire LADO service",
        lado_phone="01632 960 000",
        lado_email="lado@westshire.example",
    )
    school.terms = [
        TermDate(name="Autumn term 2026", starts_on=dt.date(2026, 9, 2), ends_on=dt.date(2026, 12, 18)),
        TermDate(name="Spring term 2027", starts_on=dt.date(2027, 1, 5), ends_on=dt.date(2027, 3, 26)),
        TermDate(name="Summer term 2027", starts_on=dt.date(2027, 4, 12), ends_on=dt.date(2027, 7, 21)),
    ]
    db.session.add(school)
    db.session.flush()
    for account in ACCOUNTS:
        person = people.add_person(
            None,
            people.PersonDetails(
                account.full_name, account.email, account.job_title, account.staff_type, start_date=dt.date(2019, 9, 1)
            ),
            commit=False,
        )
        user = people.create_account(None, person, account.roles, DEMO_PASSWORD, commit=False)
        user.totp_secret = account.totp_secret
        for office in account.offices:
            offices.assign_from_command_line(person, office)
    for index in range(32):
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
        job, staff_type, employer = JOBS[index % len(JOBS)]
        people.add_person(
            None,
            people.PersonDetails(
                full_name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}{index}@{DOMAIN}".encode("ascii", "ignore").decode(),
                job_title=job,
                staff_type=staff_type,
                employer_name=employer,
                start_date=dt.date(2015 + index % 10, 9, 1),
                date_of_birth=dt.date(1965 + index % 30, 1 + index % 12, 1 + index % 28) if index % 3 else None,
            ),
            commit=False,
        )
    seed_cases()
    db.session.commit()
    return True


DEMO_RECEIPT_CODE = "DEMX-RCPT-K7QD-M2XA-9HFT-W3RB"


def seed_cases() -> None:
    """Fictional reports of every kind, filed through the real reporting service (so each is
    triaged, routed and encrypted): one about the headteacher, which the chair manages, and an
    anonymous whistleblowing report whose receipt code is DEMO_RECEIPT_CODE (see the README)."""
    from casetracker.domain.policy import Actor
    from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer, Wrongdoing
    from casetracker.models import Report, User
    from casetracker.security.passwords import hash_password
    from casetracker.services import demo_cases, reporting

    by_email = {person.email: person for person in db.session.scalars(select(Person))}
    users = {user.email: user for user in db.session.scalars(select(User))}

    def actor(email: str) -> Actor:
        user = users[email]
        return Actor(user.id, user.person_id, user.roles)

    no = dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.NO)
    supply = demo_cases.directory(StaffType.SUPPLY)[0]  # the subject of the demo pattern too
    coach = next(p for p in by_email.values() if p.staff_type == StaffType.CONTRACTOR.value)
    reports = [
        (
            f"ta@{DOMAIN}",
            reporting.Submission(
                kind=ReportKind.LOW_LEVEL_CONCERN,
                answers={
                    "what_happened": "Shared a personal phone number with a Year 5 pupil.",
                    "where": "Year 5 classroom",
                },
                threshold_answers=no,
                subject_person_id=supply.id,
            ),
        ),
        (
            f"ta@{DOMAIN}",
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={
                    "what_happened": "A pupil said they were grabbed by the arm in the corridor.",
                    "children": ["Pupil A (fictional)"],
                },
                threshold_answers=no | {"harmed_a_child": ThresholdAnswer.YES},
                subject_person_id=coach.id,
            ),
        ),
        (
            f"ta@{DOMAIN}",
            reporting.Submission(
                kind=ReportKind.LOW_LEVEL_CONCERN,
                answers={
                    "what_happened": "Comments about a pupil's appearance during a 1-to-1 session.",
                    "where": "Library",
                },
                threshold_answers=no | {"unsuitable_to_work_with_children": ThresholdAnswer.NOT_SURE},
                subject_person_id=by_email[f"head@{DOMAIN}"].id,
            ),
        ),
        (
            f"deputy.dsl@{DOMAIN}",
            reporting.Submission(
                kind=ReportKind.SELF_REFERRAL,
                answers={"what_happened": "I gave a pupil a lift home in the rain without telling anyone first."},
                threshold_answers=no,
            ),
        ),
    ]
    for email, submission in reports:
        reporting.submit(actor(email), submission)
    receipt = reporting.submit(
        None,
        reporting.Submission(
            kind=ReportKind.WHISTLEBLOWING,
            answers={
                "what_happened": "Training dates in the safeguarding log were changed before an inspection.",
                "wrongdoing": Wrongdoing.COVER_UP.value,
            },
            is_anonymous=True,
        ),
    )
    report = db.session.scalars(select(Report).where(Report.case_id == receipt.case_id)).one()
    cleaned = DEMO_RECEIPT_CODE.replace("-", "")
    report.receipt_lookup, report.receipt_hash = cleaned[:8], hash_password(cleaned[8:])
    db.session.commit()
    demo_cases.seed_running_cases(actor(f"ta@{DOMAIN}"), actor(f"governor@{DOMAIN}"))
