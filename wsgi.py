"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import sys

from casetracker import create_app

# `flask --app wsgi keys init` creates the keyring, so it is the one start that cannot check it.
_creating_keyring = sys.argv[-2:] == ["keys", "init"]

app = create_app(check_keys=not _creating_keyring)
