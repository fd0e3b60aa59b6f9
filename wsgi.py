"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from casetracker import create_app

app = create_app()
