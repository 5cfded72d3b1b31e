"""`nok audit` over a dozen local sites at once (eight ordinary ones, a dead address, a slow site,
a calendar trap, a hostile one): every registry row accounted for, politeness per host kept while
the sites run side by side, summaries readable by people and by `nok score`; then `nok recheck`."""
from __future__ import annotations

import time
from contextlib import ExitStack

import pytest
from openpyxl import load_workbook

from checks.engine import load_checked_pack
from crawler.browser import browser_available
from nok.cli import main as nok_main
from rules.profile import load_profile
from scoring.site import read_site_reports
from tests.crawler.browser_sites import svetly_site
from tests.crawler.helpers import InFlight, closed_port_url, gzip_bomb, html_page, links, slow_drip
from tests.crawler.test_crawl_site import _calendar
from tests.crawler.test_politeness import _site
from tests.nok.batchkit import FAST, by_org, nok, stop_together, summary, write_registry
from tests.sites import LocalSite

CHROMIUM = "/usr/bin/chromium"
ORDINARY = 8
PAGES = 6  # links per ordinary site (7 pages with the home page)
PER_SITE = 2


def _slow_site() -> LocalSite:
    def route(handler):
        time.sleep(1.0)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html_page(
            links(*[(f"/s{i}/", f"Раздел {i}") for i in range(10)]), "Медленный сайт")
    site = LocalSite(host="127.0.0.61", routes={"/": route})
    site.routes.update({f"/s{i}/": route for i in range(10)})
    return site


def _hostile_site() -> LocalSite:
    bomb = gzip_bomb(256)
    home = html_page(links(("/bomb/", "Новости"), ("/drip/", "Документы"), ("/ok/", "Контакты")))
    return LocalSite(host="127.0.0.63", pages={"/": home, "/ok/": html_page("<p>Телефон +7 (8452) 12-34-56</p>")},
                     routes={"/bomb/": lambda h: (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb),
                             "/drip/": slow_drip(30)})


def test_a_dozen_sites_in_one_run(tmp_path, capsys):
    """One run (one crawl per process), looked at from every side; one test so that parallel test
    workers do not crawl it twice."""
    batch = _run(tmp_path)
    _every_registry_row_is_accounted_for(batch)
    _bad_registry_rows_are_named_and_skipped(batch)
    _sites_crawled_side_by_side_each_host_within_its_limit(batch)
    _hostile_and_trap_sites_are_bounded(batch)
    _summaries_for_people(batch)
    _scoring_reads_the_run(batch)
    _recheck_gives_the_same_findings_without_crawling(batch, capsys)


def _run(tmp):
    counters = [InFlight(delay=0.05) for _ in range(ORDINARY)]
    with ExitStack() as stack:
        sites = [stack.enter_context(_site(f"127.0.0.{41 + i}", c, PAGES)) for i, c in enumerate(counters)]
        slow = stack.enter_context(_slow_site())
        trap = stack.enter_context(LocalSite(host="127.0.0.62", pages={
            "/": html_page(links(("/calendar/?month=1", "Календарь событий")))}, routes={"/calendar/": _calendar}))
        hostile = stack.enter_context(_hostile_site())
        rows = [[f"org-{i + 1:02d}", f"Организация {i + 1}", "", s.url + "/", "Энск"] for i, s in enumerate(sites)]
        rows += [["dead", "Недоступная", "", closed_port_url(), "Энск"],
                 ["slow", "Медленная", "социальное обслуживание", slow.url, "Энск"],
                 ["trap", "Ловушка", "social", trap.url.removeprefix("http://"), "Энск"],
                 ["hostile", "Враждебная", "", hostile.url + "/", "Энск"],
                 ["", "Без кода", "", "http://127.0.0.99/", ""],
                 ["no-url", "Без сайта", "", "", ""],
                 ["org-01", "Повтор кода", "", "http://127.0.0.98/", ""],
                 ["bad-url", "Кривой адрес", "", "http//kcson", ""],
                 ["space", "Космос", "космическая отрасль", "http://127.0.0.97/", ""]]
        registry = write_registry(tmp / "registry.csv", rows)
        run_dir = tmp / "run"
        proc = nok("audit", registry, "--out", run_dir, "--time-budget", "4", "--sites-at-once", "12",
                   "--per-site", str(PER_SITE), "-o", "download_timeout=2", *FAST)
        stop_together([*sites, slow, trap, hostile])
    return proc, run_dir, counters, sites, {"slow": slow, "trap": trap, "hostile": hostile}


def _every_registry_row_is_accounted_for(batch):
    proc, run_dir, *_ = batch
    assert proc.returncode == 0, proc.stderr
    orgs = by_org(run_dir)
    assert list(orgs) == [f"org-{i:02d}" for i in range(1, ORDINARY + 1)] + ["dead", "slow", "trap", "hostile"]
    for org_id in list(orgs)[:ORDINARY]:
        assert orgs[org_id]["status"] == "ok" and orgs[org_id]["crawl"]["pages_ok"] == PAGES + 1
    assert orgs["dead"]["status"] == "unreachable"
    assert {f["outcome"] for f in orgs["dead"]["findings"]} == {"error"}  # not "absent": nothing was seen
    assert orgs["slow"]["status"] == "partial" and orgs["slow"]["crawl"]["stop_reason"] == "time_budget"
    assert orgs["trap"]["status"] in ("ok", "partial") and orgs["trap"]["crawl"]["pages"] <= 7
    assert orgs["hostile"]["status"] in ("ok", "partial") and orgs["hostile"]["crawl"]["pages_ok"] >= 2
    rule_ids = sorted(load_checked_pack("social").rules)
    for org in orgs.values():  # each object is a `nok check --json` report plus the registry's columns
        assert org["format"] == "nok-site-report" and org["name"] and org["municipality"] == "Энск"
        assert sorted(f["id"] for f in org["findings"]) == rule_ids


