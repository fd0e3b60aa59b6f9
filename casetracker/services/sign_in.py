"""Sign-in: passwords, lockout, two-factor, recovery codes, password reset and sign-out."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from flask import current_app, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import func, select, update

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.models import PasswordResetToken, RecoveryCode, User
from casetracker.security import two_factor
from casetracker.security.passwords import context_words, hash_password, token_digest, verify_password
from casetracker.security.sessions import DatabaseSession, revoke_user_sessions
from casetracker.services.notifications import absolute_url, send_email_quietly

PENDING_MINUTES = 5


class ResetLinkSpentError(ValueError):
    """The password reset link was used by another request a moment ago."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def _is_locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _count_failure(user: User, now: dt.datetime) -> None:
    """Count a failed password or code; enough of them lock the account for a while.

    The increment happens in the database (not read-modify-write), so parallel guesses all count.
    """
    count = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.failed_sign_ins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if count >= current_app.config["LOCKOUT_THRESHOLD"]:
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(locked_until=now + dt.timedelta(minutes=current_app.config["LOCKOUT_MINUTES"]), failed_sign_ins=0)
            .execution_options(synchronize_session=False)
        )
        audit.record("sign_in.lockout", object_type="user", object_id=user.id, outcome="failure")
    db.session.expire(user, ["failed_sign_ins", "locked_until"])


def check_password(email: str, password: str) -> User | None:
    """The account, if the email and password are right and it may sign in; else None.

    Every path costs one password hash and gives the same answer, so nobody learns whether an
    account exists or is locked.
    """
    now = utcnow()
    user = find_user_by_email(email)
    if user is not None and _is_locked(user, now):
        verify_password(None, password)
        audit.record("sign_in.failure", object_type="user", object_id=user.id, outcome="failure", reason="locked")
        db.session.commit()
        return None
    matched = verify_password(user.password_hash if user else None, password)
    if user is None or not matched or not user.is_active:
        if user is not None:
            _count_failure(user, now)
        reason = "unknown_account" if user is None else ("inactive" if matched else "wrong_password")
        audit.record(
            "sign_in.failure",
            object_type="user",
            object_id=user.id if user else None,
            outcome="failure",
            reason=reason,
        )
        db.session.commit()
        return None
    if not user.has_two_factor:
        # Fully signed in by the password alone. With two-factor, the counter is cleared only
        # once the code is right too: a known password must not buy fresh guesses at the code.
        user.failed_sign_ins = 0
    db.session.commit()
    return user


def begin_pending_sign_in(user: User) -> None:
    """The password was right; two-factor comes next. Nothing is signed in yet."""
    session["pending_user_id"] = str(user.id)
    session["pending_since"] = utcnow().isoformat()


def pending_user() -> User | None:
    raw, since = session.get("pending_user_id"), session.get("pending_since")
    if not raw or not since:
        return None
    if utcnow() - dt.datetime.fromisoformat(since) > dt.timedelta(minutes=PENDING_MINUTES):
        clear_pending()
        return None
    user = db.session.get(User, uuid.UUID(raw))
    return user if user is not None and user.is_active else None


def clear_pending() -> None:
    for key in ("pending_user_id", "pending_since", "pending_totp_secret"):
        session.pop(key, None)


def verify_code(user: User, code: str) -> bool:
    """A TOTP code, once only; failures count towards the account's lockout."""
    now = utcnow()
    if _is_locked(user, now) or user.totp_secret is None:
        return False
    step = two_factor.matching_step(user.totp_secret, code, user.totp_last_step, now)
    # Claim the time step in one conditional update: of two requests racing with the same code,
    # only one can move the step forward.
    claimed = step is not None and _claim_step(user, step)
    if not claimed:
        _count_failure(user, now)
        audit.record("sign_in.two_factor_failure", object_type="user", object_id=user.id, outcome="failure")
        db.session.commit()
        return False
    db.session.commit()
    return True


def _claim_step(user: User, step: int) -> bool:
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step, failed_sign_ins=0)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["totp_last_step", "failed_sign_ins"])
    return result.rowcount == 1


