"""File batches as jobs: a district's posters and ballot slips (who runs which link), the survey XLSX and the
tables ZIP; each cached until what it reads changes (a hit answers at once, a change builds a new file)."""
from __future__ import annotations

import io
import os
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from evalsite.models import BallotCode, Enterprise, Job, SurveyLink
from tests.evalsite.confirm_support import confirmed_post
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_survey_results import add

WAIT = 60


@pytest.fixture(autouse=True)
def thread_runner(app):
    """These tests run their jobs in a thread of the app (the suite's default leaves jobs queued)."""
    app.config["JOB_RUNNER"] = "thread"


@pytest.fixture
def files(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "files")
    return tmp_path / "files"


def finished(session, resp):
    from evalsite.batch import execute

    assert resp.status_code == 303, resp.data.decode()[:500]
    job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert execute.wait(job_id, WAIT), "job thread did not finish in time"
    session.expire_all()
    session.rollback()
    job = session.get(Job, job_id)
    assert job.status == "finished", (job.status, job.error, job.refusals)
    return job


def names_in(client, job):
    resp = client.get(f"/batch/jobs/{job.id}/download")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    return sorted(zipfile.ZipFile(io.BytesIO(resp.data)).namelist())


def test_district_posters_zip_lists_closed_links_and_is_cached_until_a_link_changes(app, world, session, files,
                                                                                     login_as):
    links = make_links(app, session, world)
    closed = links[(world.ent_a2.id, "employer")]
    closed.status = "closed"
    session.commit()
    client = login_as(world.district_a)
    job = finished(session, client.post(f"/batch/posters?campaign={world.campaign.id}"))
    names = names_in(client, job)
    assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
    assert all(world.ent_b.name not in n for n in names)  # another district's enterprise is not in the ZIP
    assert [r["reason"] for r in job.refusals] == ["该问卷链接已关闭，未生成海报。"]
    assert job.summary["posters"] == 3 and not job.from_cache
    page = client.get(f"/batch/jobs/{job.id}").data.decode()
    assert "已打包 3 份问卷海报" in page and "该问卷链接已关闭" in page and "下载" in page
    # unchanged: the stored file at once, no new job run
    again = client.post(f"/batch/posters?campaign={world.campaign.id}")
    hit = finished(session, again)
    assert hit.from_cache and hit.result_key == job.result_key and hit.id != job.id and hit.runner == "cache"
    assert names_in(client, hit) == names
    # a link reopened: a new file
    session.get(SurveyLink, closed.id).status = "open"
    session.commit()
    fresh = finished(session, client.post(f"/batch/posters?campaign={world.campaign.id}"))
    assert not fresh.from_cache and fresh.result_key != job.result_key and len(names_in(client, fresh)) == 4


def test_management_side_gets_no_worker_poster(app, world, session, files, login_as):
    make_links(app, session, world)
    client = login_as(world.ent_a_mgmt)
    job = finished(session, client.post(f"/batch/posters?campaign={world.campaign.id}"))
    names = names_in(client, job)
    assert len(names) == 1 and "企业方问卷" in names[0]
    assert len(job.refusals) == 1 and "职工问卷由本企业工会" in job.refusals[0]["reason"]
    union = login_as(world.ent_a_union)
    job = finished(session, union.post(f"/batch/posters?campaign={world.campaign.id}"))
    assert len(names_in(union, job)) == 1 and "企业方问卷由本企业企业方" in job.refusals[0]["reason"]


def test_ballot_slips_are_confirmed_issued_and_never_cached(app, world, session, files, login_as):
    make_links(app, session, world)
    client = login_as(world.district_a)
    url = f"/batch/posters?campaign={world.campaign.id}"
    first = client.post(url, data={"ballots": "5"})
    assert first.status_code == 200 and "请确认" in first.data.decode()
    assert session.scalar(select(func.count(BallotCode.id))) == 0
    job = finished(session, confirmed_post(client, url, {"ballots": "5"}))
    names = names_in(client, job)
    assert len(names) == 8 and sum("作答码" in n for n in names) == 4
    assert session.scalar(select(func.count(BallotCode.id))) == 20 and job.fingerprint is None
    second = finished(session, confirmed_post(client, url, {"ballots": "5"}))
    assert not second.from_cache and session.scalar(select(func.count(BallotCode.id))) == 40


