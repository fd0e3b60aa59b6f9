"""Every route declares who may use it, and nothing undeclared is reachable."""

from __future__ import annotations

import uuid

from flask import Flask
from werkzeug.routing import Rule

from casetracker.security.access import route_access


def sample_url(rule: Rule) -> str:
    values: dict[str, object] = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        name = type(converter).__name__
        values[argument] = uuid.uuid4() if name == "UUIDConverter" else 1 if name == "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    with app.app_context():
        undeclared = sorted(rule.endpoint for rule in app.url_map.iter_rules() if route_access(rule.endpoint) is None)
    assert undeclared == []


def test_non_public_routes_send_visitors_to_sign_in(app: Flask) -> None:
    client = app.test_client()
    checked = 0
    with app.app_context():
        rules = [rule for rule in app.url_map.iter_rules() if not route_access(rule.endpoint).is_public]
    for rule in rules:
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(sample_url(rule), method=method)
            if method == "GET":
                assert response.status_code == 302, rule.rule
                assert response.headers["Location"].startswith("/sign-in"), rule.rule
            else:
                # A POST without a session is refused (CSRF first, then sign-in): never carried out.
                assert response.status_code in (302, 400), rule.rule
            checked += 1
    assert checked > 5


def test_an_undeclared_route_is_refused(app: Flask) -> None:
    test_app = Flask("undeclared")
    from casetracker.security.access import enforce_route_access

    test_app.before_request(enforce_route_access)

    @test_app.route("/secret")
    def secret() -> str:
        return "leaked"

    response = test_app.test_client().get("/secret")
    assert response.status_code == 404
    assert b"leaked" not in response.data
