"""Test configuration: the real settings, with test-only speed-ups and fixed secrets."""

import os
import sys
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Plain http in tests: no Secure (and so no __Host-) cookies, which a browser would refuse.
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
# Under pytest-xdist each worker is a test run of its own, with its own folders: those of the
# controller, inherited through the environment, would be shared by all workers. Processes a
# test starts (gunicorn, manage.py) are not pytest: they keep the folders they are given.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and "_pytest" in sys.modules:
    os.environ.pop("DJANGO_MEDIA_ROOT", None)
    os.environ.pop("HEALTHQA_CACHE_DIR", None)
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="healthqa-test-media-"))
# One shared cache folder per test run: the processes a test starts (gunicorn, the shell) share it.
os.environ.setdefault("HEALTHQA_CACHE_DIR", tempfile.mkdtemp(prefix="healthqa-test-cache-"))

from healthqa.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Serve static files from the app folders: tests do not run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
