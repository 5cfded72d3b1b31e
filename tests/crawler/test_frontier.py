"""The per-site frontier on its own: gating, budgets, priorities, redirects, stopping."""
from __future__ import annotations

from crawler.frontier import DOC, PAGE, ROBOTS, SITEMAP, Site
from crawler.options import CrawlOptions
from crawler.priority import Prioritizer

START = "http://x.ru/"
HINTS = {"link_texts": ["Документы"], "url_patterns": []}


def make_site(start: str = START, robots: bool = True, **options) -> tuple[Site, list]:
    failures: list = []
    site = Site("org", start, options=CrawlOptions(**options), prioritizer=Prioritizer(HINTS),
                now=0.0, window=3, obey_robots=robots, user_agent="nok-auditor/test",
                report=failures.append)
    site.seed_start()
    return site, failures


def answer(site: Site, entry, *, record: bool = True) -> None:
    """The spider's part: an entry came back (as a page when `record`)."""
    if record:
        site.complete(entry)
    site.landed()


def test_robots_gate_blocks_and_seeds_sitemaps():
    site, failures = make_site()
    robots, = site.release(1.0)  # the start page waits for robots.txt
    assert robots.kind == ROBOTS and robots.url == "http://x.ru/robots.txt"
    assert site.release(1.0) == [] and not site.idle
    answer(site, robots, record=False)
    site.robots_loaded("http://x.ru", "User-agent: *\nDisallow: /private/\n"
                                      "Sitemap: http://x.ru/sm.xml\nSitemap: http://o.ru/s.xml\n")
    start, sitemap = site.release(1.0)
    assert start.start and start.kind == PAGE
    assert (sitemap.kind, sitemap.url) == (SITEMAP, "http://x.ru/sm.xml")  # o.ru: another site
    answer(site, start)
    answer(site, sitemap, record=False)
    site.start_reached(START)
    site.add_link("http://x.ru/private/a", "Закрыто", "main", 1, START)
    site.add_link("https://www.x.ru/open/", "Открыто", "main", 1, START)  # same site
    assert [(e.kind, e.url) for e in site.release(2.0)] == [
        (SITEMAP, "http://x.ru/sitemap.xml"),
        (ROBOTS, "https://www.x.ru/robots.txt")]  # another origin: its own robots.txt
    assert [(f.url, f.reason) for f in failures] == [("http://x.ru/private/a", "robots")]


def test_window_and_page_budget_are_exact():
    site, _ = make_site(max_pages=4, robots=False)
    start, = site.release(1.0)
    answer(site, start)
    for i in range(10):
        site.add_link(f"http://x.ru/p{i}/", f"Страница {i}", "main", 1, START)
    first = site.release(1.0)
    assert len(first) == 3 and site.inflight == 3  # the window
    for entry in first:
        answer(site, entry)
    assert site.release(1.0) == [] and site.stop_reason == "pages_budget"
    assert site.pages_done == 4 and site.idle


def test_hinted_link_found_later_moves_up():
    site, _ = make_site(robots=False)
    answer(site, site.release(1.0)[0])
    for i in range(5):
        site.add_link(f"http://x.ru/p{i}/", f"Страница {i}", "main", 1, START)
    site.add_link("http://x.ru/p4/", "Документы", "main", 1, START)  # the same URL, better text
    assert site.release(1.0)[0].url == "http://x.ru/p4/"


def test_query_variants_and_calendar_capped_unless_hinted():
    site, failures = make_site(robots=False, max_query_variants=2, max_calendar_pages=1)
    answer(site, site.release(1.0)[0])
    for i in range(4):
        site.add_link(f"http://x.ru/list/?page={i}", "Дальше", "main", 1, START)
        site.add_link(f"http://x.ru/calendar/?month={i}", "Месяц", "main", 1, START)
    site.add_link("http://x.ru/list/?page=9", "Документы", "main", 1, START)
    fetched = []
    while entries := site.release(1.0):
        for entry in entries:
            fetched.append(entry.url)
            answer(site, entry)
    assert sorted(fetched) == ["http://x.ru/calendar/?month=0", "http://x.ru/list/?page=0",
                               "http://x.ru/list/?page=1", "http://x.ru/list/?page=9"]
    assert {f.reason for f in failures} == {"trap"} and len(failures) == 2


def test_redirects_loop_offsite_and_start_move():
    site, _ = make_site(robots=False)
    start, = site.release(1.0)
    assert site.follow_redirect(start, "https://www.new-x.ru/") == ""  # the start may move
    assert site.key == "new-x.ru" and start.first_url == START
    assert start.reserved and site.release(1.0) == [start]
    assert site.follow_redirect(start, START) == "redirect_loop"
    page = site.release(1.0)  # nothing: the start is in flight
    assert page == []
    site.add_link("https://new-x.ru/a/", "А", "main", 1, START)
    entry, = site.release(1.0)
    assert site.follow_redirect(entry, "https://elsewhere.ru/") == "offsite_redirect"


def test_documents_budget_and_notes():
    site, _ = make_site(robots=False, max_documents=1)
    answer(site, site.release(1.0)[0])
    site.add_link("http://x.ru/a.pdf", "Устав", "main", 1, START)
    site.add_link("http://x.ru/b.pdf", "Отчёт", "main", 1, START)
    site.add_link("http://x.ru/a.pdf", "Устав организации", "footer", 1, "http://x.ru/o/")
    site.add_link("https://cdn.other.ru/c.pdf", "Внешний", "main", 1, START)
    docs = site.release(1.0)
    assert [e.kind for e in docs] == [DOC]
    answer(site, docs[0])
    by_url = {d.url: d for d in site.documents()}
    assert by_url["http://x.ru/a.pdf"].link_texts == ["Устав", "Устав организации"]
    assert by_url["http://x.ru/a.pdf"].linked_from == [START, "http://x.ru/o/"]
    assert "лимит документов" in by_url["http://x.ru/b.pdf"].error
    assert by_url["https://cdn.other.ru/c.pdf"].error == "внешний ресурс, не загружался"


def test_time_budget_stops_releasing():
    site, _ = make_site(robots=False, time_budget=10)
    answer(site, site.release(1.0)[0])
    site.add_link("http://x.ru/a/", "А", "main", 1, START)
    site.add_link("http://x.ru/late.pdf", "Поздний", "main", 1, START)
    assert site.release(11.0) == [] and site.stop_reason == "time_budget" and site.idle
    site.add_link("http://x.ru/b/", "Б", "main", 1, START)  # a late response's links
    assert site.release(12.0) == [] and site.idle
    assert "лимит времени" in site.documents()[0].error


def test_unreachable_start_and_fallback_to_root():
    site, _ = make_site(robots=False)
    site.start_failed(0)
    assert site.stop_reason == "unreachable"
    deep, _ = make_site("http://x.ru/old/page.html", robots=False)
    start, = deep.release(1.0)
    answer(deep, start)
    deep.start_failed(404)
    root, = deep.release(1.0)
    assert root.url == "http://x.ru/" and root.start
    answer(deep, root)
    deep.start_failed(404)
    assert deep.stop_reason == "unreachable" and deep.idle
