"""Settings for manage.py subprocesses started by the digest's filedb test: mail is written to
files in ENTREGENT_TEST_MAIL_DIR, where the test reads what the worker sent."""

from __future__ import annotations

import os

from entregent.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["ENTREGENT_TEST_MAIL_DIR"]
