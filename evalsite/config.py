"""Settings from environment variables, with safe development defaults.

There is no default secret: without ``SECRET_KEY`` the app starts only in the
explicit development mode (``EVALSITE_ENV=development``), which then keeps a
random secret of its own in ``instance/secret_key`` (mode 0600) and serves only
clients on this machine (127.0.0.1, ::1).  Any other start without a secret,
or with a publicly known one, is refused before anything is served.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

DEV_SECRET = "dev-secret-change-me"  # the old public development value: refused everywhere
# secrets anyone can read in this repository or its history; a cookie signed with them must never open a page
KNOWN_SECRETS = {DEV_SECRET, "change-me", "secret", "dev", "development"}
MIN_SECRET_LENGTH = 16
SECRET_FILE = "secret_key"
ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the settings are unsafe or inconsistent."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "evalsite.db")


def from_env(instance_path: str) -> dict:
    """Build the config mapping from the environment."""
    env = (os.environ.get("EVALSITE_ENV") or os.environ.get("FLASK_ENV") or "").strip().lower()
    cfg = {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(Path(instance_path) / "uploads"),
        # where stored files live (evalsite/storage.py): a local folder unless STORAGE_URL names s3://bucket/prefix
        "STORAGE_URL": os.environ.get("STORAGE_URL") or None,
        "STORAGE_DIR": os.environ.get("STORAGE_DIR") or str(Path(instance_path) / "files"),
        "STORAGE_ENDPOINT_URL": os.environ.get("STORAGE_ENDPOINT_URL") or None,
        "STORAGE_REGION": os.environ.get("STORAGE_REGION") or None,
        "STORAGE_ACCESS_KEY": os.environ.get("STORAGE_ACCESS_KEY") or None,
        "STORAGE_SECRET_KEY": os.environ.get("STORAGE_SECRET_KEY") or None,
        # downloads as a redirect to a short-lived signed URL of the store (S3 only) instead of through the app
        "STORAGE_SIGNED_DOWNLOADS": _bool("STORAGE_SIGNED_DOWNLOADS", False),
        "STORAGE_SIGNED_SECONDS": int(os.environ.get("STORAGE_SIGNED_SECONDS", 300)),
        # how long a batch job's file is kept after the job finished (`flask storage-gc`, evalsite/storage_gc.py)
        "JOB_FILE_DAYS": float(os.environ.get("JOB_FILE_DAYS") or 7),
        # a running job without a heartbeat for this long was interrupted (evalsite/batch/recovery.py)
        "JOB_STALE_MINUTES": float(os.environ.get("JOB_STALE_MINUTES") or 30),
        "FONT_PATH": os.environ.get("EVALSITE_FONT_PATH") or str(ROOT / "evalsite" / "pdf" / "fonts" / "wqy-microhei.ttc"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # e-mail of the notifications (evalsite/notifier.py): only when MAIL_SERVER and MAIL_FROM are set
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM") or None,
        # `flask remind-deadlines`: how many days ahead a deadline counts as approaching
        "REMINDER_DAYS_BEFORE": int(os.environ.get("REMINDER_DAYS_BEFORE") or 3),
        "ISSUING_BODY": os.environ.get("ISSUING_BODY", "威海市总工会"),
        # addressee of the 《工会劳动法律监督建议书》 (DOMAIN §6.3)
        "LABOUR_ADMINISTRATION": os.environ.get("LABOUR_ADMINISTRATION", "威海市人力资源和社会保障局"),
        # shown times and "today" for deadlines (stored instants stay UTC)
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 21 * 1024 * 1024)),
        "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", env == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", env == "production"),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # failed logins allowed per client address (a ceiling high enough for a factory behind one NAT)
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute;300 per hour"),
        # failed logins allowed per account: each window is longer, so the wait grows with the failures
        "LOGIN_ACCOUNT_LIMIT": os.environ.get("LOGIN_ACCOUNT_LIMIT",
                                              "5 per minute;10 per 15 minutes;20 per hour;40 per day"),
        # wrong second-factor codes allowed per account between password and code
        "MFA_RATE_LIMIT": os.environ.get("MFA_RATE_LIMIT", "5 per minute;20 per hour"),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 120)),
        "SESSION_ABSOLUTE_HOURS": float(os.environ.get("SESSION_ABSOLUTE_HOURS", 12)),
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
        # seconds between the answer that completes a survey batch and its release, made by a thread of the
        # process (survey_data/releaser.py); "inline" releases in the request, after the reply is sent
        "SURVEY_RELEASE_DELAY": _release_delay(os.environ.get("SURVEY_RELEASE_DELAY", "1")),
        "TESTING": False,
    }
    if "MFA_REQUIRED_FOR_ADMINS" in os.environ:
        cfg["MFA_REQUIRED_FOR_ADMINS"] = _bool("MFA_REQUIRED_FOR_ADMINS", True)
    return cfg


def _release_delay(value: str) -> float | None:
    if value.strip().lower() in ("inline", ""):
        return None
    try:
        delay = float(value)
    except ValueError:
        raise ConfigError(f"SURVEY_RELEASE_DELAY 应为秒数或 inline。 SURVEY_RELEASE_DELAY must be seconds or 'inline', "
                          f"not {value!r}.") from None
    if not 0 <= delay <= 60:
        raise ConfigError("SURVEY_RELEASE_DELAY 应在 0 到 60 秒之间。 SURVEY_RELEASE_DELAY must be 0 to 60 seconds.")
    return delay


def is_development(cfg: dict) -> bool:
    return cfg.get("ENV_NAME") == "development"


def finish(cfg: dict, instance_path: str) -> None:
    """Defaults that depend on the merged settings, then the refusal of unsafe ones."""
    cfg.setdefault("MFA_REQUIRED_FOR_ADMINS", not (is_development(cfg) or cfg.get("TESTING")))
    cfg["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=float(cfg["SESSION_ABSOLUTE_HOURS"]))
    cfg["DEV_LOCAL_ONLY"] = False
    if not cfg.get("SECRET_KEY") and is_development(cfg):
        cfg["SECRET_KEY"] = local_secret(instance_path)
        cfg["DEV_LOCAL_ONLY"] = True  # a secret nobody chose: serve this machine only
    check(cfg)


def local_secret(instance_path: str) -> str:
    """The development mode's own random secret, created once in ``instance/`` with mode 0600."""
    path = Path(instance_path) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= MIN_SECRET_LENGTH:
            return value
        raise ConfigError(f"{path} 中的密钥无效，请删除该文件后重新启动。 The secret in {path} is invalid: "
                          "delete the file and start again.") from None
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def check(cfg: dict) -> None:
    """Refuse unsafe combinations before the app serves anything."""
    secret = cfg.get("SECRET_KEY")
    if not secret:
        raise ConfigError(
            "未设置 SECRET_KEY，拒绝启动。请设置环境变量 SECRET_KEY（至少16个随机字符），"
            "或仅在本机开发时设置 EVALSITE_ENV=development（make demo 即如此）。"
            " Refusing to start without SECRET_KEY: set SECRET_KEY (16+ random characters), or set "
            "EVALSITE_ENV=development for local development only (as make demo does)."
        )
    if secret in KNOWN_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            "SECRET_KEY 过短或是公开的默认值，拒绝启动：请使用至少16个随机字符。"
            " Refusing to start: SECRET_KEY is too short or a publicly known value; use 16+ random characters."
        )
    if cfg.get("DEV_LOCAL_ONLY") and cfg.get("TRUST_PROXY"):
        raise ConfigError(
            "开发模式（自动生成的密钥）只服务本机，不能与 TRUST_PROXY 同时使用；请设置 SECRET_KEY。"
            " The development mode serves this machine only and cannot sit behind a proxy: set SECRET_KEY."
        )