def use_recovery_code(user: User, code: str) -> bool:
    now = utcnow()
    if _is_locked(user, now):
        return False
    digest = token_digest(two_factor.normalise_recovery_code(code))
    # Spend the code in one conditional update, so a code works once even under racing requests.
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        _count_failure(user, now)
        audit.record("sign_in.two_factor_failure", object_type="user", object_id=user.id, outcome="failure")
        db.session.commit()
        return False
    user.failed_sign_ins = 0
    remaining = db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    audit.record(
        "sign_in.recovery_code_used", actor_user_id=user.id, object_type="user", object_id=user.id, remaining=remaining
    )
    db.session.commit()
    return True


def enrol_two_factor(user: User, secret: str, code: str) -> list[str] | None:
    """Check a first code against the new secret; on success save it and return recovery codes."""
    now = utcnow()
    step = two_factor.matching_step(secret, code, None, now)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    audit.record("two_factor.enrolled", actor_user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    codes = two_factor.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=token_digest(c)) for c in codes)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    codes = _replace_recovery_codes(user)
    audit.record("two_factor.recovery_codes_replaced", actor_user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()
    return codes


def complete_sign_in(user: User, *, two_factor_verified: bool) -> None:
    clear_pending()
    assert isinstance(session, DatabaseSession)
    session.clear()
    session.regenerate()
    login_user(user)
    now = utcnow()
    session["authenticated_at"] = now.isoformat()
    session["two_factor_verified"] = two_factor_verified
    user.last_sign_in_at = now
    audit.record("sign_in.success", actor_user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()


def confirm_identity(user: User, password: str, code: str) -> bool:
    """Re-authentication for sensitive actions: the password and, if enrolled, a fresh code."""
    if _is_locked(user, utcnow()):
        verify_password(None, password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
        if not ok:
            _count_failure(user, utcnow())  # a hijacked session must not guess the password freely
        elif user.has_two_factor:
            ok = verify_code(user, code)
    audit.record(
        "reauthentication",
        actor_user_id=user.id,
        object_type="user",
        object_id=user.id,
        outcome="success" if ok else "failure",
    )
    if ok:
        session["authenticated_at"] = utcnow().isoformat()
    db.session.commit()
    return ok


def sign_out(user: User) -> None:
    audit.record("sign_out", actor_user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()
    logout_user()
    session.clear()


def sign_out_everywhere(user: User) -> None:
    revoke_user_sessions(user.id)
    audit.record("sign_out", actor_user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()
    logout_user()
    session.clear()


def request_password_reset(email: str) -> None:
    """Email a single-use link if the account exists. The web page calls this after its answer has
    gone (web.auth.views._answer_then_send_link), so nobody can time the difference."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + dt.timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]),
        )
    )
    audit.record("password.reset_requested", object_type="user", object_id=user.id)
    db.session.commit()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    send_email_quietly(
        user.email,
        "Reset your Casetracker password",
        "Someone asked to reset the password for your Casetracker account.\n\n"
        f"To choose a new password, open this link within {hours} hours. It works once:\n"
        f"{absolute_url(url_for('auth.reset_password', token=token))}\n\n"
        "If you did not ask for this, you can ignore this email: your password has not changed.",
    )


def password_context(reset: PasswordResetToken) -> tuple[str, ...]:
    """The words the new password must not contain: the person's name and email, the school's name."""
    from casetracker.services.school import current_school

    user = db.session.get(User, reset.user_id)
    school = current_school()
    return context_words(
        user.person.full_name if user else None, user.email if user else None, school.name if school else None
    )


def valid_reset_token(token: str) -> PasswordResetToken | None:
    if len(token) > 100:
        return None
    row = db.session.scalars(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_digest(token))
    ).first()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    user = db.session.get(User, row.user_id)
    return row if user is not None and user.is_active else None


def reset_password(reset: PasswordResetToken, new_password: str) -> None:
    """Set the new password, spend every outstanding link and end every session.

    Two-factor is untouched: the next sign-in still asks for a code.
    """
    user = db.session.get(User, reset.user_id)
    assert user is not None
    now = utcnow()
    # Spend this link first, conditionally: of two racing submissions only one sets a password.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == reset.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        db.session.rollback()
        raise ResetLinkSpentError("This link has been used already")
    # The lockout stays: a reset link must not buy more guesses at the two-factor code.
    user.password_hash = hash_password(new_password)
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    revoke_user_sessions(user.id)
    audit.record("password.reset", actor_user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()
