"""Settings for Samling, in one module, read from the environment.

Every variable is listed in README.md. The defaults are the embedded development set-up:
SQLite, the in-process live bus and eager Celery tasks, so `make run` needs nothing installed.
With DEBUG off, the strict production checks apply (`manage.py check --deploy`).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "workshops",
    "exercises",
    "platforms",
    "accounts",
    "library",
    "live",
    "personal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.account_menu",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    prepared_statements = env_bool("DATABASE_PREPARED_STATEMENTS", True)
    # A pool bounds the connections however many phones connect at once: a room joining in
    # the same second borrows and returns a few connections instead of opening hundreds.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=0),
            "max_size": env_int("DATABASE_POOL_MAX", 20, minimum=1),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 20, minimum=1),
        },
        # Parameters bound on the server let psycopg prepare a statement it has sent twice on a
        # connection, so PostgreSQL stops planning it again: a phone's lookup (five tables)
        # took longer to plan than to run, and preparing it more than halved PostgreSQL's CPU
        # time per submitted word (figures in docs/performance.md). Behind PgBouncer in
        # transaction mode, which cannot keep prepared statements, set
        # DATABASE_PREPARED_STATEMENTS=false.
        "server_side_binding": prepared_statements,
        "prepare_threshold": 2 if prepared_statements else None,
    }
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Live days write from several requests at once; wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
# A Redis that has gone away costs a request a second at most, not a TCP timeout and redis-py's
# ten retries (3 s): one quick retry (a pooled connection from before a Redis restart), then the
# app goes on without it (workshops/bus.py). Used by the cache and the live bus.
REDIS_CLIENT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "retry": Retry(NoBackoff(), 1),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CLIENT_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker the tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child that has grown past this (KiB) is replaced after its current task: WeasyPrint
# renders are big, and a slow leak must not take the machine (tests/bench/poster.py measures).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", 512_000, minimum=50_000
)

# PDFs (posters, programme reports) are made in a child process of their own, which stops at
# RENDER_TIME_LIMIT seconds or RENDER_MEMORY_LIMIT_MB of address space and says which
# (platforms/pdf.py): the worker above only replaces a child after its task, so it cannot
# stop a render that is growing. The demo poster takes far less than the time limit
# (docs/performance.md).
RENDER_TIME_LIMIT = env_int("RENDER_TIME_LIMIT", 60, minimum=1)
# Much lower and not even a small poster fits (docs/performance.md).
RENDER_MEMORY_LIMIT_MB = env_int("RENDER_MEMORY_LIMIT_MB", 1024, minimum=256)
# A render under way says it is alive every RENDER_LOST_AFTER / 3 seconds; a job "rendering"
# with no sign of life for RENDER_LOST_AFTER seconds has lost its worker (killed, its host
# restarted), and is queued again when someone looks at it or by beat (platforms/jobs.py).
RENDER_LOST_AFTER = env_int("RENDER_LOST_AFTER", 30, minimum=6)
# Redis hands an unacknowledged message (its worker died) to another worker only after this
# many seconds: a few times the longest task (a render's Celery hard limit, RENDER_TIME_LIMIT
# + 60 s, and the retries' longest wait, 120 s), so a slow task is never handed out twice, and
# far less than Redis's default hour. A job still queued after it has lost its message (the
# broker was down when it was sent) and is sent again (platforms/jobs.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int(
        "CELERY_VISIBILITY_TIMEOUT", 5 * (RENDER_TIME_LIMIT + 60), minimum=RENDER_TIME_LIMIT + 180
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workshops:programme_list"
LOGOUT_REDIRECT_URL = "login"
# People sign in with their e-mail address as well as a user name (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.EmailBackend",
]

# Anyone may sign up a new organisation (verified by e-mail) unless this is off, as on a hosted
# installation that onboards its customers itself.
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", True)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
# Wrong passwords before the waits begin (accounts/throttle.py): per account, and per address,
# where a whole venue or office may share one.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50, minimum=1)

# Single sign-on with OpenID Connect (Microsoft Entra ID or another provider): on only when
# OIDC_CLIENT_ID is set, and then every endpoint must be set too.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME")
OIDC_ISSUER = env_str("OIDC_ISSUER")
OIDC_REQUIRE_EMAIL_VERIFIED = env_bool("OIDC_REQUIRE_EMAIL_VERIFIED", True)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
    _missing = [
        variable
        for variable, value in [
            ("OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
            ("OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT),
        ]
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"OIDC_CLIENT_ID is set, so single sign-on needs {', '.join(_missing)} too."
        )
    if not OIDC_REQUIRE_EMAIL_VERIFIED and not OIDC_ISSUER:
        raise ImproperlyConfigured(
            "OIDC_REQUIRE_EMAIL_VERIFIED=false trusts the provider's addresses: pin the provider "
            "with OIDC_ISSUER."
        )
    OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
    OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = 10
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
    AUTHENTICATION_BACKENDS.append("accounts.oidc.MemberBackend")

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "samling_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# The duties on a schedule, run by Celery beat (`celery -A config beat`) where there is a broker:
# two daily ones between the days, at these times of day in TIME_ZONE, and the check for lost
# PDF jobs every minute. All are idempotent: a run missed while beat was down is made up by the
# next, and a repeated one changes nothing. Without a broker, cron runs the daily ones as
# `manage.py purge_expired_content` and `send_checkin_reminders` (a PDF job there runs in the
# web process, and looking at it is what brings a lost one back).
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Deletes participants' content of programmes whose retention period has ended.
    "purge-expired-content": {
        "task": "personal.tasks.purge_expired_content",
        "schedule": crontab(hour=3, minute=30),
    },
    # Queues again the PDF jobs whose worker died (see RENDER_LOST_AFTER).
    "recover-lost-renders": {
        "task": "platforms.tasks.recover_lost_renders",
        "schedule": 60.0,
    },
    # Reminds those who have not checked in, two days before each day (once per person).
    "remind-upcoming-days": {
        "task": "workshops.tasks.remind_upcoming_days",
        "schedule": crontab(hour=9, minute=0),
        "kwargs": {"days_ahead": 2},
    },
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
if DEBUG:
    # In development WhiteNoise serves straight from the app folders; no collectstatic needed.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
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

# Mail goes to the console in development unless SMTP is configured (Django 6.1's MAILERS
# setting). With DEBUG off it always goes over SMTP, to a local relay unless EMAIL_HOST is set:
# the console would print participants' personal links into the server's logs.
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": 20},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samling <samling@localhost>")

# A strict policy: no inline scripts or styles, nothing from other origins. htmx is told not to
# inject its indicator <style> (see base.html), so 'self' is enough.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole registrable domain to HTTPS in browsers and takes months to
        # undo, so it is the operator's opt-in; without it, check --deploy would warn (W021).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Bursts of submissions redraw the projector at most this often (seconds); 0 publishes at once.
LIVE_COALESCE_SECONDS = float(env_int("LIVE_COALESCE_MS", 200, minimum=0)) / 1000

# Codes typed on phones (join codes, personal codes), see workshops/throttle.py: wrong ones an
# address may send per day before each further one makes it wait (2, 4, 8 … s, at most the
# maximum); wrong ones per minute from all addresses before every wrong answer is delayed; and
# phones one address may bring into days per day.
JOIN_WRONG_CODES_FREE = env_int("JOIN_WRONG_CODES_FREE", 30, minimum=1)
JOIN_WAIT_MAX_SECONDS = env_int("JOIN_WAIT_MAX_SECONDS", 15 * 60, minimum=1)
JOIN_GLOBAL_WRONG_PER_MINUTE = env_int("JOIN_GLOBAL_WRONG_PER_MINUTE", 600, minimum=1)
JOIN_GLOBAL_DELAY_SECONDS = env_int("JOIN_GLOBAL_DELAY_SECONDS", 2, minimum=0)
JOINS_PER_ADDRESS_PER_DAY = env_int("JOINS_PER_ADDRESS_PER_DAY", 500, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of a render at INFO; only its warnings are news.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
