"""Who manages a report (DOMAIN.md section 3), as tables: one row per R-number and per combination."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from casetracker.domain.people import LowLevelConcernRoute, Office, SchoolType, StaffType
from casetracker.domain.reports import ReportKind
from casetracker.domain.routing import (
    ALLEGATION_CHAIN,
    FollowUp,
    PassedOver,
    Relationships,
    RoutingInput,
    SchoolOffices,
    SelfReferralError,
    SkipReason,
    chain_for,
    needs_rerouting,
    route,
)

HEAD, DSL, CHAIR, VICE, ESCALATION = (uuid.uuid4() for _ in range(5))
TEACHER, OTHER = uuid.uuid4(), uuid.uuid4()
PROPRIETOR = uuid.uuid4()  # head and proprietor of a small independent school

ALL_OFFICES = {
    Office.HEADTEACHER: HEAD,
    Office.DSL: DSL,
    Office.CHAIR: CHAIR,
    Office.VICE_CHAIR: VICE,
    Office.ESCALATION_CONTACT: ESCALATION,
}


def school(
    route_setting: LowLevelConcernRoute = LowLevelConcernRoute.DSL,
    school_type: SchoolType = SchoolType.MAINTAINED,
    without: tuple[Office, ...] = (),
    **changed: uuid.UUID,
) -> SchoolOffices:
    holders = {office: person for office, person in ALL_OFFICES.items() if office not in without}
    holders.update({Office(name): person for name, person in changed.items()})
    return SchoolOffices(school_type=school_type, low_level_concern_route=route_setting, holders=holders)


MAINTAINED = school()
HEAD_POLICY = school(LowLevelConcernRoute.HEADTEACHER)
SOLE_PROPRIETOR = SchoolOffices(
    school_type=SchoolType.INDEPENDENT,
    low_level_concern_route=LowLevelConcernRoute.HEADTEACHER,
    holders={Office.HEADTEACHER: PROPRIETOR, Office.CHAIR: PROPRIETOR},
)


def allegation(subject: uuid.UUID | None = TEACHER, *implicated: uuid.UUID) -> RoutingInput:
    return RoutingInput(
        ReportKind.ALLEGATION,
        subject_person_id=subject,
        reporter_person_id=OTHER,
        implicated_person_ids=frozenset(implicated),
    )


def concern(subject: uuid.UUID | None = TEACHER, *implicated: uuid.UUID) -> RoutingInput:
    return RoutingInput(
        ReportKind.LOW_LEVEL_CONCERN,
        subject_person_id=subject,
        reporter_person_id=OTHER,
        implicated_person_ids=frozenset(implicated),
    )


def self_referral(reporter: uuid.UUID) -> RoutingInput:
    return RoutingInput(ReportKind.SELF_REFERRAL, reporter_person_id=reporter)


def whistleblowing(*implicated: uuid.UUID, subject: uuid.UUID | None = None) -> RoutingInput:
    return RoutingInput(
        ReportKind.WHISTLEBLOWING, subject_person_id=subject, implicated_person_ids=frozenset(implicated)
    )


NONE: Relationships = frozenset()

ROWS = [
    # R1: allegations and whistleblowing about anyone but the head go to the head.
    pytest.param(
        allegation(),
        MAINTAINED,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher, the case manager for allegations.",
        id="R1-allegation-about-a-teacher",
    ),
    pytest.param(
        allegation(DSL),
        MAINTAINED,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher, the case manager for allegations.",
        id="R1-allegation-about-the-dsl-skips-no-one",
    ),
    pytest.param(
        whistleblowing(TEACHER),
        MAINTAINED,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher, who receives whistleblowing concerns.",
        id="R1-whistleblowing",
    ),
    pytest.param(
        whistleblowing(),
        HEAD_POLICY,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher, who receives whistleblowing concerns.",
        id="R1-anonymous-whistleblowing-naming-no-one",
    ),
    # R2: low-level concerns and self-referrals go to the DSL or the head, per school policy.
    pytest.param(
        concern(),
        MAINTAINED,
        NONE,
        Office.DSL,
        False,
        "Routed to the designated safeguarding lead, who manages low-level concerns under the school's policy.",
        id="R2-low-level-concern-policy-dsl",
    ),
    pytest.param(
        concern(),
        HEAD_POLICY,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher, who manages low-level concerns under the school's policy.",
        id="R2-low-level-concern-policy-head",
    ),
    pytest.param(self_referral(TEACHER), MAINTAINED, NONE, Office.DSL, False, None, id="R2-self-referral-policy-dsl"),
    pytest.param(
        self_referral(TEACHER), HEAD_POLICY, NONE, Office.HEADTEACHER, False, None, id="R2-self-referral-policy-head"
    ),
    # R3: the head is the subject or implicated: the chair, named as the school's type names it.
    pytest.param(
        allegation(HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher is the subject of the allegation.",
        id="R3-head-is-the-subject",
    ),
    pytest.param(
        whistleblowing(HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher is implicated.",
        id="R3-head-implicated-in-a-cover-up",
    ),
    pytest.param(
        allegation(TEACHER, HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher is implicated.",
        id="R3-head-implicated-in-an-allegation",
    ),
    pytest.param(
        concern(HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher is the subject of the concern and the "
        "designated safeguarding lead does not manage concerns involving the headteacher.",
        id="R3-low-level-concern-about-the-head-passes-the-dsl",
    ),
    pytest.param(
        concern(TEACHER, HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher is implicated and the "
        "designated safeguarding lead does not manage concerns involving the headteacher.",
        id="R3-low-level-concern-implicating-the-head-passes-the-dsl",
    ),
    pytest.param(
        allegation(HEAD),
        school(school_type=SchoolType.ACADEMY),
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of the trust board because the headteacher is the subject of the allegation.",
        id="R3-academy-names-the-trust-role",
    ),
    pytest.param(
        allegation(HEAD),
        school(school_type=SchoolType.INDEPENDENT),
        NONE,
        Office.CHAIR,
        False,
        "Routed to the proprietor because the headteacher is the subject of the allegation.",
        id="R3-independent-names-the-proprietor",
    ),
    # R4: the head refers themself (chair); the DSL refers themself under policy "DSL" (head).
    pytest.param(
        self_referral(HEAD),
        HEAD_POLICY,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher has referred themself.",
        id="R4-head-self-refers-policy-head",
    ),
    pytest.param(
        self_referral(HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher has referred themself and the "
        "designated safeguarding lead does not manage concerns involving the headteacher.",
        id="R4-head-self-refers-policy-dsl",
    ),
    pytest.param(
        self_referral(DSL),
        MAINTAINED,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher because the designated safeguarding lead has referred themself.",
        id="R4-dsl-self-refers-policy-dsl",
    ),
    # R5: the DSL is the subject of a concern under policy "DSL".
    pytest.param(
        concern(DSL),
        MAINTAINED,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher because the designated safeguarding lead is the subject of the concern.",
        id="R5-dsl-is-the-subject",
    ),
    # R6: the chair is the subject, implicated or conflicted, and the head is not free.
    pytest.param(
        allegation(HEAD),
        MAINTAINED,
        frozenset({(CHAIR, HEAD)}),
        Office.VICE_CHAIR,
        False,
        "Routed to the vice-chair of governors because the headteacher is the subject of the allegation and the "
        "chair of governors has declared a close relationship with the subject.",
        id="R6-head-subject-chair-conflicted",
    ),
    pytest.param(
        allegation(CHAIR, HEAD),
        MAINTAINED,
        NONE,
        Office.VICE_CHAIR,
        False,
        "Routed to the vice-chair of governors because the headteacher is implicated and the chair of governors "
        "is the subject of the allegation.",
        id="R6-chair-subject-head-implicated",
    ),
    pytest.param(
        allegation(HEAD, CHAIR),
        MAINTAINED,
        NONE,
        Office.VICE_CHAIR,
        False,
        "Routed to the vice-chair of governors because the headteacher is the subject of the allegation and the "
        "chair of governors is implicated.",
        id="R6-head-subject-chair-implicated",
    ),
    pytest.param(
        whistleblowing(HEAD, TEACHER),
        MAINTAINED,
        frozenset({(CHAIR, TEACHER)}),
        Office.VICE_CHAIR,
        False,
        "Routed to the vice-chair of governors because the headteacher is implicated and the chair of governors "
        "has declared a close relationship with someone implicated.",
        id="R6-head-implicated-chair-conflicted-with-someone-implicated",
    ),
    # R7: a declared close relationship passes the office to the next free one.
    pytest.param(
        allegation(),
        MAINTAINED,
        frozenset({(HEAD, TEACHER)}),
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher has declared a close relationship with the subject.",
        id="R7-head-related-to-the-subject",
    ),
    pytest.param(
        concern(),
        MAINTAINED,
        frozenset({(DSL, TEACHER)}),
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher because the designated safeguarding lead has declared a close relationship "
        "with the subject.",
        id="R7-dsl-related-to-the-subject",
    ),
    pytest.param(
        allegation(TEACHER, OTHER),
        MAINTAINED,
        frozenset({(HEAD, OTHER)}),
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher has declared a close relationship with "
        "someone implicated.",
        id="R7-head-related-to-someone-implicated",
    ),
    pytest.param(
        allegation(),
        MAINTAINED,
        frozenset({(TEACHER, HEAD)}),
        Office.HEADTEACHER,
        False,
        None,
        # The register holds office-holders' own declarations: the subject cannot steer routing by declaring one.
        id="R7-only-the-office-holders-declaration-counts",
    ),
    pytest.param(
        allegation(),
        MAINTAINED,
        frozenset({(CHAIR, TEACHER)}),
        Office.HEADTEACHER,
        False,
        None,
        id="R7-a-conflict-further-down-the-chain-changes-nothing",
    ),
    # Combinations.
    pytest.param(
        whistleblowing(HEAD, DSL),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the headteacher is implicated.",
        id="whistleblowing-implicating-head-and-dsl",
    ),
    pytest.param(
        concern(TEACHER, DSL, HEAD),
        MAINTAINED,
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the designated safeguarding lead and the headteacher are implicated.",
        id="low-level-concern-implicating-dsl-and-head",
    ),
    pytest.param(
        concern(HEAD),
        school(dsl=HEAD),
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because the designated safeguarding lead, who is also the "
        "headteacher, is the subject of the concern.",
        id="head-who-is-also-dsl-is-the-subject",
    ),
    pytest.param(
        concern(),
        school(without=(Office.DSL,)),
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher because there is no designated safeguarding lead.",
        id="unfilled-dsl-is-skipped",
    ),
    pytest.param(
        allegation(),
        school(without=(Office.HEADTEACHER,)),
        NONE,
        Office.CHAIR,
        False,
        "Routed to the chair of governors because there is no headteacher.",
        id="unfilled-headship-is-skipped",
    ),
    pytest.param(
        allegation(HEAD),
        school(without=(Office.VICE_CHAIR,)),
        frozenset({(CHAIR, HEAD)}),
        Office.ESCALATION_CONTACT,
        False,
        "Routed to the escalation contact because the headteacher is the subject of the allegation, the chair of "
        "governors has declared a close relationship with the subject and there is no vice-chair of governors.",
        id="unfilled-vice-chair-passes-to-the-escalation-contact",
    ),
    pytest.param(
        replace(concern(), is_potential_allegation=True),
        MAINTAINED,
        NONE,
        Office.HEADTEACHER,
        False,
        "Routed to the headteacher because the answers to the harm-threshold questions mean this may be an allegation.",
        id="potential-allegation-follows-the-allegation-chain",
    ),
    # R8: nobody in the chain is free.
    pytest.param(
        allegation(PROPRIETOR),
        SOLE_PROPRIETOR,
        NONE,
        None,
        True,
        "No office-holder is free to manage this case: refer it directly to the LADO. The headteacher, who is "
        "also the proprietor, is the subject of the allegation and there is no vice-chair of governors or "
        "escalation contact. No office-holder can hold it, so the system administrator is alerted.",
        id="R8-sole-proprietor-no-vice-chair-no-escalation-contact",
    ),
    pytest.param(
        allegation(HEAD, CHAIR, VICE, ESCALATION),
        MAINTAINED,
        NONE,
        None,
        True,
        "No office-holder is free to manage this case: refer it directly to the LADO. The headteacher is the "
        "subject of the allegation and the chair of governors, the vice-chair of governors and the escalation "
        "contact are implicated. No office-holder can hold it, so the system administrator is alerted.",
        id="R8-escalation-contact-implicated-too",
    ),
    pytest.param(
        allegation(ESCALATION),
        school(without=(Office.VICE_CHAIR,)),
        frozenset({(HEAD, ESCALATION), (CHAIR, ESCALATION)}),
        None,
        True,
        None,
        id="R8-escalation-contact-is-the-subject",
    ),
    pytest.param(
        allegation(PROPRIETOR),
        SchoolOffices(
            SchoolType.INDEPENDENT,
            LowLevelConcernRoute.HEADTEACHER,
            {Office.HEADTEACHER: PROPRIETOR, Office.CHAIR: PROPRIETOR, Office.ESCALATION_CONTACT: ESCALATION},
        ),
        frozenset({(ESCALATION, PROPRIETOR)}),
        Office.ESCALATION_CONTACT,
        True,
        "No office-holder is free to manage this case: refer it directly to the LADO. The headteacher, who is "
        "also the proprietor, is the subject of the allegation, there is no vice-chair of governors and the "
        "escalation contact has declared a close relationship with the subject. The escalation contact holds it.",
        id="R8-conflicted-escalation-contact-holds-it",
    ),
    pytest.param(
        self_referral(PROPRIETOR),
        SOLE_PROPRIETOR,
        NONE,
        None,
        True,
        None,
        id="R8-sole-proprietor-refers-themself",
    ),
]


@pytest.mark.parametrize(("report", "offices", "relationships", "office", "refer", "reason"), ROWS)
def test_route(
    report: RoutingInput,
    offices: SchoolOffices,
    relationships: Relationships,
    office: Office | None,
    refer: bool,
    reason: str | None,
) -> None:
    decision = route(report, offices, relationships)
    assert decision.office == office
    assert decision.refer_directly_to_lado is refer
    if reason is not None:
        assert decision.reason == reason
    # The reason names offices, never people.
    for person in {HEAD, DSL, CHAIR, VICE, ESCALATION, TEACHER, OTHER, PROPRIETOR}:
        assert str(person) not in decision.reason
    # The administrator is alerted exactly when nobody is free.
    assert (FollowUp.ALERT_ADMINISTRATOR in decision.actions) is refer
    # Every office before the chosen one was passed over, with a reason.
    stop = decision.chain.index(office) if office is not None and not refer else len(decision.chain)
    assert [passed.office for passed in decision.skipped] == list(decision.chain[:stop])


@pytest.mark.parametrize(
    ("report", "offices", "skipped"),
    [
        pytest.param(allegation(), MAINTAINED, (), id="first-choice"),
        pytest.param(
            allegation(HEAD),
            school(without=(Office.CHAIR,)),
            (PassedOver(Office.HEADTEACHER, SkipReason.SUBJECT), PassedOver(Office.CHAIR, SkipReason.NO_HOLDER)),
            id="subject-then-unfilled",
        ),
        pytest.param(
            concern(TEACHER, HEAD),
            MAINTAINED,
            (
                PassedOver(Office.DSL, SkipReason.HEADTEACHER_INVOLVED),
                PassedOver(Office.HEADTEACHER, SkipReason.IMPLICATED),
            ),
            id="dsl-passed-over-for-the-head",
        ),
    ],
)
def test_skipped_offices_say_why(report: RoutingInput, offices: SchoolOffices, skipped: tuple[PassedOver, ...]) -> None:
    assert route(report, offices).skipped == skipped


@pytest.mark.parametrize(
    ("kind", "route_setting", "potential", "chain"),
    [
        (ReportKind.LOW_LEVEL_CONCERN, LowLevelConcernRoute.DSL, False, (Office.DSL, *ALLEGATION_CHAIN)),
        (ReportKind.SELF_REFERRAL, LowLevelConcernRoute.DSL, False, (Office.DSL, *ALLEGATION_CHAIN)),
        (ReportKind.LOW_LEVEL_CONCERN, LowLevelConcernRoute.HEADTEACHER, False, ALLEGATION_CHAIN),
        (ReportKind.SELF_REFERRAL, LowLevelConcernRoute.HEADTEACHER, False, ALLEGATION_CHAIN),
        (ReportKind.ALLEGATION, LowLevelConcernRoute.DSL, False, ALLEGATION_CHAIN),
        (ReportKind.WHISTLEBLOWING, LowLevelConcernRoute.DSL, False, ALLEGATION_CHAIN),
        (ReportKind.LOW_LEVEL_CONCERN, LowLevelConcernRoute.DSL, True, ALLEGATION_CHAIN),
        (ReportKind.SELF_REFERRAL, LowLevelConcernRoute.DSL, True, ALLEGATION_CHAIN),
    ],
    ids=[
        "low-level-concern-policy-dsl",
        "self-referral-policy-dsl",
        "low-level-concern-policy-head",
        "self-referral-policy-head",
        "allegation",
        "whistleblowing",
        "potential-allegation-from-a-low-level-concern",
        "potential-allegation-from-a-self-referral",
    ],
)
def test_chain_for(
    kind: ReportKind, route_setting: LowLevelConcernRoute, potential: bool, chain: tuple[Office, ...]
) -> None:
    report = RoutingInput(kind, subject_person_id=TEACHER, is_potential_allegation=potential)
    assert chain_for(report, route_setting) == chain
    assert ALLEGATION_CHAIN == (Office.HEADTEACHER, Office.CHAIR, Office.VICE_CHAIR, Office.ESCALATION_CONTACT)


# R9: supply, agency and contractor staff have an employer to inform; employees and volunteers do not.
@pytest.mark.parametrize(
    ("kind", "staff_type", "informs_employer"),
    [
        (ReportKind.ALLEGATION, StaffType.SUPPLY, True),
        (ReportKind.ALLEGATION, StaffType.AGENCY, True),
        (ReportKind.ALLEGATION, StaffType.CONTRACTOR, True),
        (ReportKind.LOW_LEVEL_CONCERN, StaffType.SUPPLY, True),
        (ReportKind.SELF_REFERRAL, StaffType.AGENCY, True),
        (ReportKind.WHISTLEBLOWING, StaffType.CONTRACTOR, True),
        (ReportKind.ALLEGATION, StaffType.EMPLOYEE, False),
        (ReportKind.ALLEGATION, StaffType.VOLUNTEER, False),
        (ReportKind.ALLEGATION, StaffType.GOVERNOR, False),
        (ReportKind.LOW_LEVEL_CONCERN, StaffType.EMPLOYEE, False),
        (ReportKind.LOW_LEVEL_CONCERN, StaffType.VOLUNTEER, False),
        (ReportKind.ALLEGATION, None, False),
    ],
)
def test_r9_inform_the_employer(kind: ReportKind, staff_type: StaffType | None, informs_employer: bool) -> None:
    reporter = TEACHER if kind is ReportKind.SELF_REFERRAL else OTHER
    report = RoutingInput(kind, subject_person_id=TEACHER, reporter_person_id=reporter, subject_staff_type=staff_type)
    decision = route(report, MAINTAINED)
    assert decision.actions == ((FollowUp.INFORM_EMPLOYER,) if informs_employer else ())
    assert not decision.refer_directly_to_lado  # R9 adds an action; it does not change who manages the case


def test_r9_guidance_says_never_stop_using_them_without_the_facts_and_the_lado() -> None:
    guidance = FollowUp.INFORM_EMPLOYER.guidance
    assert "Never stop using them without first establishing the facts and consulting the LADO." in guidance


def test_r9_and_r8_together() -> None:
    report = replace(allegation(PROPRIETOR), subject_staff_type=StaffType.CONTRACTOR)
    decision = route(report, SOLE_PROPRIETOR)
    assert decision.actions == (FollowUp.INFORM_EMPLOYER, FollowUp.ALERT_ADMINISTRATOR)


LEFT = "The person no longer works at the school: report the allegation to the police and consult the LADO."
NON_RECENT = "This is a non-recent allegation: report it to the police and consult the LADO."
BOTH = (
    "The person no longer works at the school and the allegation is non-recent: "
    "report it to the police and consult the LADO."
)


# R10: someone who has left, or a non-recent allegation: the police and the LADO.
@pytest.mark.parametrize(
    ("report", "guidance"),
    [
        pytest.param(replace(allegation(), subject_has_left=True), (LEFT,), id="allegation-person-has-left"),
        pytest.param(replace(allegation(), is_non_recent=True), (NON_RECENT,), id="non-recent-allegation"),
        pytest.param(replace(allegation(), subject_has_left=True, is_non_recent=True), (BOTH,), id="both"),
        pytest.param(allegation(), (), id="current-recent-allegation"),
        pytest.param(replace(allegation(HEAD), is_non_recent=True), (NON_RECENT,), id="non-recent-about-the-head"),
        pytest.param(
            replace(concern(), is_potential_allegation=True, is_non_recent=True),
            (NON_RECENT,),
            id="potential-allegation",
        ),
        pytest.param(replace(concern(), subject_has_left=True), (), id="low-level-concern-about-a-leaver"),
    ],
)
def test_r10_guidance(report: RoutingInput, guidance: tuple[str, ...]) -> None:
    assert route(report, MAINTAINED).guidance == guidance


def test_r10_does_not_change_who_manages_it() -> None:
    assert route(replace(allegation(HEAD), subject_has_left=True), MAINTAINED).office is Office.CHAIR


def test_a_self_referrals_subject_is_the_reporter() -> None:
    assert self_referral(DSL).subject == DSL
    assert RoutingInput(ReportKind.SELF_REFERRAL, subject_person_id=DSL, reporter_person_id=DSL).subject == DSL
    with pytest.raises(SelfReferralError):
        RoutingInput(ReportKind.SELF_REFERRAL, subject_person_id=TEACHER, reporter_person_id=DSL)


def test_the_reporter_is_not_sealed_out_of_someone_elses_case() -> None:
    report = RoutingInput(ReportKind.ALLEGATION, subject_person_id=TEACHER, reporter_person_id=HEAD)
    assert route(report, MAINTAINED).office is Office.HEADTEACHER


def covered(office: Office, acting: uuid.UUID, **changed: uuid.UUID) -> SchoolOffices:
    """The school with `acting` covering for the office's substantive holder (who still holds it)."""
    base = school(**changed)
    return replace(base, holders={**base.holders, office: acting}, substantive=dict(base.holders))


