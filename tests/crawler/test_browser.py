"""The browser where it matters, on local fixture sites (tests/crawler/browser_sites.py): the
same site crawled with `render: never` and `render: auto`, the low-vision version switched on,
safe probes of forms and linked services (stand-ins on 127.0.0.3), documents opened. Nothing is
ever sent: every request the servers saw is a GET or a HEAD, and the browser loads nothing from
outside 127.0.0.0/8."""
from __future__ import annotations

import pytest

from checks.engine import check_site, load_checked_pack
from checks.findings import Outcome
from crawler.browser import browser_available
from tests.crawler.browser_sites import EXTERNAL, stand_in_map, stand_ins, svetly_site, tihiy_site
from tests.crawler.helpers import run_crawl

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser
needs_chromium = pytest.mark.skipif(not browser_available(CHROMIUM),
                                    reason=f"нет браузера Chromium ({CHROMIUM}): apt-get install -y chromium")


@pytest.fixture(scope="module")
def pack():
    return load_checked_pack("social")


@pytest.fixture(scope="module")
def crawled(pack):
    """Both sites with the browser (one run), and the JS-built site again without it."""
    with svetly_site() as svetly, tihiy_site() as tihiy, stand_ins() as external:
        options = {"render": "auto", "browser_third_party": False, "stand_ins": stand_in_map(external)}
        auto = run_crawl([("svetly", svetly.url + "/"), ("tihiy", tihiy.url + "/")], options=options,
                         hints=pack.crawl_hints(), timeout=120)
        never = run_crawl([("svetly", svetly.url + "/")], options={**options, "render": "never"},
                          hints=pack.crawl_hints())
        seen = {"svetly": list(svetly.methods), "tihiy": list(tihiy.methods), "external": list(external.methods)}
    return auto, never, seen, svetly.url, external.url


def finding(report, rule_id):
    return report.finding(rule_id)


@needs_chromium
def test_render_auto_finds_what_the_js_menu_hides(crawled, pack):
    auto, never, _, url, _ = crawled
    static, rendered = never["svetly"], auto["svetly"]
    assert [p.final_url for p in static.ok_pages()] == [url + "/"]
    assert static.render_mode == "never" and not any(p.rendered for p in static.pages)
    pages = {p.final_url: p for p in rendered.ok_pages()}
    for path in ("/svedeniya/", "/dokumenty/", "/obrashcheniya/", "/vopros-otvet/", "/nok/"):
        assert url + path in pages
    home = pages[url + "/"]
    assert home.rendered and home.render_ms and home.render_ms > 0
    assert {"empty_nav", "noscript"} <= set(home.js_signals) and "скрипты" in home.render_reason
    assert home.static is not None and not home.static.rendered
    assert len(home.links) > len(home.static.links)  # the menu exists only in the rendered DOM
    assert sum(p.rendered for p in rendered.pages) <= 10  # the render budget

    before, after = check_site(static, pack), check_site(rendered, pack)
    for rule_id in ("social-founder", "social-registration-date", "remote-email", "remote-phone"):
        assert finding(before, rule_id).outcome == Outcome.absent, rule_id
        assert finding(after, rule_id).outcome == Outcome.present, rule_id
    email = finding(after, "remote-email").evidence[0]
    assert email.rendered  # written by the script: seen only in the browser
    founder = finding(after, "social-founder").evidence[0]
    assert founder.url == url + "/svedeniya/" and not founder.rendered  # in that page's own HTML


@needs_chromium
def test_low_vision_widget_switched_on_and_special_version_opened(crawled, pack):
    auto, never, _, url, _ = crawled
    trial = auto["svetly"].trials[0]
    assert trial.ran and trial.action == "click" and "bvi-open" in trial.control
    assert trial.after.font_size > trial.before.font_size
    assert trial.blocked_requests >= 1  # the third-party widget script was not let out
    lv = finding(check_site(auto["svetly"], pack), "access-low-vision-version")
    assert lv.outcome == Outcome.present and "шрифт крупнее" in lv.functioning
    assert any(e.check == "low_vision_trial" and e.rendered for e in lv.evidence)

    special = auto["tihiy"].trials[0]
    assert special.action == "navigate" and special.target_url.endswith("/special/") and special.target_status == 200
    lv = finding(check_site(auto["tihiy"], pack), "access-low-vision-version")
    assert lv.outcome == Outcome.present and "открывается версия для слабовидящих" in lv.functioning

    not_run = never["svetly"].trials[0]
    assert not not_run.ran and "--render never" in not_run.error
    lv = finding(check_site(never["svetly"], pack), "access-low-vision-version")
    assert lv.outcome == Outcome.present and "не проверялось" in lv.functioning


