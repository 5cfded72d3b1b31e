"""The checks judge what the browser and the safe probes recorded (they never fetch): probe
answers, the low-vision trial, a rule's functioning check, evidence seen only after scripts,
and what a document's note says."""
from __future__ import annotations

import pytest

from checks.engine import apply_functioning, evaluate_rule, load_checked_pack
from checks.findings import Evidence, Outcome
from checks.generic.browser import colour, low_vision_trial_check, TrialParams
from checks.registry import CheckResult
from checks.site import SiteView, document_note, probe_target
from checks.snapshot import BrowserTrial, Document, Probe, SiteSnapshot, VisualState
from crawler.extract import extract_page

SITE = "https://kcson-example.ru"
PLAIN = VisualState(font_size=16, root_font_size=16, color="rgb(0, 0, 0)", background="rgba(0, 0, 0, 0)",
                    classes="|", stylesheets=2, images_visible=3)


def snapshot(**kwargs) -> SiteSnapshot:
    return SiteSnapshot(start_url=SITE + "/", site="kcson-example.ru", **kwargs)


@pytest.mark.parametrize("status,purpose,ok,words", [
    (200, "link", True, "адрес отвечает"),
    (301, "link", True, "адрес отвечает"),
    (403, "link", True, "адрес отвечает"),
    (404, "link", False, "несуществующую"),
    (503, "link", False, "ошибкой"),
    (405, "form", True, "существует"),
    (500, "form", True, "существует"),  # a POST handler failing on GET still exists
    (410, "form", False, "несуществующую"),
])
def test_probe_answers(status, purpose, ok, words):
    target = probe_target(Probe(url=SITE + "/x", purpose=purpose, method="HEAD", status=status))
    assert target.ok is ok and words in target.note and str(status) in target.note
    assert not target.definite  # servers treat robots differently: a person decides


def test_probe_without_answer_and_probe_refused_by_robots():
    silent = probe_target(Probe(url="https://vk.com/x", reason="timeout", error="нет ответа за 15 с"))
    assert silent.ok is False and "не отвечает" in silent.note
    robots = probe_target(Probe(url="https://vk.com/x", reason="robots", error="запрещено"))
    assert robots.ok is None and "robots.txt" in robots.note


def trial(**kwargs) -> BrowserTrial:
    return BrowserTrial(page_url=SITE + "/", control="a .bvi-open «версия для слабовидящих»", **kwargs)


def judge(*trials: BrowserTrial, **snap) -> CheckResult:
    return low_vision_trial_check(SiteView(snapshot(trials=list(trials), **snap)), TrialParams())


def test_trial_that_switches_the_page_is_present_and_says_how():
    bigger = PLAIN.model_copy(update={"font_size": 24, "background": "rgb(255, 255, 255)"})
    res = judge(trial(ran=True, action="click", before=PLAIN, after=bigger, screenshot="/tmp/lv.jpg"))
    assert res.outcome == Outcome.present
    assert "шрифт крупнее: 16 → 24 px" in res.functioning and "фон прозрачный → #ffffff" in res.functioning
    assert res.evidence[0].rendered and res.evidence[0].screenshot == "/tmp/lv.jpg"


def test_trial_that_changes_nothing_needs_review_and_names_the_dead_script():
    res = judge(trial(ran=True, action="click", before=PLAIN, after=PLAIN,
                      failed_requests=[SITE + "/js/bvi.min.js (HTTP 404)"]))
    assert res.outcome == Outcome.needs_review and "bvi.min.js" in res.note


def test_trial_blocked_by_our_own_settings_is_not_a_verdict():
    res = judge(trial(ran=True, action="click", before=PLAIN, after=PLAIN, blocked_requests=2))
    assert res.outcome == Outcome.not_applicable and "сторонние скрипты" in res.note


