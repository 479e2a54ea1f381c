"""The phone survey without JavaScript: post/redirect/get, the draft cookie, names, numbers, share card, contrast."""
from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evalsite.survey_site import draft
from surveys import default_definition
from tests.evalsite.survey_support import WORKER_ANSWERS, full_post, hidden_fields, make_links

DEFINITION = default_definition("worker")
CSS = Path(__file__).resolve().parents[2] / "evalsite" / "static" / "survey" / "survey.css"


@pytest.fixture
def links(app, session, world):
    return make_links(app, session, world)


@pytest.fixture
def token(links, world):
    return links[(world.ent_a.id, "worker")].token


def page_data(client, token, index, answers=None, **extra):
    page = client.get(f"/s/{token}" if index == 0 else f"/s/{token}?p={index}").get_data(as_text=True)
    data = {**hidden_fields(page), "_nav": "next"}
    for name, value in re.findall(r'<input type="hidden" name="(W\w+)" value="([^"]*)"', page):
        data.setdefault(name, []).append(value)
    data.update(answers if answers is not None else
                {q.code: WORKER_ANSWERS[q.code] for q in DEFINITION.sections[index].questions})
    data.update(extra)
    return data


def test_every_post_redirects_to_a_get_page(client, token):
    """The back button only ever meets GET pages: no "confirm resubmission"."""
    moved = client.post(f"/s/{token}", data=page_data(client, token, 0))
    assert moved.status_code == 303 and moved.headers["Location"] == f"/s/{token}?p=1"
    refused = client.post(f"/s/{token}", data=page_data(client, token, 1, {"W07": ["A"]}))
    assert refused.status_code == 303 and refused.headers["Location"] == f"/s/{token}?p=1#q-W06"
    shown = client.get(refused.headers["Location"].split("#")[0])
    text = shown.get_data(as_text=True)
    assert shown.status_code == 400 and '<a href="#q-W06">第6题“' in text  # the banner names the question
    back = client.post(f"/s/{token}", data=page_data(client, token, 1, {"W07": ["A"]}, _nav="back"))
    assert back.status_code == 303 and back.headers["Location"] == f"/s/{token}?p=0"


def test_the_phone_back_button_shows_earlier_pages_with_their_answers(client, token):
    client.post(f"/s/{token}", data=page_data(client, token, 0))
    client.post(f"/s/{token}", data=page_data(client, token, 1))
    for url, code, value in ((f"/s/{token}?p=1", "W07", "A"), (f"/s/{token}?p=0", "W02", "C"),
                             (f"/s/{token}", "W02", "C")):
        resp = client.get(url)
        assert resp.status_code == 200 and f'name="{code}" value="{value}" checked' in resp.get_data(as_text=True)
    ahead = client.get(f"/s/{token}?p=3").get_data(as_text=True)  # never past the page reached
    assert 'name="_sec" value="2"' in ahead


