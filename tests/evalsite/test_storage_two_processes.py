"""Two gunicorn processes share nothing but the database and the file store (the moto S3 server).

A file uploaded through one process downloads, byte for byte, through the other: what issue 13 asks of
"a second web machine". Every wait is bounded; the processes are stopped whatever happens.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, _free_port, s3_settings

from .assess_data import PDF

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
REQUEST_TIMEOUT = 30

pytestmark = pytest.mark.slow  # runs in every `make test` (CI included): nothing deselects it


def _start(env: dict, port: int, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT),
           "--timeout", "60", "--log-level", "warning", "evalsite:create_app()"]
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_ready(proc: subprocess.Popen, port: int, log_path: Path) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn on {port} exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn on {port} not ready after {START_TIMEOUT} s: "
                         f"{log_path.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def two_servers(database_url, s3_endpoint, tmp_path):
    """Two gunicorn processes on the test database and one S3 prefix; yields their base URLs."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "two-process-secret-0123456789",
           "RATELIMIT_ENABLED": "0", "MFA_REQUIRED_FOR_ADMINS": "0", "REDIS_URL": "",
           "PUBLIC_BASE_URL": "http://127.0.0.1", "EVALSITE_ENV": "",
           **s3_settings(s3_endpoint, f"two-{os.urandom(4).hex()}")}
    env.pop("FLASK_ENV", None)
    procs, urls = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log_path = tmp_path / f"gunicorn-{name}.log"
            # each process has its own instance folder and upload folder: only the database and S3 are shared
            proc_env = {**env, "UPLOAD_DIR": str(tmp_path / f"uploads-{name}"),
                        "STORAGE_DIR": str(tmp_path / f"files-{name}")}
            with open(log_path, "wb") as log:
                procs.append(_start(proc_env, port, log))
            _wait_ready(procs[-1], port, log_path)
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for proc in procs:
            _stop(proc)


def test_a_file_uploaded_through_one_process_downloads_through_the_other(app, world, session, two_servers):
    import requests

    from evalsite.models import Evidence

    session.commit()  # the world is in the database before either process reads it
    first, second = two_servers
    web = requests.Session()
    page = web.get(f"{first}/login", timeout=REQUEST_TIMEOUT)
    resp = web.post(f"{first}/login", data={"username": world.ent_a_union.username, "password": PASSWORD,
                                            "csrf_token": _csrf(page.text)},
                    timeout=REQUEST_TIMEOUT, allow_redirects=False)
    assert resp.status_code == 302, resp.text[:500]

    form = web.get(f"{first}/assessments/self/B", timeout=REQUEST_TIMEOUT)
    assert form.status_code == 200
    data = PDF + b"two-process " + os.urandom(16)
    resp = web.post(f"{first}/assessments/self/B", timeout=REQUEST_TIMEOUT, allow_redirects=False,
                    data={"level_B6": "full", "csrf_token": _csrf(form.text)},
                    files={"file_B6": ("职代会决议.pdf", data, "application/pdf")})
    assert resp.status_code == 302, resp.text[:500]

    session.expire_all()
    session.rollback()
    ev = session.scalar(select(Evidence).where(Evidence.sha256 == hashlib.sha256(data).hexdigest()))
    assert ev is not None and ev.size == len(data)

    # the same login (the session lives in the database) on the other process
    download = web.get(f"{second}/assessments/evidence/{ev.id}", timeout=REQUEST_TIMEOUT)
    assert download.status_code == 200
    assert download.content == data
    assert "attachment" in download.headers["Content-Disposition"]
    # and nothing of it on either process's disk: the bytes came from the shared store
    assert not any((Path(app.config["UPLOAD_DIR"]).parent).rglob(ev.sha256))