@pytest.mark.parametrize("who, data, status", [
    ("district_a", {"ballots": "-1"}, 400), ("district_a", {"ballots": "x"}, 400),
    ("district_a", {"ballots": "601"}, 400), ("city", {}, 400), ("city", {"unit": "999999"}, 400),
    ("evaluator", {}, 403),
])
def test_posters_bad_input_and_refusals(world, session, files, login_as, who, data, status):
    data = {k: (str(world.unit_b.id) if v == "B" else v) for k, v in data.items()}
    resp = login_as(getattr(world, who)).post(f"/batch/posters?campaign={world.campaign.id}", data=data)
    assert resp.status_code == status
    assert session.scalar(select(Job.id)) is None


def test_district_admin_may_not_pack_another_district(world, session, files, login_as):
    resp = login_as(world.district_a).post(f"/batch/posters?campaign={world.campaign.id}",
                                           data={"unit": str(world.unit_b.id)})
    assert resp.status_code == 403


def test_survey_xlsx_job_is_cached_until_a_new_release(app, world, session, files, login_as):
    make_links(app, session, world)
    add(session, world, world.ent_a, 6)
    client = login_as(world.city)
    job = finished(session, client.post(f"/batch/survey-export?campaign={world.campaign.id}"))
    data = client.get(f"/batch/jobs/{job.id}/download").data
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert "职工问卷" in wb.sheetnames and job.summary["rows"] == 6
    hit = finished(session, client.post(f"/batch/survey-export?campaign={world.campaign.id}"))
    assert hit.from_cache and hit.result_key == job.result_key
    add(session, world, world.ent_a, 5)  # a new release of five answers
    fresh = finished(session, client.post(f"/batch/survey-export?campaign={world.campaign.id}"))
    assert not fresh.from_cache and fresh.summary["rows"] == 11


@pytest.mark.parametrize("who, data, status", [("ent_a_union", {}, 403), ("ent_a_mgmt", {}, 403),
                                               ("evaluator", {}, 403), ("city", {"audience": "all"}, 400)])
def test_survey_xlsx_refusals(world, session, files, login_as, who, data, status):
    resp = login_as(getattr(world, who)).post(f"/batch/survey-export?campaign={world.campaign.id}", data=data)
    assert resp.status_code == status
    assert session.scalar(select(Job.id)) is None


def test_tables_zip_job_is_cached_until_the_registry_changes(app, world, session, files, login_as):
    client = login_as(world.district_a)
    job = finished(session, client.post(f"/batch/tables-export?campaign={world.campaign.id}"))
    names = names_in(client, job)
    assert len(names) == 5 and any(n.endswith("附件1-集中要约行动情况统计表.xlsx") for n in names)
    hit = finished(session, client.post(f"/batch/tables-export?campaign={world.campaign.id}"))
    assert hit.from_cache
    city = login_as(world.city)  # another scope: its own file
    assert not finished(session, city.post(f"/batch/tables-export?campaign={world.campaign.id}")).from_cache
    session.get(Enterprise, world.ent_a.id).headcount = 99
    session.commit()
    client = login_as(world.district_a)
    assert not finished(session, client.post(f"/batch/tables-export?campaign={world.campaign.id}")).from_cache


@pytest.mark.parametrize("who", ["evaluator", "ent_a_union"])
def test_tables_zip_is_for_administrators(world, login_as, who):
    assert login_as(getattr(world, who)).post(f"/batch/tables-export?campaign={world.campaign.id}").status_code == 403


def test_a_missing_stored_file_is_built_again(app, world, session, files, login_as):
    from evalsite.storage import current_storage

    client = login_as(world.district_a)
    job = finished(session, client.post(f"/batch/tables-export?campaign={world.campaign.id}"))
    with app.app_context():  # through the store in use (a local folder, or the S3 server with TEST_STORAGE=s3)
        current_storage().delete(job.result_key)
    assert client.get(f"/batch/jobs/{job.id}/download").status_code == 410
    fresh = finished(session, client.post(f"/batch/tables-export?campaign={world.campaign.id}"))
    assert not fresh.from_cache and client.get(f"/batch/jobs/{fresh.id}/download").status_code == 200


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_posters_zip_through_rq(app, world, session, files, login_as):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = os.environ["TEST_REDIS_URL"]
    conn = Redis.from_url(url)
    Queue("jobs", connection=conn).empty()
    make_links(app, session, world)
    app.config["REDIS_URL"] = url
    client = login_as(world.district_a)
    resp = client.post(f"/batch/posters?campaign={world.campaign.id}")
    job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    SimpleWorker([Queue("jobs", connection=conn)], connection=conn).work(burst=True, max_jobs=5)
    session.expire_all(); session.rollback()
    job = session.get(Job, job_id)
    assert job.status == "finished" and job.runner == "rq"
    assert len(names_in(client, job)) == 4