ACTING_HEAD = covered(Office.HEADTEACHER, OTHER)  # OTHER covers for HEAD
ACTING_CHAIR = covered(Office.CHAIR, OTHER)  # OTHER covers for CHAIR


@pytest.mark.parametrize(
    ("report", "offices", "expected", "skipped"),
    [
        # The acting head runs cases as the office does...
        pytest.param(allegation(TEACHER), ACTING_HEAD, Office.HEADTEACHER, (), id="acting-head-runs-a-case"),
        # ...but never the case about, or implicating, the head they cover for.
        pytest.param(
            allegation(HEAD),
            ACTING_HEAD,
            Office.CHAIR,
            (PassedOver(Office.HEADTEACHER, SkipReason.COVERING_FOR_SUBJECT),),
            id="about-the-substantive-head",
        ),
        pytest.param(
            allegation(TEACHER, HEAD),
            ACTING_HEAD,
            Office.CHAIR,
            (PassedOver(Office.HEADTEACHER, SkipReason.COVERING_FOR_IMPLICATED),),
            id="implicating-the-substantive-head",
        ),
        # About the acting head themself: passed over as the holder.
        pytest.param(
            allegation(OTHER),
            ACTING_HEAD,
            Office.CHAIR,
            (PassedOver(Office.HEADTEACHER, SkipReason.SUBJECT),),
            id="about-the-acting-head",
        ),
        # A low-level concern about the substantive head skips the DSL too (the head is involved).
        pytest.param(
            concern(HEAD),
            ACTING_HEAD,
            Office.CHAIR,
            (
                PassedOver(Office.DSL, SkipReason.HEADTEACHER_INVOLVED),
                PassedOver(Office.HEADTEACHER, SkipReason.COVERING_FOR_SUBJECT),
            ),
            id="concern-about-the-substantive-head",
        ),
        # The same for any case-managing office: an acting chair never runs the case about the chair.
        pytest.param(
            allegation(HEAD, CHAIR),
            ACTING_CHAIR,
            Office.VICE_CHAIR,
            (
                PassedOver(Office.HEADTEACHER, SkipReason.SUBJECT),
                PassedOver(Office.CHAIR, SkipReason.COVERING_FOR_IMPLICATED),
            ),
            id="acting-chair-covering-for-an-implicated-chair",
        ),
        # Nobody free: the acting escalation contact covering for the subject is sealed out too.
        pytest.param(
            allegation(ESCALATION, HEAD, CHAIR, VICE),
            covered(Office.ESCALATION_CONTACT, OTHER),
            None,
            (
                PassedOver(Office.HEADTEACHER, SkipReason.IMPLICATED),
                PassedOver(Office.CHAIR, SkipReason.IMPLICATED),
                PassedOver(Office.VICE_CHAIR, SkipReason.IMPLICATED),
                PassedOver(Office.ESCALATION_CONTACT, SkipReason.COVERING_FOR_SUBJECT),
            ),
            id="acting-escalation-contact-covering-for-the-subject",
        ),
    ],
)
def test_acting_holders(
    report: RoutingInput, offices: SchoolOffices, expected: Office | None, skipped: tuple[PassedOver, ...]
) -> None:
    decision = route(report, offices)
    assert decision.office is expected
    assert decision.skipped == skipped


