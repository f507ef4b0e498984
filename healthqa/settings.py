"""HealthQA settings: one file, configured by environment variables.

Local defaults are safe (SQLite, no debug unless asked for). Outside debug the process refuses
to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def refused(name: str, value: str, accepted: str) -> ImproperlyConfigured:
    """The error that stops the start: the variable, the value given and what is accepted."""
    return ImproperlyConfigured(f"{name}={value!r} cannot be read; expected {accepted}.")


def without_password(url: str) -> str:
    """The URL with any password replaced by ***, for error messages."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def env_str(name: str, default: str = "") -> str:
    """The value as given, or `default` when unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no or on/off, in any case; unset or empty gives `default`."""
    value = os.environ.get(name, "")
    word = value.strip().lower()
    if not word:
        return default
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise refused(name, value, "1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    """A whole number, at least `minimum` when given; unset or empty gives `default`."""
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    accepted = "a whole number" if minimum is None else f"a whole number of at least {minimum}"
    try:
        number = int(value)
    except ValueError as exc:
        raise refused(name, value, accepted) from exc
    if minimum is not None and number < minimum:
        raise refused(name, value, accepted)
    return number


def env_url(name: str, default: str = "", schemes: Collection[str] = ("http", "https")) -> str:
    """A URL with one of `schemes` and a host (a socket path for unix); unset or empty gives
    `default`."""
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    accepted = f"a {'/'.join(schemes)} URL with a host"
    if "unix" in schemes:
        accepted += " (a socket path for unix)"
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (reading it raises ValueError on a port that is not a number)
    except ValueError as exc:
        raise refused(name, without_password(value), accepted) from exc
    located = parts.hostname or (parts.scheme == "unix" and parts.path)
    if parts.scheme not in schemes or not located:
        raise refused(name, without_password(value), accepted)
    return value.strip()


def env_database(name: str, default: str, **options: Any) -> dict[str, Any]:
    """Django's DATABASES entry for the URL in `name` (dj-database-url); unset or empty gives
    `default`."""
    value = os.environ.get(name, "").strip() or default
    try:
        return dict(dj_database_url.parse(value, **options))
    except ValueError as exc:
        accepted = f"a database URL dj-database-url can read ({exc})"
        raise refused(name, without_password(value), accepted) from exc


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated items, spaces around each removed, empty ones dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    missing = [
        name
        for name, value in (
            ("DJANGO_SECRET_KEY", SECRET_KEY),
            ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} must be set when DJANGO_DEBUG is off. "
            "For local development run with DJANGO_DEBUG=1 (make run does this)."
        )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "healthqa.apps.HealthQAAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "healthqa.apps.TagsConfig",
    "sorl.thumbnail",
    "simple_history",
    "axes",
    "ninja",
    "healthqa.apps.HealthQAConfig",
    "experts.apps.ExpertsConfig",
    "articles.apps.ArticlesConfig",
]

MIDDLEWARE = [
    # First: the API's CORS, keys, rate limit and JSON errors (/api/ only), so that every API
    # request is counted, page cache hits too.
    "healthqa.api.middleware.ApiMiddleware",
    # Then: a page cache hit for an anonymous reader is answered here, with the headers the
    # middleware below gave the page when it was rendered (see healthqa/pagecache/).
    "healthqa.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    "healthqa.public.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "healthqa.urls"
WSGI_APPLICATION = "healthqa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "healthqa.public.context_processors.site",
                "healthqa.public.context_processors.publisher_pages",
            ],
        },
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while a writer commits; busy timeout avoids "database is locked".
    # Connections are kept (DATABASE_CONN_MAX_AGE) as on PostgreSQL: opening one and running its
    # PRAGMAs costs about as much as a page's queries.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Ours, on redis-py's public API: Django's cache API, one client per process.
            "BACKEND": "healthqa.pagecache.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "healthqa",
        }
    }
    CACHES["pages"] = CACHES["default"]
else:
    # Without Redis: caches on local disk (diskcache, SQLite underneath) that every process on
    # this machine shares, so that pages, invalidations, rate limits and lockouts hold across
    # workers, the shell and cron jobs. A second machine needs REDIS_URL. Stored pages have a
    # cache of their own: when they fill it, the oldest pages go, never a rate-limit count.
    HEALTHQA_CACHE_DIR = Path(env_str("HEALTHQA_CACHE_DIR", str(BASE_DIR / "var" / "cache")))
    CACHES = {
        alias: {
            "BACKEND": "healthqa.pagecache.disk.DiskCache",
            "LOCATION": str(HEALTHQA_CACHE_DIR / alias),
            "TIMEOUT": 300,
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 1.0,
            "OPTIONS": {"size_limit": size_mb * 2**20},
        }
        for alias, size_mb in [
            ("default", 256),
            ("pages", env_int("HEALTHQA_CACHE_SIZE_MB", 1024, minimum=16)),
        ]
    }

# Caching proxies and CDNs in front (README, Operators: caching). With a purger (Varnish with
# deploy/varnish.vcl), changed pages are purged by key and proxies may keep pages for a day;
# without one, a proxy may serve a page this many seconds after it changed.
HEALTHQA_PURGE_URL = env_url("HEALTHQA_PURGE_URL", "")
HEALTHQA_PROXY_MAX_AGE = env_int(
    "HEALTHQA_PROXY_MAX_AGE", 86400 if HEALTHQA_PURGE_URL else 10, minimum=0
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve media from Django itself (development, small single-host installs). Large sites put media
# on object storage or behind the web server and turn this off.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)

# Image renditions (sorl-thumbnail): made once on first use, written next to the uploads under
# cache/, remembered in the Django cache only (no query per image; see healthqa/thumbnail_store.py).
THUMBNAIL_KVSTORE = "healthqa.core.thumbnail_store.CacheKVStore"
THUMBNAIL_CACHE = "default"
THUMBNAIL_QUALITY = 82
THUMBNAIL_UPSCALE = False
THUMBNAIL_PRESERVE_FORMAT = False

# Uploaded images: formats detected by Pillow, not by the file name.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000, minimum=1)

# Moderation and reader forms.
# How many proxies in front of the app append to X-Forwarded-For (0: trust only REMOTE_ADDR).
HEALTHQA_TRUSTED_PROXY_COUNT = env_int("HEALTHQA_TRUSTED_PROXY_COUNT", 0, minimum=0)
# Public forms (/ask/, reports): at most this many posts per client per period (seconds).
HEALTHQA_FORM_RATE_LIMIT = env_int("HEALTHQA_FORM_RATE_LIMIT", 5, minimum=1)
HEALTHQA_FORM_RATE_PERIOD = env_int("HEALTHQA_FORM_RATE_PERIOD", 3600, minimum=1)
# The public API (/api/v1/): requests per minute per client, and for a partner key's holder
# unless the key says otherwise (README, Partners).
HEALTHQA_API_RATE_LIMIT = env_int("HEALTHQA_API_RATE_LIMIT", 120, minimum=1)
HEALTHQA_API_PARTNER_RATE_LIMIT = env_int("HEALTHQA_API_PARTNER_RATE_LIMIT", 1200, minimum=1)
# "Was this helpful?": one vote per answer per browser session, and per client address per this
# many seconds (a client without cookies gets a new session with every post).
HEALTHQA_VOTE_PERIOD = env_int("HEALTHQA_VOTE_PERIOD", 3600, minimum=1)
# Readers' names and email addresses (/ask/) and report details are kept this many days, then
# `manage.py erase_personal_data` (run daily) erases them; the privacy notice says so.
HEALTHQA_PERSONAL_DATA_DAYS = env_int("HEALTHQA_PERSONAL_DATA_DAYS", 180, minimum=1)
# Answers and articles not reviewed for this many days are listed in the review-due report.
HEALTHQA_REVIEW_INTERVAL_DAYS = env_int("HEALTHQA_REVIEW_INTERVAL_DAYS", 365, minimum=1)
# Experts whose credentials were last verified longer ago than this many days are listed there
# for re-verification.
HEALTHQA_EXPERT_REVERIFY_DAYS = env_int("HEALTHQA_EXPERT_REVERIFY_DAYS", 365, minimum=1)
# An open admin change page tells the server every this many seconds that it is still open, so
# that others editing the same object are warned; an entry expires after three missed beats.
HEALTHQA_EDITING_HEARTBEAT = env_int("HEALTHQA_EDITING_HEARTBEAT", 20, minimum=1)

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "HealthQA <no-reply@healthqa.local>")

LOGIN_URL = "admin:login"

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
# Pages and uploads are for this origin only; nothing here is meant to be embedded elsewhere.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    if SESSION_COOKIE_SECURE:
        # __Host- cookies are bound to this host, HTTPS and path /: no subdomain can set them.
        SESSION_COOKIE_NAME = "__Host-sessionid"
        CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy (django-csp): no inline script anywhere; scripts and styles from here.
# default-src 'none' so that any kind of resource not listed below (frames, workers, media,
# manifests, ...) is refused rather than allowed from this origin; a new kind must be added here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Admin login lockout (django-axes): 5 failures for a username from one address, then 429 for
# the cool-off period, even with the right password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The forms' 429 page, with Retry-After and Cache-Control: no-store.
AXES_LOCKOUT_CALLABLE = "healthqa.public.ratelimit.login_locked_out"
AXES_RESET_ON_SUCCESS = True
# Failures are counted where every worker sees them: in Redis when there is one, otherwise in the
# database rather than the disk cache, which culls the oldest entries when pages fill it. The
# database also keeps the attempts that superusers read and reset in the admin (AccessAttempt).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_CLIENT_IP_CALLABLE = "healthqa.public.ratelimit.client_ip"

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A foreign Host header gets its 400; a scanner sending many must not fill the log.
        "disallowed_host": {
            "()": "healthqa.core.logging.DisallowedHostFilter",
            "client_ip": "healthqa.public.ratelimit.client_ip",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.security.DisallowedHost": {"filters": ["disallowed_host"]}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
