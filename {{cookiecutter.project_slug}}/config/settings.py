"""Django settings for the {{ cookiecutter.project_slug }} project.

In the order `django-admin startproject` writes them, then this project's
own. Every value that differs between machines is read from the environment
(or from the `.env` file beside manage.py) with django-environ, so one
settings file serves development, tests and production.

https://docs.djangoproject.com/en/6.1/topics/settings/
https://docs.djangoproject.com/en/6.1/ref/settings/
"""

import logging
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
import sentry_sdk
from django.utils.csp import CSP

from config import logs

# Django's generic classes accept type arguments, as the type checker expects.
django_stubs_ext.monkeypatch()

# The folder that holds manage.py.
BASE_DIR = Path(__file__).resolve().parent.parent

# Any variable can instead name a file holding its value, VAR_FILE=/path, the way
# containers receive secrets (/run/secrets/...), so secrets stay out of the environment.
env = environ.FileAwareEnv()
# Values already in the environment win over the file, so containers and CI
# can override any line of it.
env.read_env(BASE_DIR / ".env")


# Core
# https://docs.djangoproject.com/en/6.1/howto/deployment/checklist/

# Signs sessions, password reset links and tokens; never commit a real one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")

# Off unless the environment turns it on: a forgotten variable then fails safe.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Without a real key the site must not start: say so in one line (sys.exit
# prints it), rather than a traceback. Weak means what `check --deploy` calls
# weak: under 50 characters, under 5 different ones, or Django's insecure default.
if not SECRET_KEY:
    sys.exit("DJANGO_SECRET_KEY is not set: put a long random value in .env or the environment.")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    sys.exit(
        "DJANGO_SECRET_KEY is too weak for production (a placeholder or under 50 characters): "
        "set 50 or more random characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

# Host names this site answers to (comma-separated in the environment).
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])


# Applications
# https://docs.djangoproject.com/en/6.1/ref/settings/#installed-apps

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so runserver serves files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Accounts: sign-up, login, email addresses and their verification.
    "allauth",
    "allauth.account",
    # Locks logins after repeated wrong passwords.
    "axes",
    "django_htmx",
    # Structured logs: a request id on every line (config/request_log.py).
    "django_structlog",
{%- if cookiecutter.use_drf is yes %}
    # The API layer, added on top of Django once Django itself is set up.
    "rest_framework",
{%- if cookiecutter.api_auth == "token" %}
    "rest_framework.authtoken",
{%- endif %}
    # Cross-origin access to the API for front ends on other origins.
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    # Swagger UI and ReDoc files served from this site, so the docs work offline.
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    # Accounts through the API, on allauth's (its sign-up needs the social accounts app).
    "allauth.socialaccount",
    "dj_rest_auth",
    "dj_rest_auth.registration",
{%- endif %}
{%- if cookiecutter.background_tasks == "database" %}
    # The queue of background tasks, and their results in the admin.
    "django_tasks_db",
{%- endif %}
    # This project's own apps.
    "users",
{%- if cookiecutter.example_app is yes %}
    "library",
{%- endif %}
{%- if cookiecutter.use_drf is yes %}
    # The API: its routes, and the request counts its rate limits keep.
    "api",
{%- endif %}
]

