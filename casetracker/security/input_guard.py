"""Refuse input no form of ours can send, before any view sees it.

A NUL character can never be typed into a form, and PostgreSQL refuses it in text: such a request
gets the 'problem with your request' page instead of a database error. Our forms post
url-encoded or multipart bodies only; anything else (JSON, say) is refused too. So is a multipart
part without a field name (Werkzeug files it under None, which CSRF protection cannot read).
"""

from __future__ import annotations

from flask import Flask, abort, request

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", ""})


def init_app(app: Flask) -> None:
    def reject_impossible_input() -> None:
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype not in FORM_TYPES:
            abort(400)
        for source in (request.args, request.form) if request.method == "POST" else (request.args,):
            for key, values in source.lists():
                if key is None or any("\x00" in value for value in values):
                    abort(400)
        if request.method == "POST" and None in request.files:
            abort(400)
        if "\x00" in request.path:
            abort(400)

    # First of all, before CSRF protection and the rate limiter read the form.
    app.before_request_funcs.setdefault(None, []).insert(0, reject_impossible_input)