def test_version_link_opened_or_broken():
    opened = judge(trial(ran=True, action="navigate", target_url=SITE + "/special/", target_status=200,
                         before=PLAIN, after=PLAIN))
    assert opened.outcome == Outcome.present and "не отличается" in opened.functioning
    broken = judge(trial(ran=True, action="navigate", target_url=SITE + "/special/", target_status=404))
    assert broken.outcome == Outcome.needs_review and "404" in broken.note


def test_trial_not_run_says_why():
    assert "--render never" in judge(render_mode="never").note
    assert "Chromium не найден" in judge(render_note="браузер Chromium не найден (/usr/bin/chromium)").note
    not_run = judge(trial(ran=False, error="исчерпан лимит страниц, отрисованных в браузере"))
    assert not_run.outcome == Outcome.not_applicable and "исчерпан лимит" in not_run.note


def test_functioning_confirms_downgrades_or_leaves_the_verdict():
    found = CheckResult(Outcome.present, [Evidence(url=SITE, snippet="ссылка")], "", "ссылка есть")
    works = CheckResult(Outcome.present, [Evidence(url=SITE, snippet="кнопка")], "", "шрифт крупнее")
    assert apply_functioning(found, works).functioning == "шрифт крупнее"
    assert apply_functioning(found, works).evidence[0].snippet == "кнопка"
    dead = CheckResult(Outcome.needs_review, [], "не включается")
    assert apply_functioning(found, dead).outcome == Outcome.needs_review
    unknown = apply_functioning(found, CheckResult(Outcome.not_applicable, note="не проверялось"))
    assert unknown.outcome == Outcome.present and unknown.functioning == "ссылка есть; не проверялось"
    missed = apply_functioning(CheckResult(Outcome.absent), works)
    assert missed.outcome == Outcome.present  # the browser switched on what the markup checks missed
    assert apply_functioning(CheckResult(Outcome.absent), dead).outcome == Outcome.absent


def rendered_page(path: str, static_body: str, rendered_body: str):
    url = SITE + path
    wrap = "<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>Контакты</title></head><body>{}</body></html>"
    static = extract_page(wrap.format(static_body).encode(), url=url)
    page = extract_page(wrap.format(rendered_body).encode(), url=url)
    page.rendered, page.static = True, static
    return page


def test_evidence_tells_what_only_scripts_showed():
    pack = load_checked_pack("social")
    page = rendered_page("/kontakty/", "<h1>Контакты</h1><p>Телефон: 8 (812) 345-67-89</p><div id='m'></div>",
                         "<h1>Контакты</h1><p>Телефон: 8 (812) 345-67-89</p>"
                         "<p>E-mail: <a href='mailto:info@kcson-example.ru'>info@kcson-example.ru</a></p>")
    site = SiteView(snapshot(pages=[page]))
    email = evaluate_rule(site, pack.rules["remote-email"])
    phone = evaluate_rule(site, pack.rules["remote-phone"])
    assert email.outcome == phone.outcome == Outcome.present
    assert email.evidence[0].rendered and not phone.evidence[0].rendered
    assert email.functioning and phone.functioning  # remote methods say how they were shown to work
    location = evaluate_rule(site, pack.rules["social-contact-phones"])
    assert location.functioning == ""  # information items do not


def test_document_notes_scan_type_and_date():
    scan = Document(url=SITE + "/a.pdf", status=200, kind="pdf", detected_kind="pdf", size=2048,
                    text_layer=False, date="2024-03-15")
    note = document_note(scan)
    assert "распознавание (OCR)" in note and "15.03.2024" in note
    swapped = Document(url=SITE + "/b.pdf", status=200, kind="pdf", detected_kind="docx", size=2048)
    assert "обещан PDF, а файл — DOCX" in document_note(swapped)
    assert "обещан" not in document_note(Document(url=SITE + "/c.doc", status=200, kind="doc",
                                                  detected_kind="docx", size=10))


def test_colours_for_people():
    assert colour("rgba(0, 0, 0, 0)") == "прозрачный"
    assert colour("rgb(255, 255, 0)") == "#ffff00"
    assert colour("") == "—"
