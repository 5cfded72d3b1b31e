"""`nok check` end to end: the bundled example site served on 127.0.0.1, crawled for real by a
`nok` subprocess, every catalog id reported once with the outcome the example was built for."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checks.engine import load_checked_pack
from nok.demo_server import serve_demo

# what the example site (nok/demo_site) publishes, by design
EXPECTED_NOT_PRESENT = {
    "social-staff": "absent",  # no staff list (only a news item about a choir's "персональный состав")
    "social-labour-rules": "absent",
    "social-finance": "absent",  # the ФХД plan link leads to an HTML error page named .pdf
    "remote-eservice": "absent",  # a booking form without a message field is not an e-service
    "remote-faq": "absent",  # the FAQ section is empty
    "remote-other": "absent",
    "format-documents-open": "absent",  # the broken ФХД plan
    "format-accessibility-basics": "absent",  # images without alt text
}


def nok(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "nok.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("check")
    with serve_demo() as url:
        proc = nok("check", url + "/", "--json", str(out / "r.json"), "--html", str(out / "r.html"),
                   "--delay", "0", "--fail-under", "95", "--no-external")
    return proc, json.loads((out / "r.json").read_text(encoding="utf-8")), (out / "r.html").read_text(encoding="utf-8"), url


def test_every_catalog_id_once_with_the_designed_outcome(demo_run):
    _, report, _, url = demo_run
    ids = [f["id"] for f in report["findings"]]
    assert sorted(ids) == sorted(load_checked_pack("social").rules)
    outcomes = {f["id"]: f["outcome"] for f in report["findings"]}
    expected = {i: EXPECTED_NOT_PRESENT.get(i, "present") for i in ids}
    assert outcomes == expected
    for f in report["findings"]:
        if f["outcome"] in ("present", "needs_review") or f["id"] == "social-finance":
            assert f["evidence"] and all(e["url"].startswith(url) and e["snippet"] for e in f["evidence"])
        if f["outcome"] == "absent":
            assert f["examined_count"] >= 10 and f["examined"]


def test_evidence_points_at_the_right_pages(demo_run):
    _, report, _, url = demo_run
    where = {f["id"]: {e["url"] for e in f["evidence"]} for f in report["findings"]}
    assert url + "/dokumenty/" in where["social-charter"]  # the windows-1251 page, charset in <meta> only
    assert url + "/dokumenty/" in where["social-inspections"]
    assert url + "/rukovodstvo/" in where["social-management"]
    assert url + "/poluchateli/" in where["social-vacancies"]


def test_indicator_parts_and_exit_code(demo_run):
    proc, report, _, _ = demo_run
    ind = report["indicators"]
    assert (ind["info_found"], ind["info_required"]) == (23, 26)
    assert ind["remote_working"] == 3 and ind["remote_points"] == 90.0
    assert ind["low_vision"] is True
    assert report["format"] == "nok-site-report" and report["version"] == 1
    assert proc.returncode == 1  # --fail-under 95 and the site scores 89.23
    assert "ниже порога" in proc.stderr


def test_terminal_and_html_are_russian_deficiency_lists(demo_run):
    proc, _, html, _ = demo_run
    for text in (proc.stdout, html):
        assert "Не размещён персональный состав работников" in text
        assert "Что сделать" in text and "Основание" in text
    assert "Дистанционные способы обратной связи" in proc.stdout
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html


def test_unreachable_site_is_an_error_not_a_list_of_missing_items(tmp_path):
    proc = nok("check", "http://127.0.0.1:9/", "--json", str(tmp_path / "r.json"), "--delay", "0")
    assert proc.returncode == 3
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["crawl"]["status"] == "unreachable"
    assert {f["outcome"] for f in report["findings"]} == {"error"}
    assert "Сайт недоступен" in proc.stdout


@pytest.mark.parametrize("url", ["ftp://example", "не адрес", "http://"])
def test_bad_url_is_a_clear_russian_error(url):
    proc = nok("check", url)
    assert proc.returncode == 2 and "не похоже на адрес сайта" in proc.stderr
