"""Settings from environment variables, with safe development defaults.

The app refuses to start in production with the development secret, so a
forgotten SECRET_KEY cannot silently sign sessions with a public value.
"""
from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET = "dev-secret-change-me"
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
    env = os.environ.get("EVALSITE_ENV", os.environ.get("FLASK_ENV", "development"))
    cfg = {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(Path(instance_path) / "uploads"),
        "FONT_PATH": os.environ.get("EVALSITE_FONT_PATH") or str(ROOT / "evalsite" / "pdf" / "fonts" / "wqy-microhei.ttc"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
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
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
        "TESTING": False,
    }
    return cfg


def check(cfg: dict) -> None:
    """Refuse unsafe combinations before the app serves anything."""
    if cfg.get("ENV_NAME") == "production":
        if not cfg.get("SECRET_KEY") or cfg["SECRET_KEY"] == DEV_SECRET or len(cfg["SECRET_KEY"]) < 16:
            raise ConfigError(
                "生产环境必须设置 SECRET_KEY（至少16个字符，且不能使用开发默认值）。"
                " Refusing to start in production with the development secret."
            )