def test_draft_cookie_is_signed_scoped_and_forgotten_after_submit(app, client, token):
    resp = client.post(f"/s/{token}", data=page_data(client, token, 0))
    cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("sdraft=")][0]
    assert f"Path=/s/{token}" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # gone with the browser session
    forged = app.test_client()
    forged.set_cookie("sdraft", cookie.split(";")[0].split("=", 1)[1][:-3] + "AAA", path=f"/s/{token}")
    assert 'name="W02" value="C" checked' not in forged.get(f"/s/{token}?p=1").get_data(as_text=True)
    done, _ = full_post(client, token)
    cleared = [h for r in done.history for h in r.headers.getlist("Set-Cookie") if h.startswith("sdraft=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "Expires=Thu, 01 Jan 1970" in cleared[0])


def test_a_draft_too_large_for_cookies_is_shown_directly_and_kept(app, client, token, monkeypatch):
    monkeypatch.setattr(draft, "PART_SIZE", 20)
    resp = client.post(f"/s/{token}", data=page_data(client, token, 0))
    assert resp.status_code == 200 and 'name="W06"' in resp.get_data(as_text=True)
    assert '<input type="hidden" name="W02" value="C">' in resp.get_data(as_text=True)


def test_stale_page_keeps_answers_with_a_message(client, token):
    resp, _ = full_post(client, token, _def="0" * 64)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "问卷内容已更新" in text and "希望加强工资集体协商" in text


class Inputs(HTMLParser):
    """The form's visible inputs with their labels and aria attributes."""

    def __init__(self):
        super().__init__()
        self.inputs, self.ids, self.labels_for, self.stack, self.attrs = [], set(), set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label":
            self.stack.append(a)
            self.labels_for.add(a.get("for"))
        if tag in ("input", "textarea") and a.get("type") != "hidden":
            self.inputs.append({**a, "_in_label": bool(self.stack)})

    def handle_endtag(self, tag):
        if tag == "label" and self.stack:
            self.stack.pop()


def parse(html: str) -> Inputs:
    p = Inputs()
    p.feed(html)
    return p


@pytest.mark.parametrize("index", range(len(DEFINITION.sections)))
def test_every_input_has_a_name_and_required_where_it_applies(client, token, index):
    for i in range(index):
        client.post(f"/s/{token}", data=page_data(client, token, i))
    html = client.get(f"/s/{token}?p={index}").get_data(as_text=True)
    found = parse(html)
    assert found.inputs
    for el in found.inputs:
        assert el["_in_label"] or el.get("id") in found.labels_for or el.get("aria-labelledby"), el
        for ref in (el.get("aria-describedby") or "").split():
            assert ref in found.ids, (el, ref)
    conditional = {q.code for q in DEFINITION.questions if q.show_if is not None}
    for q in DEFINITION.sections[index].questions:
        marks = [el for el in found.inputs if el.get("name") == q.code]
        if q.type in ("single", "scale5") and q.required and q.code not in conditional:
            assert marks and all("required" in el for el in marks), q.code
        if q.code in conditional:
            assert not any("required" in el for el in marks), q.code  # without JS it may not apply


def test_errors_are_tied_to_their_inputs(client, token):
    client.post(f"/s/{token}", data=page_data(client, token, 0))
    client.post(f"/s/{token}", data=page_data(client, token, 1, {**WORKER_ANSWERS, "W06": []}))
    found = parse(client.get(f"/s/{token}?p=1").get_data(as_text=True))
    w06 = [el for el in found.inputs if el["name"] == "W06"]
    assert w06 and all(el.get("aria-invalid") == "true" and "q-W06-e" in el["aria-describedby"] for el in w06)
    assert not any(el.get("aria-invalid") for el in found.inputs if el["name"] != "W06")


def test_numbers_run_through_and_progress_never_reaches_the_end_before_submit(client, token):
    numbers = {q.code: i for i, q in enumerate(DEFINITION.questions, 1)}
    total = len(DEFINITION.sections)
    for index, section in enumerate(DEFINITION.sections):
        html = client.get(f"/s/{token}?p={index}").get_data(as_text=True)
        value, most = map(int, re.search(r'<progress value="(\d+)" max="(\d+)"', html).groups())
        assert most == total and value == index < total
        first = section.questions[0]
        assert f'<span class="no">{numbers[first.code]}.</span> {first.text}' in html
        if index < total - 1:
            client.post(f"/s/{token}", data=page_data(client, token, index))


def test_conditional_questions_carry_their_rule_and_hint_without_javascript(client, token):
    client.post(f"/s/{token}", data=page_data(client, token, 0))
    html = client.get(f"/s/{token}?p=1").get_data(as_text=True)
    rule = re.search(r'id="q-W08" class="q" data-if="([^"]*)" data-req="1"', html).group(1)
    assert json.loads(rule.replace("&#34;", '"').replace("&quot;", '"')) == {"q": "W07", "in": ["A"]}
    assert "（上面“您是否知道本企业签订了集体合同或工资专项集体合同”选“是”时必答）" in html
    assert 'class="req cr"' in html  # the star of a conditional question shows with JavaScript only


def test_enterprise_name_share_card_and_icon_on_every_page(client, token, session, links, world):
    name = "威海甲机械有限公司"
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert f'<header class="top">{name}</header>' in page and f"<title>集体协商质效评估职工问卷 · {name}</title>" in page
    assert f'<meta property="og:title" content="{name} · 集体协商质效评估职工问卷">' in page
    assert '<meta property="og:description" content="本问卷匿名填写：' in page
    assert f'<meta property="og:url" content="http://localhost/s/{token}">' in page  # not ?p= nor a slip's ?b=
    image = re.search(r'<meta property="og:image" content="http://localhost(/s/assets/share.png\?v=\w+)">', page)
    icon = re.search(r'<link rel="icon" href="(/s/assets/icon.svg\?v=\w+)"', page)
    assert client.get(image.group(1)).data.startswith(b"\x89PNG")
    assert b"<svg" in client.get(icon.group(1)).data
    assert '<a href="/s/privacy">' in page
    done, _ = full_post(client, token)
    assert name in done.get_data(as_text=True) and '<a href="/s/privacy">' in done.get_data(as_text=True)
    assert name in client.get(f"/s/{token}").get_data(as_text=True)  # "already answered on this phone"
    from evalsite.models import SurveyLink

    session.expire_all()
    session.rollback()  # leave the read snapshot from before the requests (SQLite WAL)
    session.get(SurveyLink, links[(world.ent_a.id, "worker")].id).status = "closed"
    session.commit()
    closed = client.get(f"/s/{token}")
    assert closed.status_code == 410 and name in closed.get_data(as_text=True)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_non_text_contrast_is_at_least_3_to_1():
    colours = dict(re.findall(r"--(\w+):(#[0-9a-f]{6})", CSS.read_text()))
    for mark in ("line", "accent", "focus"):  # option and field borders, selection and errors, focus ring
        for ground in ("card", "bg", "tint"):
            assert contrast(colours[mark], colours[ground]) >= 3, (mark, ground)
    assert contrast(colours["accent"], colours["track"]) >= 3  # the progress bar's filled part
    assert contrast(colours["muted"], colours["card"]) >= 4.5  # hints are text


def test_first_load_is_small(client, token):
    """HTML, style and script of the first page, as a phone loads them (gzip), all from this site."""
    html = client.get(f"/s/{token}").get_data()
    assets = re.findall(rb'(?:href|src)="(/s/assets/survey\.(?:css|js)\?v=\w+)"', html)
    assert len(assets) == 2
    bodies = [html] + [client.get(a.decode()).data for a in assets]
    raw, packed = sum(map(len, bodies)), sum(len(gzip.compress(b, 9)) for b in bodies)
    assert raw < 24_000 and packed < 8_000, (raw, packed)


def test_assets_are_cached_for_a_year_only_under_their_content_hash(client, token):
    html = client.get(f"/s/{token}").get_data(as_text=True)
    script = re.search(r'<script src="(/s/assets/survey.js\?v=(\w+))" defer>', html)
    cached = client.get(script.group(1))
    assert cached.status_code == 200 and cached.mimetype == "text/javascript"
    assert cached.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/s/assets/survey.js?v=old").headers["Cache-Control"] == "no-cache"
    assert client.get("/s/assets/views.py").status_code == 404
    assert client.get("/s/assets/..%2fviews.py").status_code == 404


@pytest.mark.parametrize("p", ["²", "-1", "9" * 40, "1.5", "%00"])
def test_odd_page_numbers_in_the_url_show_the_first_page(client, token, p):
    client.post(f"/s/{token}", data=page_data(client, token, 0))
    resp = client.get(f"/s/{token}?p={p}")
    assert resp.status_code == 200 and 'name="_sec" value="0"' in resp.get_data(as_text=True)
