"""The development server's request log, without what could identify or unlock anything.

Werkzeug's server (`make run`, `flask run`) logs every request with the client's address and the
full path. For a whistleblowing concern the address could link the anonymous reporter to a
device; a password-reset or email-change path carries a working token. So the log keeps the
method, the path with any token replaced and no query string, the status and the size; never the
address (security review of December 2026, finding 13; issue 17, point 8). gunicorn, in
production, writes no access log at all.
"""

from __future__ import annotations

import logging
import re

# "<address> - - [<time>] <message>": werkzeug puts the address first in every line it logs.
_ADDRESS = re.compile(r"^\S+ - - ")
_TOKEN_PATHS = re.compile(r"/(reset-password|confirm-email-change)/[^\s?#]+")
_QUERY = re.compile(r"\?[^\s#]*")

REDACTED = "[token]"


def redact_request_line(line: str) -> str:
    """The request line with every token and query string taken out."""
    return _QUERY.sub("", _TOKEN_PATHS.sub(lambda match: f"/{match.group(1)}/{REDACTED}", line))


class RequestLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _ADDRESS.sub("", record.msg)
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact_request_line(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def install() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, RequestLogFilter) for existing in logger.filters):
        logger.addFilter(RequestLogFilter())
