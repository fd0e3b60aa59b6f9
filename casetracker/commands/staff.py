"""`flask --app wsgi staff import FILE.csv` (the import itself lives in services.staff_import)."""

from __future__ import annotations

import click

group = click.Group("staff", help="The staff directory.")
