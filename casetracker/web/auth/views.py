"""Sign-in, two-factor, sign-out, password reset, re-authentication and the user's own account."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    copy_current_request_context,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from casetracker.domain.policy import is_signed_in
from casetracker.extensions import db, limiter
from casetracker.models import User
from casetracker.security import two_factor as totp
from casetracker.security.access import actor_for, current_actor, is_safe_next, public, requires
from casetracker.services import offices
from casetracker.services import sign_in as service
from casetracker.services.school import current_school
from casetracker.web.auth.forms import (
    CodeForm,
    ConfirmIdentityForm,
    ForgotPasswordForm,
    NewPasswordForm,
    RecoveryCodeForm,
    SignInForm,
    SubmitOnlyForm,
)

bp = Blueprint("auth", __name__)

SIGN_IN_ERROR = "Enter a correct email address and password"


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_RATE_LIMIT"])


def _next_url() -> str:
    target = request.args.get("next")
    return target if target and is_safe_next(target) else url_for("home.dashboard")


def _needs_two_factor(user: User) -> bool:
    return actor_for(user).needs_two_factor or user.has_two_factor


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = SignInForm()
    if form.validate_on_submit():
        user = service.check_password(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append(SIGN_IN_ERROR)
            form.password.data = ""
        elif _needs_two_factor(user):
            service.begin_pending_sign_in(user)
            target = "auth.two_factor" if user.has_two_factor else "auth.set_up_two_factor"
            return redirect(url_for(target, next=request.args.get("next")))
        else:
            service.complete_sign_in(user, two_factor_verified=False)
            return redirect(_next_url())
    return render_template("auth/sign_in.html", form=form, title="Sign in")


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def two_factor() -> str | Response:
    user = service.pending_user()
    if user is None or not user.has_two_factor:
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if service.verify_code(user, form.code.data or ""):
            service.complete_sign_in(user, two_factor_verified=True)
            return redirect(_next_url())
        form.code.errors.append("The code is not right, or has been used already. Wait for a new code and try again")
    return render_template("auth/two_factor.html", form=form, title="Enter your security code")


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def recovery_code() -> str | Response:
    user = service.pending_user()
    if user is None or not user.has_two_factor:
        return redirect(url_for("auth.sign_in"))
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if service.use_recovery_code(user, form.code.data or ""):
            service.complete_sign_in(user, two_factor_verified=True)
            flash(
                "You used a recovery code. Each code works once: "
                "create new codes from your account page if you are running low.",
                "success",
            )
            return redirect(_next_url())
        form.code.errors.append("That recovery code is not right, or has been used already")
    return render_template("auth/recovery_code.html", form=form, title="Use a recovery code")


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def set_up_two_factor() -> str | Response:
    user = service.pending_user()
    if user is None or user.has_two_factor:
        return redirect(url_for("auth.sign_in"))
    return _enrol(user, signed_in=False)


@bp.route("/account/set-up-two-factor", methods=["GET", "POST"])
@requires(is_signed_in)
def set_up_two_factor_for_account() -> str | Response:
    if current_user.has_two_factor:
        return redirect(url_for("auth.account"))
    return _enrol(current_user, signed_in=True)


def _enrol(user: object, *, signed_in: bool) -> str | Response:
    secret = session.get("pending_totp_secret")
    if not secret:
        secret = session["pending_totp_secret"] = totp.new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        codes = service.enrol_two_factor(user, secret, form.code.data or "")  # type: ignore[arg-type]
        if codes is not None:
            session.pop("pending_totp_secret", None)
            if not signed_in:
                service.complete_sign_in(user, two_factor_verified=True)  # type: ignore[arg-type]
            else:
                session["two_factor_verified"] = True
            # Shown in this response only: the codes are never kept anywhere but as digests.
            return _show_recovery_codes(codes)
        form.code.errors.append(
            "The code is not right. Check the time on your phone is correct, then enter the newest code"
        )
    school = current_school()
    uri = totp.provisioning_uri(secret, user.email, school.name if school else "")  # type: ignore[attr-defined]
    return render_template(
        "auth/set_up_two_factor.html",
        form=form,
        title="Set up two-factor authentication",
        qr=totp.qr_svg(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@bp.route("/account/recovery-codes/new", methods=["POST"])
@requires(is_signed_in, recent_sign_in=True)
def create_recovery_codes() -> str:
    form = SubmitOnlyForm()
    if not form.validate_on_submit() or not current_user.has_two_factor:
        abort(400)
    return _show_recovery_codes(service.new_recovery_codes(current_user))


def _show_recovery_codes(codes: list[str]) -> str:
    return render_template(
        "auth/recovery_codes.html", codes=codes, title="Save your recovery codes", next_url=_next_url()
    )


@bp.route("/sign-out", methods=["POST"])
@requires(is_signed_in)
def sign_out() -> Response:
    form = SubmitOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    service.sign_out(current_user)
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@requires(is_signed_in)
def sign_out_everywhere() -> Response:
    form = SubmitOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    service.sign_out_everywhere(current_user)
    flash("You have signed out on every device.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/confirm-it-is-you", methods=["GET", "POST"])
@requires(is_signed_in)
@limiter.limit(_sign_in_limit, methods=["POST"])
def confirm_identity() -> str | Response:
    form = ConfirmIdentityForm()
    if form.validate_on_submit():
        if current_user.has_two_factor and not (form.code.data or "").strip():
            form.code.errors.append("Enter the 6-digit code from your authenticator app")
        elif service.confirm_identity(current_user, form.password.data or "", form.code.data or ""):
            return redirect(_next_url())
        else:
            form.password.errors.append("Your password or security code is not right")
    return render_template(
        "auth/confirm_identity.html", form=form, title="Confirm it is you", needs_code=current_user.has_two_factor
    )


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        return _answer_then_send_link(form.email.data or "")
    return render_template("auth/forgot_password.html", form=form, title="Reset your password")


def _answer_then_send_link(email: str) -> Response:
    """'Check your email', sent before any look-up: whether the account exists, and the link it is
    sent, are worked out once the answer has gone, so the answer takes the same time for a known
    and an unknown address (security review of December 2026, finding 11)."""
    response = make_response(render_template("auth/reset_sent.html", title="Check your email"))

    @copy_current_request_context
    def after_the_answer() -> None:
        try:
            service.request_password_reset(email)
        except Exception:  # nobody is waiting for this answer: log it, never raise into the server
            db.session.rollback()
            current_app.logger.exception("password reset request failed")

    response.call_on_close(after_the_answer)
    return response


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def reset_password(token: str) -> str | Response:
    reset = service.valid_reset_token(token)
    if reset is None:
        return render_template("auth/reset_invalid.html", title="This link has expired"), 404  # type: ignore[return-value]
    form = NewPasswordForm()
    form.context = service.password_context(reset)
    if form.validate_on_submit():
        try:
            service.reset_password(reset, form.password.data or "")
        except service.ResetLinkSpentError:
            return render_template("auth/reset_invalid.html", title="This link has expired"), 404  # type: ignore[return-value]
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form, title="Choose a new password")


@bp.route("/confirm-email-change/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def confirm_email_change(token: str) -> str | Response:
    """The link sent to the old address: its owner confirms a change the administrator asked for."""
    change = offices.email_change_for_owner(token)
    if change is None:
        return render_template("auth/email_change_invalid.html", title="This link no longer works"), 404  # type: ignore[return-value]
    form = SubmitOnlyForm()
    if form.validate_on_submit():
        try:
            offices.confirm_own_email_change(change)
        except offices.OfficeError as error:
            flash(f"{error}.", "important")
            return redirect(url_for("auth.sign_in"))
        flash("Your sign-in email address has been changed. Sign in with the new address.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template(
        "auth/confirm_email_change.html", title="Confirm your new sign-in email address", change=change, form=form
    )


@bp.route("/account")
@requires(is_signed_in)
def account() -> str:
    actor = current_actor()
    return render_template(
        "auth/account.html",
        title="Your account",
        actor=actor,
        form=SubmitOnlyForm(),
        must_have_two_factor=actor is not None and actor.needs_two_factor,
    )
