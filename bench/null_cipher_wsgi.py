"""WSGI entry point for bench/http_load.py only: the app with the null cipher (no field encryption).

`gunicorn --pythonpath bench null_cipher_wsgi:app` serves the same app as `wsgi:app`, except that
case fields are read and written without AES-GCM (crypto.NullCipher, as bench/encryption_cost.py
uses in-process). Data keys are still unwrapped with the keyring's key-encryption key. It can
only read cases that were written with the null cipher: bench/synthetic.py seeds one (`null20`).
Never use it for anything else.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from casetracker import crypto
from wsgi import app

app.extensions["keyring"].cipher = crypto.NullCipher()

__all__ = ["app"]
