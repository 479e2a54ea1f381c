"""Batch rendering of a campaign's reports from the CLI (``flask render-reports``), with a process pool.

The pure part (snapshot → PDF bytes) runs in worker processes; every
database write happens in the parent, in small committed chunks. Resuming
is safe: an issued version is no longer "approved", so a second run skips
it, and codes/issue dates are reserved before rendering so a re-render after
an interruption prints the same code. The batch runs in the caller's ``session`` and,
being a command's work rather than a request's, commits its chunks itself.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..timefmt import local_today
from ..db import writing
from ..models import Enterprise, Report, ReportVersion

CHUNK = 20


@dataclass
class BatchResult:
    issued: int = 0
    drafted: int = 0
    previews: int = 0
    failed: list = field(default_factory=list)
    files: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (number, reason): versions the acting user may not issue


def refusal(user, version) -> Optional[str]:
    """Why ``user`` may not issue this approved version (its district, four eyes), or None."""
    from .. import four_eyes
    from .workflow import can_approve

    if user is None:
        return None
    if not can_approve(user, version.report.enterprise):
        return "您无权出具该企业的报告（只有企业所在区市的管理员或市级管理员可以出具）。"
    if not four_eyes.may_issue(version.approved_by_id, user.id):
        return four_eyes.ISSUE_RULE
    return None


def _render_task(task: tuple) -> tuple[int, bytes | None, str]:
    """Worker process: (version id, kind, snapshot, meta) → (id, pdf, error)."""
    from .workflow import render_snapshot

    vid, kind, snap, meta = task
    try:
        return vid, render_snapshot(kind, snap, meta), ""
    except Exception as exc:  # noqa: BLE001 - reported per report, the batch goes on
        return vid, None, f"{type(exc).__name__}: {exc}"


def _results(tasks: list, workers: int):
    if workers <= 1 or len(tasks) < 4:
        for t in tasks:
            yield _render_task(t)
        return
    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(_render_task, tasks, chunksize=4)


def draft_missing(session, campaign, user=None) -> int:
    """Drafts for enterprises that have a stored result but no evaluation report yet."""
    from ..domain_errors import Conflict
    from .workflow import draft_report

    from ..models import EvaluationResult

    has_report = select(Report.enterprise_id).where(Report.campaign_id == campaign.id, Report.kind == "evaluation")
    ids = session.scalars(select(EvaluationResult.enterprise_id).where(
        EvaluationResult.campaign_id == campaign.id, EvaluationResult.enterprise_id.not_in(has_report))).all()
    made = 0
    for i, ent_id in enumerate(ids, start=1):
        try:
            draft_report(session, campaign, session.get(Enterprise, ent_id), user)
            made += 1
        except Conflict:
            continue
        if i % CHUNK == 0:
            session.commit()
    session.commit()
    return made


def _write(out_dir: Optional[Path], version: ReportVersion, pdf: bytes, draft: bool) -> Optional[str]:
    if out_dir is None:
        return None
    ent = version.report.enterprise
    kind = "-整改情况报告" if version.report.kind == "closing" else ""
    name = f"{ent.credit_code}{kind}{'-草稿' if draft else ''}.pdf"
    path = out_dir / name
    path.write_bytes(pdf)
    return str(path)


def run_batch(session: Session, campaign, out_dir: Optional[str] = None, draft_all: bool = False,
              workers: Optional[int] = None, progress: Optional[Callable[[int, int], None]] = None,
              today: Optional[dt.date] = None, user=None) -> BatchResult:
    """Issue every approved version of the campaign (and, with draft_all, preview all drafts).

    With ``user`` the batch acts as that person: versions of enterprises outside
    their district, and versions they approved themselves (four eyes), are
    refused one by one (``BatchResult.refused``) and the others issued. Without
    it (benchmarks only; ``flask render-reports`` needs ``--as`` while four eyes
    is on) nobody is recorded as the issuer.
    """
    from .tracking import fix_deadlines
    from .workflow import issue, render_meta, reserve_code

    base_url = current_app.config["PUBLIC_BASE_URL"]
    today = today or local_today()
    workers = workers or os.cpu_count() or 1
    out = Path(out_dir) if out_dir else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    with writing():
        if draft_all:
            result.drafted = draft_missing(session, campaign, user)
        versions = session.scalars(select(ReportVersion).join(Report).where(
            Report.campaign_id == campaign.id, ReportVersion.status.in_(("approved",) + (("draft",) if draft_all
                                                                                       else ())))
            .order_by(Report.number, ReportVersion.version)).all()
        kept = []
        for v in versions:
            why = refusal(user, v) if v.status == "approved" else None
            if why:
                result.refused.append((v.report.number, why))
            else:
                kept.append(v)
        versions = kept
        for v in versions:
            if v.status == "approved":
                reserve_code(session, v)
                v.issue_date = v.issue_date or today
                fix_deadlines(session, v)
        session.commit()
        tasks = [(v.id, v.report.kind, v.data, render_meta(v, base_url, draft=v.status == "draft", today=today))
                 for v in versions]
        by_id = {v.id: v for v in versions}
    total, done = len(tasks), 0
    if progress:
        progress(0, total)
    for vid, pdf, error in _results(tasks, workers):
        v = by_id[vid]
        done += 1
        if pdf is None:
            result.failed.append((v.report.number, error))
        else:
            with writing():
                if v.status == "approved":
                    issue(session, v, user, today=today, pdf=pdf)
                    result.issued += 1
                else:
                    result.previews += 1
                session.commit()  # one committed issue at a time: an interruption loses nothing
            path = _write(out, v, pdf, draft=v.status == "draft")
            if path:
                result.files.append(path)
        if progress:
            progress(done, total)
    with writing():
        session.commit()
    return result
