"""Settings of the bench process and of the gunicorn it starts: the project's own, as in production
(DEBUG off, cached templates), plus one page of the bench's own (`bench/urls.py`).

Never a project setting: only `bench/run.py` and `bench/load.py` point DJANGO_SETTINGS_MODULE here.
"""

import os
import secrets
import warnings

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The bench talks plain HTTP on loopback: no redirect to HTTPS, cookies without the secure flag.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

from mustafid.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# No collectstatic for a bench: static files from the source folders (the bench never requests them).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at")