MIDDLEWARE = [
    # Prometheus' counts and times of every answer and query (config/metrics.py);
    # first, so it times the work of all the others.
    "config.metrics.request_metrics",
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware: serves static files before other work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header (SECURE_CSP below) on every page.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # The Permissions-Policy and Cross-Origin-Resource-Policy headers (below).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "config.headers.cross_origin_resource_policy",
{%- if cookiecutter.use_drf is yes %}
    # Before anything that can answer a request (CommonMiddleware), so those
    # answers carry the cross-origin headers too.
    "corsheaders.middleware.CorsMiddleware",
{%- endif %}
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Each request's id, on its log lines and in its answer (config/request_log.py);
    # after AuthenticationMiddleware, so the lines name the user.
    "django_structlog.middlewares.RequestMiddleware",
    "config.request_log.request_id_header",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # request.htmx: whether a request comes from htmx (the page updating a part of itself).
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide templates (the base layout and the home page).
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The request's CSP nonce, for the few inline <script> and <style> blocks.
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


# Database
# https://docs.djangoproject.com/en/6.1/ref/settings/#databases
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url

# SQLite in the project folder unless DATABASE_URL names another database,
# e.g. postgres://user:password@localhost:5432/name
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A password kept out of the URL, e.g. DATABASE_PASSWORD_FILE=/run/secrets/... in compose.
if database_password := env.str("DATABASE_PASSWORD", default=""):
    DATABASES["default"]["PASSWORD"] = database_password
# Connection options by database engine; options given in DATABASE_URL (?timeout=5) win.
engine_options: dict[str, dict[str, Any]] = {
    # Several server processes can share the file: readers never wait for a writer
    # (WAL), a transaction takes the write lock when it starts, so two never deadlock
    # upgrading theirs, and a writer waits up to 20 s for the lock instead of failing.
    "django.db.backends.sqlite3": {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    },
    # A server that stops answering fails a request (and /health/, with 503)
    # within seconds, instead of holding a worker until gunicorn kills it.
    "django.db.backends.postgresql": {"connect_timeout": 5},
}
DATABASES["default"]["OPTIONS"] = {
    **engine_options.get(DATABASES["default"]["ENGINE"], {}),
    **DATABASES["default"].get("OPTIONS", {}),
}
# Keep connections open between requests, checking them before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


# Password validation
# https://docs.djangoproject.com/en/6.1/ref/settings/#auth-password-validators

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Internationalization
# https://docs.djangoproject.com/en/6.1/topics/i18n/

LANGUAGE_CODE = "en-us"

TIME_ZONE = "{{ cookiecutter.timezone }}"

USE_I18N = True

USE_TZ = True


# Static files (CSS, JavaScript, Images)
# https://docs.djangoproject.com/en/6.1/howto/static-files/
# https://whitenoise.readthedocs.io/en/stable/django.html

STATIC_URL = "static/"

# Where collectstatic gathers every file for whitenoise to serve.
STATIC_ROOT = BASE_DIR / "staticfiles"

STATICFILES_DIRS = [BASE_DIR / "static"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with content hashes in their names, cached forever.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


# Email
# https://docs.djangoproject.com/en/6.1/topics/email/#topic-email-configuration

# Printed to the console while developing; sent over SMTP in production.
MAILERS: dict[str, dict[str, Any]]
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("DJANGO_EMAIL_HOST", default="localhost"),
                "port": env.int("DJANGO_EMAIL_PORT", default=25),
                "username": env.str("DJANGO_EMAIL_HOST_USER", default=""),
                "password": env.str("DJANGO_EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
            },
        },
    }
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default={{ cookiecutter.email | python_string }})


# ---------------------------------------------------------------------------
# This project's own settings, beyond what startproject writes.

# Users and accounts
# https://docs.djangoproject.com/en/6.1/topics/auth/customizing/#substituting-a-custom-user-model
# https://docs.allauth.org/en/latest/account/configuration.html

# Set before the first migration: switching later is hard.
AUTH_USER_MODEL = "users.User"

AUTHENTICATION_BACKENDS = [
    # First, so an account locked for this address (below) cannot log in at all.
    "axes.backends.AxesStandaloneBackend",
    # A username and password: the admin's login, and the API's.
    "django.contrib.auth.backends.ModelBackend",
    # The site's login, by username or email address.
    "allauth.account.auth_backends.AuthenticationBackend",
]

# The site's own pages (allauth's, in the site's layout): a view that needs a
# login sends people there, and they come back to the home page.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# "mandatory": no login until the address is confirmed from the email sent to
# it; "optional" while developing (the email is printed to the console).
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
# Failed logins are counted by django-axes, in the database, for every process
# at once; allauth would count them again in each process's own cache.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
{%- if cookiecutter.background_tasks != "none" %}
# Its emails (verification, password reset) are sent by a background task.
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
{%- endif %}

# Lockout after repeated wrong passwords, for every login (the site's, the
# admin's{% if cookiecutter.use_drf is yes %} and the API's{% endif %}): one account, from one address, for a while.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# The pair, not each alone: a guesser cannot lock an account for everyone else.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A right password before the limit starts the count again.
AXES_RESET_ON_SUCCESS = True
# The answer: a page on the site, JSON on the API (429, with Retry-After).
AXES_LOCKOUT_CALLABLE = "users.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

