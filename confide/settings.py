"""Confide's only settings module: every value comes from the environment.

See docs/configuration.md for each variable. Readers in ``confide.lib.env`` fail
loudly on missing or malformed values, so a misconfigured server refuses to start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

from confide.lib.env import ConfigError, env_bool, env_choice, env_int, env_list, env_str
from confide.lib.keyfiles import read_or_create_secret
from confide.witness.cosign import parse_cosigner

PACKAGE_DIR = Path(__file__).resolve().parent

CONFIDE_ENV = env_choice("CONFIDE_ENV", "development", choices=("development", "production", "test"))
PRODUCTION = CONFIDE_ENV == "production"
DATA_DIR = Path(env_str("CONFIDE_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ConfigError("SECRET_KEY must be at least 50 characters in production.")
else:
    SECRET_KEY = env_str("SECRET_KEY", "") or read_or_create_secret(DATA_DIR / "secret_key")

DEBUG = env_bool("CONFIDE_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ConfigError("CONFIDE_DEBUG cannot be true in production.")

ALLOWED_HOSTS = env_list("CONFIDE_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("CONFIDE_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("CONFIDE_CSRF_TRUSTED_ORIGINS", "")
# Reverse proxies whose X-Forwarded-* headers are believed (confide.web.proxy), and how many hops deep.
CONFIDE_TRUSTED_PROXIES = env_list("CONFIDE_TRUSTED_PROXIES", "")
CONFIDE_PROXY_COUNT = env_int("CONFIDE_PROXY_COUNT", 1 if CONFIDE_TRUSTED_PROXIES else 0)
if CONFIDE_TRUSTED_PROXIES and CONFIDE_PROXY_COUNT < 1:
    raise ConfigError("CONFIDE_PROXY_COUNT must be at least 1 when CONFIDE_TRUSTED_PROXIES names a proxy.")
if CONFIDE_PROXY_COUNT and not CONFIDE_TRUSTED_PROXIES:
    raise ConfigError("CONFIDE_PROXY_COUNT needs CONFIDE_TRUSTED_PROXIES: the addresses of the proxies to believe.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks_db",
    "ninja",  # its static files: Swagger UI for the API reference (confide/api/docs.py)
    "confide.accounts",
    "confide.practices",
    "confide.clients",
    "confide.careteams",
    "confide.invitations",
    "confide.tokens",
    "confide.portal",
    "confide.audit",
    "confide.vault",
    "confide.records",
    "confide.rulepacks",
    "confide.consent",
    "confide.disclosures",
    "confide.holds",
    "confide.breakglass",
    "confide.scheduling",
    "confide.measures",
    "confide.messaging",
    "confide.journal",
    "confide.web",
    "confide.backups",
    "confide.outbox",
    "confide.demo",  # consumes every app above; nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "confide.api.middleware.ApiProblemMiddleware",  # every error under /api/, whoever answered it
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "confide.vault.middleware.KeyCacheMiddleware",
    "confide.practices.middleware.MembershipMiddleware",
    "confide.accounts.middleware.IdleTimeoutMiddleware",
    "confide.accounts.middleware.RequireMfaMiddleware",
    "confide.web.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "confide.urls"
CSRF_FAILURE_VIEW = "confide.web.csrf.csrf_failure"  # a problem document for a script's upload
WSGI_APPLICATION = "confide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "confide.practices.context_processors.membership",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'confide.sqlite3'}")
_database: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=0))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
_database["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if CONFIDE_ENV == "test":
    # Only the test suite may trade hash cost for speed; production can never select this.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 1  # one sealed sign-in address per account (confide.accounts.identity)
ACCOUNT_ADAPTER = "confide.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "change_password": "confide.accounts.forms.RewrappingChangePasswordForm",
    "login": "confide.accounts.forms.LoginForm",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to an address without an account: it would repeat the address
# In tests allauth's own limits are off (False: an empty dict would be merged with allauth's defaults),
# so the lockout tests see django-axes alone.
# Failed sign-ins are django-axes' alone (confide.accounts.lockout): one limit, one message.
# allauth merges its defaults into this dict, and its default "login_failed" (10/m/ip, 5 per account from
# any address) would stop account B after failures for A, and lock an account from every address: None
# turns it off. Tests that check what production does set ACCOUNT_RATE_LIMITS to this value.
CONFIDE_ALLAUTH_RATE_LIMITS: dict[str, str | None] = {"reset_password": "20/m/ip,5/m/key", "login_failed": None}
ACCOUNT_RATE_LIMITS: dict[str, str | None] | bool = False if CONFIDE_ENV == "test" else CONFIDE_ALLAUTH_RATE_LIMITS
MFA_ADAPTER = "confide.accounts.adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env_str("CONFIDE_TOTP_ISSUER", "Confide")
MFA_TOTP_TOLERANCE = 1 if CONFIDE_ENV == "test" else 0
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

AXES_FAILURE_LIMIT = env_int("CONFIDE_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("CONFIDE_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and, higher, per address over every account (confide.accounts.lockout.LockoutHandler).
CONFIDE_LOCKOUT_ADDRESS_FAILURES = env_int("CONFIDE_LOCKOUT_ADDRESS_FAILURES", 30, minimum=1)
AXES_HANDLER = "confide.accounts.lockout.LockoutHandler"
# allauth calls authenticate(email=..., password=...); axes records the account as a keyed blind index
# of that e-mail, never the e-mail (with the form's "login" it once found no account at all).
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "confide.accounts.lockout.attempted_account"
AXES_SENSITIVE_PARAMETERS = ["login", "email", "password", "code"]  # masked in the stored form data
AXES_DISABLE_ACCESS_LOG = True  # it would keep every successful sign-in's e-mail; Confide audits sign-ins
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("CONFIDE_LOCKOUT_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address is REMOTE_ADDR as confide.web.proxy leaves it: the one place that trusts a proxy.
AXES_CLIENT_IP_CALLABLE = "confide.accounts.lockout.client_address"

# Idle timeouts (seconds): members handle many clients' records, so they time out sooner.
CONFIDE_MEMBER_IDLE_SECONDS = env_int("CONFIDE_MEMBER_IDLE_MINUTES", 15, minimum=1) * 60
CONFIDE_CLIENT_IDLE_SECONDS = env_int("CONFIDE_CLIENT_IDLE_MINUTES", 30, minimum=1) * 60
CONFIDE_INVITATION_HOURS = env_int("CONFIDE_INVITATION_HOURS", 72, minimum=1)
# A message a clinician has not opened after this many working days raises a prompt on their dashboard.
CONFIDE_MESSAGE_PROMPT_DAYS = env_int("CONFIDE_MESSAGE_PROMPT_DAYS", 2, minimum=1)
SESSION_ENGINE = "confide.accounts.sessions"  # sealed at rest under the master key
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- E-mail (Django 6.1 MAILERS) --------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("CONFIDE_MAIL_FROM", "Confide <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_mail_backend = env_choice("CONFIDE_MAIL_BACKEND", "smtp" if PRODUCTION else "console", choices=("smtp", "console"))
if _mail_backend == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("CONFIDE_SMTP_HOST"),
                "port": env_int("CONFIDE_SMTP_PORT", 587, minimum=1),
                "username": env_str("CONFIDE_SMTP_USER", ""),
                "password": env_str("CONFIDE_SMTP_PASSWORD", ""),
                "use_tls": env_bool("CONFIDE_SMTP_STARTTLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}}

# --- Security headers ---------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("CONFIDE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CONFIDE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("CONFIDE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # the operator chose not to preload (documented)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Static files, i18n, logging -----------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("CONFIDE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Request bodies and query strings never reach the log: only method, path and status.
    "root": {"handlers": ["console"], "level": env_str("CONFIDE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# Background jobs (client-key re-encryption): stored in the database, run by `confide db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if CONFIDE_ENV == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Vault ---------------------------------------------------------------------------
if PRODUCTION:
    CONFIDE_MASTER_KEY_FILE = Path(env_str("CONFIDE_MASTER_KEY_FILE"))
else:
    CONFIDE_MASTER_KEY_FILE = Path(env_str("CONFIDE_MASTER_KEY_FILE", str(DATA_DIR / "master.key")))

# An age identity file that opens an age-encrypted master key file (decrypted in memory only).
_age_identity = env_str("CONFIDE_MASTER_KEY_AGE_IDENTITY_FILE", "")
CONFIDE_MASTER_KEY_AGE_IDENTITY_FILE = Path(_age_identity) if _age_identity else None

# The address clients reach Confide at, for links in e-mails (reminders carry only this link).
CONFIDE_BASE_URL = env_str(
    "CONFIDE_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://localhost:8000"
).rstrip("/")

# The transparency log's origin prefix: checkpoints name "<origin>/<practice slug>/audit".
CONFIDE_LOG_ORIGIN = env_str("CONFIDE_LOG_ORIGIN", ALLOWED_HOSTS[0] if ALLOWED_HOSTS else "confide.localhost")

# The newest checkpoint each practice's log has signed, kept outside the database (beside the master key):
# the integrator never signs over a database rolled back behind it, and browsers compare against it.
CONFIDE_LOG_ANCHOR_DIR = Path(env_str("CONFIDE_LOG_ANCHOR_DIR", str(DATA_DIR / "log-anchors")))

# Independent witnesses of every practice's log (C2SP tlog-witness): each entry is "<URL> <verifier key>",
# entries comma-separated; each new checkpoint goes to every one, and clients' browsers check their cosignatures.
CONFIDE_WITNESSES: list[tuple[str, str]] = []
for _entry in env_list("CONFIDE_WITNESSES", ""):
    _url, _, _vkey = _entry.partition(" ")
    if not _url.startswith(("https://", "http://")):
        raise ConfigError(f"CONFIDE_WITNESSES: {_url!r} is not an http(s) URL (each entry is '<URL> <verifier key>').")
    try:
        parse_cosigner(_vkey)
    except ValueError as _error:
        raise ConfigError(f"CONFIDE_WITNESSES: the key after {_url} is not a witness key: {_error}.") from None
    CONFIDE_WITNESSES.append((_url.rstrip("/"), _vkey.strip()))

# Psychotherapy-note keys: Argon2id cost for the password-derived key (the test suite alone runs it cheaply).
CONFIDE_AUTHOR_KDF = (
    {"memory_kib": 8192, "time_cost": 1, "parallelism": 1}
    if CONFIDE_ENV == "test"
    else {"memory_kib": 65536, "time_cost": 3, "parallelism": 1}
)
# Optional emergency-access escrow: two age X25519 recipients; opening needs both holders' identities.
CONFIDE_ESCROW_RECIPIENTS = env_list("CONFIDE_ESCROW_RECIPIENTS", "")
# `confide backup` encrypts to these age X25519 recipients (the identities live offline, with the master key's backup).
CONFIDE_BACKUP_RECIPIENTS = env_list("CONFIDE_BACKUP_RECIPIENTS", "")
if CONFIDE_ESCROW_RECIPIENTS and len(CONFIDE_ESCROW_RECIPIENTS) != 2:
    raise ConfigError("CONFIDE_ESCROW_RECIPIENTS takes exactly two age recipients (two-person control).")
CONFIDE_DOCUMENTS_DIR = DATA_DIR / "documents"
CONFIDE_DOCUMENT_MAX_BYTES = env_int("CONFIDE_DOCUMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
