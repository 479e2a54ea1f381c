"""Route × role matrix for the batch blueprint: job pages (the requester and the administrators above them)."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import Job
from tests.evalsite.access_matrix import LOGIN, Case, assert_matrix

IDS: dict = {}


def exp(anon=LOGIN, ent_a=403, ent_b=403, district_other=403, evaluator=403, city=200):
    return dict(anon=anon, ent_a=ent_a, ent_b=ent_b, district_other=district_other, evaluator=evaluator, city=city)


def _job(world, session):
    """A queued job asked for by enterprise A's district administrator."""
    job = session.scalar(select(Job))
    if job is None:
        job = Job(kind="reports.approve", requested_by_id=world.district_a.id, params={"version_ids": []},
                  status="queued", done=0, total=0, refusals=[], from_cache=False)
        session.add(job)
        session.commit()
    IDS["job"] = job.id


ROUTES = [
    Case("batch.job", lambda w: f"/batch/jobs/{IDS['job']}", exp(), setup=_job),
    Case("batch.download", lambda w: f"/batch/jobs/{IDS['job']}/download", exp(city=409), setup=_job,
         note="not finished yet"),
    Case("batch.restart", lambda w: f"/batch/jobs/{IDS['job']}/restart", exp(city=403), "POST", setup=_job,
         note="only the requester, and only an interrupted job (this one is queued: 409 for them)"),
    Case("batch.my_jobs", lambda w: "/batch/jobs", exp(ent_a=200, ent_b=200, district_other=200, evaluator=200)),
    Case("batch.reports", lambda w: f"/batch/reports?campaign={w.campaign.id}", exp(district_other=400, city=400),
         "POST", note="nothing ticked"),
    Case("batch.issue_approved", lambda w: f"/batch/reports/issue-approved?campaign={w.campaign.id}",
         exp(district_other=409, city=409), "POST", note="no approved report"),
    Case("batch.assign_form", lambda w: f"/batch/assign?campaign={w.campaign.id}", exp(district_other=200)),
    Case("batch.assign", lambda w: f"/batch/assign?campaign={w.campaign.id}", exp(district_other=400, city=400),
         "POST", note="no evaluator chosen"),
    Case("batch.posters", lambda w: f"/batch/posters?campaign={w.campaign.id}",
         exp(ent_a=303, ent_b=303, district_other=303, city=400), "POST",
         note="an enterprise: its own posters; a district: its own; the city must choose a district"),
    Case("batch.survey_export", lambda w: f"/batch/survey-export?campaign={w.campaign.id}",
         exp(district_other=303, city=303), "POST", note="rows only for administrators (the disclosure policy)"),
    Case("batch.tables_export", lambda w: f"/batch/tables-export?campaign={w.campaign.id}",
         exp(district_other=303, city=303), "POST"),
]


def test_batch_routes_by_role(app, world, session, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "files")
    app.config["JOB_RUNNER"] = "cli"  # the matrix checks who may start a job; the jobs stay queued
    assert_matrix(app, world, session, ROUTES)
