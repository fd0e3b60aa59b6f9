"""Refuse input no form of ours can send, before any view sees it.

A NUL character can never be typed into a form, and PostgreSQL refuses it in text: such a request
gets the 'problem with your request' page instead of a database error. Our forms post
url-encoded or multipart bodies only; anything else (JSON, say) is refused too.
"""

from __future__ import annotations

from flask import Flask, abort, request

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", ""})


def init_app(app: Flask) -> None:
    @app.before_request
    def reject_impossible_input() -> None:
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype not in FORM_TYPES:
            abort(400)
        for source in (request.args, request.form) if request.method == "POST" else (request.args,):
            for _, values in source.lists():
                if any("\x00" in value for value in values):
                    abort(400)
        if "\x00" in request.path:
            abort(400)
