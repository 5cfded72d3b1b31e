"""Hostile or dead sites are bounded and do not hold the others up."""
from __future__ import annotations

from tests.crawler.helpers import closed_port_url, html_page, links, run_crawl, slow_drip
from tests.sites import LocalSite


def test_slow_drip_bounded_by_response_timeout():
    pages = {"/": html_page(links(("/drip", "Медленно"), ("/fast/", "Быстро"))),
             "/fast/": html_page("<p>ok</p>")}
    with LocalSite(pages=pages, routes={"/drip": slow_drip(30)}) as site:
        result = run_crawl(site.url + "/", options={"download_timeout": 2},
                           settings={"RETRY_TIMES": 0})
    snap = result["site"]
    assert [f.reason for f in snap.failures] == ["timeout"]
    assert "2 с" in snap.failures[0].detail
    assert {p.url.removeprefix(site.url) for p in snap.pages} == {"/", "/fast/"}
    assert result.elapsed < 10


def test_dead_site_does_not_stop_the_others():
    dead = closed_port_url()
    pages = {"/": html_page(links(*[(f"/p{i}/", f"Страница {i}") for i in range(5)]))}
    pages.update({f"/p{i}/": html_page(f"<p>{i}</p>") for i in range(5)})
    with LocalSite(pages=pages) as site:
        result = run_crawl([("dead", dead), ("good", site.url + "/")])
    dead_snap, good = result["dead"], result["good"]
    assert not dead_snap.reachable and dead_snap.stop_reason == "unreachable"
    assert not dead_snap.pages
    assert {f.reason for f in dead_snap.failures} == {"refused"}
    assert dead_snap.finished_at is not None
    assert good.reachable and len(good.ok_pages()) == 6 and good.stop_reason == ""


def test_unreachable_when_start_answers_5xx():
    routes = {"/": lambda h: (503, {"Content-Type": "text/html"}, "<h1>Сервис недоступен</h1>")}
    with LocalSite(routes=routes) as site:
        result = run_crawl(site.url + "/", settings={"RETRY_TIMES": 0})
    snap = result["site"]
    assert not snap.reachable and snap.stop_reason == "unreachable"
    assert snap.pages[0].status == 503 and snap.failures[0].reason == "http_503"


def test_start_redirect_to_another_host_moves_the_site():
    pages = {"/": html_page(links(("/inner/", "Внутренняя"))), "/inner/": html_page("<p>ok</p>")}
    with LocalSite(pages=pages, host="127.0.0.2") as new:
        old_routes = {"/": lambda h: (301, {"Location": new.url + "/"}, "")}
        with LocalSite(routes=old_routes) as old:
            result = run_crawl(old.url + "/")
    snap = result["site"]
    assert snap.site == f"127.0.0.2:{new.port}"
    assert snap.pages[0].url == old.url + "/" and snap.pages[0].final_url == new.url + "/"
    assert [p.final_url for p in snap.ok_pages()] == [new.url + "/", new.url + "/inner/"]


def test_deep_start_url_404_falls_back_to_root():
    pages = {"/": html_page(links(("/a/", "Раздел"))), "/a/": html_page("<p>ok</p>")}
    with LocalSite(pages=pages) as site:
        result = run_crawl(site.url + "/old/index.html")
    snap = result["site"]
    assert snap.reachable and snap.pages[0].status == 404
    assert {p.url.removeprefix(site.url) for p in snap.ok_pages()} == {"/", "/a/"}


def test_cookie_check_redirect_passes():
    """"Set a cookie and come back": without cookies this is an endless redirect."""
    def home(handler):
        if "checked=1" in (handler.headers.get("Cookie") or ""):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, html_page("<p>ok</p>")
        return 302, {"Location": "/", "Set-Cookie": "checked=1; Path=/"}, ""
    with LocalSite(routes={"/": home}) as site:
        result = run_crawl(site.url + "/")
    assert result["site"].reachable and site.requests.count("/") == 2