def _bad_registry_rows_are_named_and_skipped(batch):
    proc, run_dir, *_ = batch
    problems = {p["row"]: p for p in summary(run_dir)["registry_problems"]}
    assert sorted(problems) == [14, 15, 16, 17, 18]
    assert "не указан код организации" in problems[14]["message"]
    assert "не указан адрес сайта" in problems[15]["message"]
    assert "уже был в строке 2" in problems[16]["message"]
    assert "не адрес сайта" in problems[17]["message"]
    assert "неизвестная сфера" in problems[18]["message"]
    assert all(p["skipped"] for p in problems.values())
    assert "строка 17 (код «bad-url»)" in proc.stderr and "пропущены" in proc.stderr


def _sites_crawled_side_by_side_each_host_within_its_limit(batch):
    _, _, counters, _, _ = batch
    assert all(c.peak <= PER_SITE for c in counters)  # politeness per host
    assert max(c.peak for c in counters) == PER_SITE  # the limit is used
    # several hosts served at the same moment: a request (0.05 s long) to one site overlaps requests to others
    spans = sorted((t, t + c.delay, i) for i, c in enumerate(counters) for t in c.times)
    overlap = max(len({i for s, e, i in spans if s <= start < e}) for start, _, _ in spans)
    assert overlap >= 4


def _hostile_and_trap_sites_are_bounded(batch):
    _, run_dir, _, _, special = batch
    trap_requests = [p for p in special["trap"].requests if p.startswith("/calendar/")]
    assert 1 <= len(trap_requests) <= 5
    assert special["hostile"].requests.count("/bomb/") <= 2
    orgs = by_org(run_dir)
    assert orgs["hostile"]["crawl"]["failures"] >= 1


def _summaries_for_people(batch):
    _, run_dir, *_ = batch
    book = load_workbook(run_dir / "summary.xlsx", read_only=True)
    assert book.sheetnames == ["Организации", "Недостатки", "Ошибки реестра", "Прогон"]
    rows = list(book["Организации"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Код", "Наименование") and len(rows) == 13
    status = {r[0]: r[6] for r in rows[1:]}
    assert status["dead"].startswith("сайт недоступен") and status["slow"].startswith("проверен частично")
    gaps = list(book["Недостатки"].iter_rows(values_only=True))
    header = gaps[0]
    basis = header.index("Основание")
    assert {r[0] for r in gaps[1:]} >= {"org-01", "slow"} and "dead" not in {r[0] for r in gaps[1:]}
    assert all(r[basis] for r in gaps[1:])  # every missing item with its legal basis
    assert any("442-ФЗ" in r[basis] or "Приказ" in r[basis] or "приказ" in r[basis] for r in gaps[1:])
    html = (run_dir / "summary.html").read_text(encoding="utf-8")
    assert html.count("<tr class=") == 12 and "orgs/org-01.html" in html and "сайт недоступен" in html
    page = (run_dir / "orgs" / "org-01.html").read_text(encoding="utf-8")
    assert "Аудит открытости сайта" in page and "Основание" in page


def _scoring_reads_the_run(batch):
    _, run_dir, *_ = batch
    for source in (run_dir, run_dir / "summary.json"):
        sites = read_site_reports([source], load_profile(None))
        assert set(sites) == set(by_org(run_dir))
        assert sites["dead"].reachable is False and sites["org-01"].reachable is True


def _recheck_gives_the_same_findings_without_crawling(batch, capsys):
    _, run_dir, _, sites, _ = batch
    before = by_org(run_dir)
    requests = [len(s.requests) for s in sites]
    assert nok_main(["recheck", str(run_dir), "--check-workers", "0"]) == 0
    after = by_org(run_dir)
    assert [len(s.requests) for s in sites] == requests  # nothing fetched
    assert (run_dir / "summary.previous.json").is_file()
    for org_id, org in after.items():
        assert [f["outcome"] for f in org["findings"]] == [f["outcome"] for f in before[org_id]["findings"]]
        assert org["checked_at"] >= before[org_id]["checked_at"]
    assert "изменились результаты у 0 организаций" in capsys.readouterr().out


@pytest.mark.browser
@pytest.mark.skipif(not browser_available(CHROMIUM), reason=f"нет браузера Chromium ({CHROMIUM})")
def test_browser_options_of_nok_check_apply_to_the_batch(tmp_path):
    """--render and --screenshots come from `nok check`'s options: a site built by scripts is read in
    the browser, and the evidence of what was found is photographed into the organisation's page."""
    with svetly_site() as site:
        registry = write_registry(tmp_path / "r.csv", [["svetly", "КЦСОН «Светлый»", "", site.url + "/", ""]])
        proc = nok("audit", registry, "--out", tmp_path / "run", *FAST, "--render", "auto", "--no-external",
                   "--screenshots")
    assert proc.returncode == 0, proc.stderr[-2000:]
    org = by_org(tmp_path / "run")["svetly"]
    assert org["crawl"]["rendered"] >= 1
    outcome = {f["id"]: f["outcome"] for f in org["findings"]}
    assert outcome["social-founder"] == "present" and outcome["remote-email"] == "present"
    shots = [e["screenshot"] for f in org["findings"] for e in f["evidence"] if e["screenshot"]]
    assert shots and all((tmp_path / "run" / "снимки").as_posix() in s for s in shots)
    assert 'src="data:image/jpeg;base64,' in (tmp_path / "run" / "orgs" / "svetly.html").read_text(encoding="utf-8")
