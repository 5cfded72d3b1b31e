"""Link priority and the per-site page, depth and time budgets."""
from __future__ import annotations

import time

from tests.crawler.helpers import html_page, links, run_crawl
from tests.sites import LocalSite

HINTS = {"link_texts": ["Сведения об организации", "Документы", "обратная связь"],
         "url_patterns": [r"/sveden/"]}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_hinted_links_fetched_first_within_page_budget():
    plain = [(f"/page{i}/", f"Новость {i}") for i in range(20)]
    home = html_page(links(*plain) + links(
        ("/o-nas/", "Основные сведения об организации"), ("/dokumenty/", "Документы"),
        ("/contacts/", "Обратная связь"), ("/razdel/sveden/", "Раздел")))
    pages = {"/": home, **{path: html_page("<p>x</p>") for path, _ in plain}}
    for path in ("/o-nas/", "/dokumenty/", "/contacts/", "/razdel/sveden/"):
        pages[path] = html_page("<p>нужная страница</p>")
    with LocalSite(pages=pages) as site:
        result = run_crawl(site.url + "/", options={"max_pages": 5}, hints=HINTS)
    snap = result["site"]
    fetched = {p.url.removeprefix(site.url) for p in snap.pages}
    assert fetched == {"/", "/o-nas/", "/dokumenty/", "/contacts/", "/razdel/sveden/"}
    assert not any(path.startswith("/page") for path in site.requests)
    assert snap.stop_reason == "pages_budget"


def test_depth_budget():
    chain = {f"/d{i}/": html_page(links((f"/d{i + 1}/", "дальше"))) for i in range(10)}
    chain["/"] = html_page(links(("/d1/", "дальше")))
    with LocalSite(pages=chain) as site:
        result = run_crawl(site.url + "/", options={"max_depth": 3})
    snap = result["site"]
    assert sorted(p.depth for p in snap.pages) == [0, 1, 2, 3]
    assert "/d4/" not in site.requests
    assert snap.stop_reason == "depth_budget"


def _slow_endless(handler):
    time.sleep(0.3)
    n = int(handler.path.strip("/").rsplit("/", 1)[-1] or 0)
    return 200, HTML, html_page(links((f"/t/{n + 1}", "дальше"), (f"/t/{n + 2}", "ещё")))


def test_time_budget_stops_the_site():
    with LocalSite(routes={"/": _slow_endless, "/t/": _slow_endless}) as site:
        for n in range(200):
            site.routes[f"/t/{n}"] = _slow_endless
        result = run_crawl(site.url + "/", options={"time_budget": 2, "max_depth": 50})
    snap = result["site"]
    assert snap.stop_reason == "time_budget"
    assert 3 <= len(snap.pages) < 20
    assert (snap.finished_at - snap.started_at).total_seconds() < 4