def test_an_office_is_passed_over_when_its_covered_substantive_holder_declared_a_relationship() -> None:
    decision = route(allegation(TEACHER), ACTING_HEAD, frozenset({(HEAD, TEACHER)}))
    assert decision.office is Office.CHAIR
    assert decision.skipped == (PassedOver(Office.HEADTEACHER, SkipReason.COVERING_FOR_CONFLICTED),)


def test_the_reason_for_passing_over_an_acting_head_names_offices_not_people() -> None:
    assert route(allegation(HEAD), ACTING_HEAD).reason == (
        "Routed to the chair of governors because the headteacher is the subject of the allegation, "
        "and the person acting for them may not manage it."
    )


@pytest.mark.parametrize(
    ("declared", "report", "before", "after"),
    [
        # A relationship declared after the case opened moves it down the chain at once.
        pytest.param(frozenset({(HEAD, TEACHER)}), allegation(TEACHER), Office.HEADTEACHER, Office.CHAIR, id="head"),
        pytest.param(frozenset({(DSL, TEACHER)}), concern(TEACHER), Office.DSL, Office.HEADTEACHER, id="dsl"),
        pytest.param(
            frozenset({(HEAD, OTHER)}), allegation(TEACHER, OTHER), Office.HEADTEACHER, Office.CHAIR, id="implicated"
        ),
        # A relationship with someone else leaves the case where it is.
        pytest.param(
            frozenset({(HEAD, OTHER)}), allegation(TEACHER), Office.HEADTEACHER, Office.HEADTEACHER, id="other"
        ),
    ],
)
def test_a_declaration_made_after_a_case_opened(
    declared: Relationships, report: RoutingInput, before: Office, after: Office
) -> None:
    current = route(report, MAINTAINED).office
    assert current is before
    later = route(report, MAINTAINED, declared)
    assert later.office is after
    assert needs_rerouting(current, later) is (before is not after)


@pytest.mark.parametrize(
    ("before", "after", "report", "reroute"),
    [
        pytest.param(MAINTAINED, school(headteacher=TEACHER), allegation(), True, id="new-head-is-the-subject"),
        pytest.param(MAINTAINED, school(headteacher=OTHER), allegation(), False, id="new-head-is-free"),
        pytest.param(school(without=(Office.HEADTEACHER,)), MAINTAINED, allegation(), True, id="headship-filled"),
    ],
)
def test_office_changes_hands(before: SchoolOffices, after: SchoolOffices, report: RoutingInput, reroute: bool) -> None:
    current = route(report, before).office
    assert needs_rerouting(current, route(report, after)) is reroute


def test_case_manager_named_as_implicated_later_reroutes() -> None:
    current = route(allegation(), MAINTAINED).office
    later = route(allegation(TEACHER, HEAD), MAINTAINED)
    assert needs_rerouting(current, later)
    assert later.office is Office.CHAIR
