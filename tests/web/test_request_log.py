"""The development server's request log names no client and carries no token (issue 17, point 8)."""

from __future__ import annotations

import logging
import threading
from http.client import HTTPConnection

import pytest
from flask import Flask
from werkzeug.serving import make_server


def test_the_development_server_logs_no_address_token_or_query(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (
                "/reset-password/SECRETTOKEN123",
                "/confirm-email-change/SIGNED.TOKEN",
                "/whistleblowing?from=QQQ",
            ):
                connection = HTTPConnection("127.0.0.1", server.server_port, timeout=10)
                connection.request("GET", path)
                connection.getresponse().read()
                connection.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("GET /reset-password/[token]" in line for line in lines)
    assert any("GET /whistleblowing " in line for line in lines)
    text = "\n".join(lines)
    assert "127.0.0.1" not in text and "SECRETTOKEN123" not in text and "SIGNED.TOKEN" not in text and "QQQ" not in text