@needs_chromium
def test_remote_methods_carry_functioning_evidence(crawled, pack):
    auto, _, _, url, external = crawled
    report = check_site(auto["svetly"], pack)
    eservice = finding(report, "remote-eservice")
    assert eservice.outcome == Outcome.present
    assert "адрес отправки формы существует" in eservice.functioning and "405" in eservice.functioning
    probes = {p.url: p for p in auto["svetly"].probes}
    assert probes[url + "/api/send"].purpose == "form" and probes[url + "/api/send"].status == 405
    assert probes["https://pos.gosuslugi.ru/bin/script.min.js"].via.startswith(external)
    widget = [e for e in eservice.evidence if e.check == "markup"]
    assert widget and "загрузился в браузере" in widget[0].note  # the script built its frame

    opinion = finding(report, "remote-opinion")
    assert opinion.outcome == Outcome.present and "код 200" in opinion.functioning
    other = finding(report, "remote-other")  # the only account answers 404: a person should look
    assert other.outcome == Outcome.needs_review and "404" in " ".join(e.note for e in other.evidence)
    faq = finding(report, "remote-faq")
    assert faq.outcome == Outcome.absent and "нет ни одного вопроса" in faq.detail
    for rule_id in ("remote-phone", "remote-email"):
        assert finding(report, rule_id).functioning

    tihiy = check_site(auto["tihiy"], pack)
    fake = finding(tihiy, "remote-eservice")
    assert fake.outcome == Outcome.needs_review
    assert "несуществующую страницу" in fake.evidence[0].note
    # robots.txt of the target forbids it: not asked, and unknown is not broken
    assert [p.reason for p in auto["tihiy"].probes if "ok.ru" in p.url] == ["robots"]
    group = finding(tihiy, "remote-other")
    assert group.outcome == Outcome.present and "запрещено в robots.txt" in group.functioning


@needs_chromium
def test_documents_opened_text_layer_scan_and_broken(crawled, pack):
    auto, _, _, url, _ = crawled
    docs = {d.url.rsplit("/", 1)[1]: d for d in auto["svetly"].documents}
    assert docs["otchet.pdf"].text_layer is True and docs["otchet.pdf"].date == "2024-03-15"
    assert docs["licenziya.pdf"].text_layer is False and docs["licenziya.pdf"].detected_kind == "pdf"
    assert docs["ustav.pdf"].error and docs["ustav.pdf"].detected_kind == "pdf"
    report = check_site(auto["svetly"], pack)
    opened = finding(report, "format-documents-open")
    assert opened.outcome == Outcome.absent
    notes = " ".join(e.note for e in opened.evidence)
    assert "повреждён" in notes
    charter = finding(report, "social-charter")  # backed only by the broken file: not present
    assert charter.outcome != Outcome.present


@needs_chromium
def test_nothing_is_sent_and_nothing_leaves_loopback(crawled):
    auto, never, seen, url, _ = crawled
    for server, requests in seen.items():
        assert requests and all(method in ("GET", "HEAD") for method, _ in requests), server
    # probes of the stand-ins are HEAD first; robots.txt of each external origin was asked
    assert ("HEAD", "/qrcode/rate/123456") in seen["external"]
    assert ("GET", "/bin/script.min.js") in seen["external"]  # the browser, through the stand-in
    assert ("GET", "/slep/js/uhpv-full.min.js") not in seen["external"]
    assert not any(path.startswith("/group/") for _, path in seen["external"])  # robots.txt obeyed
    for snap in (*auto.snapshots.values(), never["svetly"]):
        assert all(p.url.startswith(("http://127.", *EXTERNAL)) for p in snap.probes)
