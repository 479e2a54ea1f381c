"""The public survey blueprint and its static files, apart from the package so the views import it without a cycle."""
import hashlib
from pathlib import Path

from flask import Blueprint, url_for

from ..extensions import csrf

bp = Blueprint("survey_site", __name__)
csrf.exempt(bp)  # the form validates its token itself and keeps the answers when it expired

ASSETS = Path(__file__).resolve().parent.parent / "static" / "survey"
ASSET_TYPES = {"survey.css": "text/css", "survey.js": "text/javascript", "icon.svg": "image/svg+xml",
               "share.png": "image/png"}
_VERSIONS: dict[str, str] = {}


@bp.app_template_global("survey_asset")
def survey_asset(name: str) -> str:
    """URL of a survey static file with its content hash, so a phone caches it until it changes (views.asset)."""
    return url_for("survey_site.asset", name=name, v=asset_version(name))


def asset_version(name: str) -> str:
    version = _VERSIONS.get(name)
    if version is None:
        version = _VERSIONS[name] = hashlib.sha256((ASSETS / name).read_bytes()).hexdigest()[:10]
    return version
