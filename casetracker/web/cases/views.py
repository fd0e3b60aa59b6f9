"""Case pages. (The case page itself arrives with the case-management journey.)"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort
from flask_login import current_user

from casetracker.domain.policy import is_signed_in
from casetracker.extensions import db
from casetracker.security.access import current_actor, requires
from casetracker.services import attachments
from casetracker.services.case_access import CaseNotFoundError, attachment_for

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/<uuid:case_id>/attachments/<uuid:attachment_id>")
@requires(is_signed_in)
def download_attachment(case_id: uuid.UUID, attachment_id: uuid.UUID) -> Response:
    """Evidence always downloads as a file (never shown inline), under a safe generated name."""
    actor = current_actor()
    assert actor is not None
    try:
        attachment = attachment_for(actor, case_id, attachment_id)
    except CaseNotFoundError:
        abort(404)
    stored = attachments.read(current_user.id, attachment)
    db.session.commit()  # the download is audited before a byte is sent
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
