"""A separate process that appends audit events (for the concurrency test): URL KEY_FILE COUNT."""

from __future__ import annotations

import sys
import uuid

from sqlalchemy.exc import OperationalError

from casetracker import audit, create_app
from casetracker.extensions import db
from config import TestConfig


def main(url: str, key_file: str, count: int) -> None:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        KEY_FILE = key_file

    app = create_app(Config)
    with app.app_context():
        for _ in range(count):
            # Like a browser retrying after a 503: SQLite may give up waiting under 50-way contention.
            for attempt in range(3):
                try:
                    audit.record("case.viewed", object_type="case", object_id=uuid.uuid4())
                    db.session.commit()
                    break
                except OperationalError:
                    db.session.rollback()
                    if attempt == 2:
                        raise
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