# How many proxies in front of the site append to X-Forwarded-For: the
# client's address is read from there. 0 uses the connection's address, which a
# client cannot forge to escape a lockout{% if cookiecutter.use_drf is yes %} or a rate limit{% endif %}.
num_proxies = env.int("DJANGO_NUM_PROXIES", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if num_proxies else ["REMOTE_ADDR"]
AXES_IPWARE_PROXY_COUNT = num_proxies or None


# Security
# https://docs.djangoproject.com/en/6.1/ref/middleware/#module-django.middleware.security
# Strict whenever DEBUG is off; each can still be relaxed from the environment.

# Origins allowed to send unsafe requests over HTTPS, e.g. https://example.com.
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Trust X-Forwarded-Proto from the proxy that terminates HTTPS in front of gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Health checks come over plain HTTP from inside the host or container.
SECURE_REDIRECT_EXEMPT = [r"^health/(live/)?$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: browsers load scripts, styles, images and fonts from
# this site only, and run inline <script> or <style> blocks only when they carry
# the request's nonce (the csp_nonce_attr template tag), so injected markup cannot run.
# https://docs.djangoproject.com/en/6.1/ref/csp/
SECURE_CSP = {
    # Anything not named below (objects, frames, media, ...) is refused.
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
{%- if cookiecutter.use_drf is yes %}
    "style-src": [
        CSP.SELF,
        CSP.NONCE,
        # ReDoc's bundle inserts perfect-scrollbar's <style> (first empty) before
        # it can know the nonce: their hashes. A new ReDoc release may change them.
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ],
    # style="..." attributes take no nonce; DRF's browsable API uses a few.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    # Swagger UI's stylesheet draws its icons as data: SVG images.
    "img-src": [CSP.SELF, "data:"],
{%- else %}
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
{%- endif %}
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
{%- if cookiecutter.use_drf is yes %}
    # ReDoc builds its search index in a Worker made from a blob: URL.
    "worker-src": ["blob:"],
{%- endif %}
    # Not covered by default-src: forms post only here, no framing, no <base>.
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}

# Permissions Policy: the browser features no page of the site uses (camera,
# location, payment, ...) are denied to every page, and to anything injected.
# https://github.com/adamchainz/django-permissions-policy
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "usb": [],
    "xr-spatial-tracking": [],
}


# Logging: everything to the console, where runserver, gunicorn and
# docker compose logs all pick it up, each line once. With DEBUG off, each
# line is one JSON object (time, level, logger, message, request_id, user_id,
# ...) for a log system to read; in development, a readable line
# (config/logs.py). Django's lines and the project's look the same.
# https://docs.djangoproject.com/en/6.1/topics/logging/
# https://django-structlog.readthedocs.io/en/latest/getting_started.html

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Container health checks and load balancers ask for /health/ every few
        # seconds: logging each would bury the requests people make.
        "no_health_checks": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: "/health/" not in record.getMessage(),
        },
    },
    "formatters": {
        "structured": logs.formatter(DEBUG),
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured", "filters": ["no_health_checks"]},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's loggers print through the console handler above, not also
        # through their own (Django's default set-up), which would print each line twice.
        "django": {"handlers": [], "level": "INFO"},
        # runserver's request lines; Django's default keeps them from the console handler.
        "django.server": {"handlers": [], "propagate": True},
        # A line per request: the access log of production (gunicorn writes none).
        # In development runserver writes its own.
        "django_structlog": {"level": "WARNING" if DEBUG else "INFO"},
    },
}
logs.configure_structlog()
# The request lines name no address: one forged X-Forwarded-For away from a lie, and personal data.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# One line per request, when it is answered; a 4xx is no warning (Django's own
# django.request line already says what was not found or forbidden).
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_STATUS_4XX_LOG_LEVEL = logging.INFO

# Error reports, only when SENTRY_DSN names a project (Sentry's, or another
# service that speaks its protocol): unhandled errors, with the request id, and
# without personal data (passwords, tokens, cookies and secrets are scrubbed).
# Unset, nothing is sent anywhere.
# https://docs.sentry.io/platforms/python/integrations/django/
if sentry_dsn := env.str("SENTRY_DSN", default=""):
    sentry_sdk.init(
        dsn=sentry_dsn,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        send_default_pii=False,
        # The stack frames' local variables can hold any secret under any name
        # (a session key, a query's parameters): the report leaves them out.
        include_local_variables=False,
    )
{%- if cookiecutter.use_drf is yes %}
{% include "settings/api.py" %}
{%- endif %}
{%- if cookiecutter.background_tasks == "database" %}
{% include "settings/tasks.py" %}
{%- elif cookiecutter.background_tasks == "celery" %}
{% include "settings/celery.py" %}
{%- endif %}
