"""One crawl of a small hostile multi-page site, checked from many sides."""
from __future__ import annotations

import gzip

import pytest

from tests.crawler.helpers import (
    docx_bytes, endless_body, gzip_bomb, html_page, links, pdf_bytes, run_crawl,
)
from tests.sites import LocalSite

CP1251_TEXT = "Сведения об организации социального обслуживания"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _calendar(handler):
    month = int(handler.path.rsplit("=", 1)[1])
    return 200, HTML, html_page(links((f"/calendar/?month={month + 1}", "Следующий месяц")))


def _session_news(handler):
    token = f"{len(handler.path):x}".rjust(32, "a")  # a new session id in every answer
    return 200, HTML, html_page(links((f"/news/?PHPSESSID={token}", "Новости"),
                                      ("/news/?utm_source=x", "Новости снова")))


def _routes(site_url: str) -> dict:
    bomb = gzip_bomb(1024)
    return {
        "/robots.txt": lambda h: (200, {"Content-Type": "text/plain"},
                                  f"User-agent: *\nDisallow: /private/\n"
                                  f"Sitemap: {site_url}/map.xml\n"),
        "/map.xml": lambda h: (200, {"Content-Type": "application/xml"},
                               '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                               f'schemas/sitemap/0.9"><url><loc>{site_url}/hidden/</loc></url>'
                               "</urlset>"),
        # the default /sitemap.xml is a sitemap index naming a gzipped sitemap
        "/sitemap.xml": lambda h: (200, {"Content-Type": "application/xml"},
                                   '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
                                   'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
                                   f"{site_url}/map2.xml.gz</loc></sitemap></sitemapindex>"),
        "/map2.xml.gz": lambda h: (200, {"Content-Type": "application/gzip"}, gzip.compress(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{site_url}/hidden2/</loc></url></urlset>".encode())),
        "/cp1251/": lambda h: (200, {"Content-Type": "text/html"},
                               f"<html><body><h1>{CP1251_TEXT}</h1></body></html>"
                               .encode("cp1251")),
        "/loop": lambda h: (302, {"Location": "/loop2"}, ""),
        "/loop2": lambda h: (301, {"Location": f"{site_url}/loop"}, ""),
        "/big": lambda h: (200, HTML, b"<p>" + b"x" * (6 * 1024 * 1024)),
        "/stream-big": endless_body(8),
        "/bomb": lambda h: (200, {**HTML, "Content-Encoding": "gzip"}, bomb),
        "/calendar/": _calendar,
        "/news/": _session_news,
        "/files/report.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, pdf_bytes()),
        "/files/broken.pdf": lambda h: (200, {"Content-Type": "application/pdf"},
                                        b"<html>not a pdf</html>"),
        "/files/truncated.pdf": lambda h: (200, {"Content-Type": "application/pdf"},
                                           pdf_bytes()[:200]),
        "/files/order.docx": lambda h: (200, {"Content-Type": "application/octet-stream"},
                                        docx_bytes()),
        "/files/huge.pdf": lambda h: (200, {"Content-Type": "application/pdf"},
                                      b"%PDF-1.4" + b"0" * 1_500_000),
        "/download": lambda h: (200, {"Content-Type": "application/octet-stream",
                                      "Content-Disposition": 'attachment; filename="plan.pdf"'},
                                pdf_bytes("Plan of activities")),
    }


PAGES = {
    "/": html_page(
        "<nav>" + links(("/about/", "О нас"), ("/docs/", "Документы"), ("/cp1251/", "Кодировка"))
        + "</nav>" + links(("/missing", "Битая ссылка"), ("/loop", "Петля"), ("/big", "Большая"),
                           ("/stream-big", "Поток"), ("/bomb", "Бомба"),
                           ("/private/secret", "Закрытое"), ("/calendar/?month=1", "Календарь"),
                           ("/news/?PHPSESSID=0123456789abcdef0123456789abcdef", "Новости"),
                           ("https://gosuslugi.ru/", "Госуслуги"),
                           ("/logo.png", "Логотип")),
        "Главная"),
    "/about/": html_page("<h1>О нас</h1>" + links(("/", "Главная"))),
    "/hidden/": html_page("<h1>Страница только из карты сайта</h1>"),
    "/hidden2/": html_page("<h1>Страница из сжатой карты сайта</h1>"),
    "/docs/": html_page(links(
        ("/files/report.pdf", "Отчёт о деятельности"), ("/files/broken.pdf", "Сломанный PDF"),
        ("/files/truncated.pdf", "Обрезанный PDF"), ("/files/order.docx", "Приказ"),
        ("/files/gone.pdf", "Удалённый документ"), ("https://example.org/external.pdf",
                                                     "Внешний документ"),
        ("/download?id=7", "План"), ("/files/huge.pdf", "Огромный"))),
}


@pytest.fixture(scope="module")
def crawl():
    site = LocalSite(pages=PAGES)
    site.routes.update(_routes(site.url))
    with site:
        result = run_crawl(site.url + "/", options={"document_maxsize": 1_000_000})
    return site, result


def _page(snap, path):
    return next(p for p in snap.pages if p.url.endswith(path))


def _failures(snap, path):
    return [f for f in snap.failures if f.url.endswith(path)]


def test_site_crawled_within_frontier(crawl):
    site, result = crawl
    snap = result["site"]
    assert snap.reachable and snap.stop_reason == ""
    assert snap.site == f"127.0.0.1:{site.port}"
    assert {"/", "/about/", "/docs/", "/cp1251/", "/hidden/"} <= {
        p.url.removeprefix(site.url) for p in snap.ok_pages()}


def test_identifying_user_agent_and_robots(crawl):
    site, result = crawl
    assert site.user_agents and all(ua.startswith("nok-auditor/") for ua in site.user_agents)
    assert not any(path.startswith("/private/") for path in site.requests)
    assert _failures(result["site"], "/private/secret")[0].reason == "robots"
    assert site.requests.count("/robots.txt") == 1


def test_sitemaps_seed_unlinked_pages(crawl):
    site, result = crawl
    assert {"/map.xml", "/sitemap.xml", "/map2.xml.gz"} <= set(site.requests)
    assert _page(result["site"], "/hidden/").status == 200  # robots.txt's Sitemap: line
    assert _page(result["site"], "/hidden2/").status == 200  # /sitemap.xml index → .xml.gz


def test_undeclared_cp1251_page_decoded(crawl):
    page = _page(crawl[1]["site"], "/cp1251/")
    assert page.encoding == "windows-1251"
    assert page.headings == [CP1251_TEXT]


def test_404_recorded_as_page_and_failure(crawl):
    snap = crawl[1]["site"]
    assert _page(snap, "/missing").status == 404
    assert _failures(snap, "/missing")[0].reason == "http_404"


def test_redirect_loop_recorded(crawl):
    site, result = crawl
    failure = _failures(result["site"], "/loop")[0]
    assert failure.reason == "redirect_loop"
    assert site.requests.count("/loop") == 1 and site.requests.count("/loop2") == 1


@pytest.mark.parametrize("path", ["/big", "/stream-big", "/bomb"])
def test_oversized_responses_capped(crawl, path):
    snap = crawl[1]["site"]
    assert [f.reason for f in _failures(snap, path)] == ["too_large"]
    assert not any(p.url.endswith(path) for p in snap.pages)


def test_gzip_bomb_keeps_memory_low(crawl):
    # 1 GB inflated behind a 1 MB body: decompression stops at the 5 MB page cap
    assert crawl[1].peak_rss_mb < 300


def test_calendar_trap_bounded(crawl):
    site, result = crawl
    months = [p for p in site.requests if p.startswith("/calendar/")]
    assert 1 <= len(months) <= 5
    assert any(f.reason == "trap" for f in _failures(result["site"], "/calendar/?month=6"))


def test_session_ids_deduplicated(crawl):
    site, _ = crawl
    assert len([p for p in site.requests if p.startswith("/news/")]) == 1


def test_assets_and_other_sites_not_fetched(crawl):
    site, result = crawl
    assert "/logo.png" not in site.requests
    assert not any(p.url.startswith("https://gosuslugi.ru") for p in result["site"].pages)


def test_documents_recorded(crawl):
    docs = {d.url.rsplit("/", 1)[1]: d for d in crawl[1]["site"].documents}
    report = docs["report.pdf"]
    assert (report.status, report.kind, report.detected_kind) == (200, "pdf", "pdf")
    assert report.pages == 1 and report.text_layer and report.date == "2024-03-15"
    assert report.text_head.startswith("Annual report")
    assert report.link_texts == ["Отчёт о деятельности"] and report.linked_from[0].endswith(
        "/docs/")
    assert report.size == len(pdf_bytes())
    assert docs["broken.pdf"].detected_kind == "html" and docs["broken.pdf"].error
    assert docs["truncated.pdf"].detected_kind == "pdf"
    assert "повреждён" in docs["truncated.pdf"].error
    order = docs["order.docx"]
    assert order.detected_kind == "docx" and order.date == "2024-02-10"
    assert order.text_head.startswith("Положение о порядке")
    assert docs["gone.pdf"].status == 404 and "404" in docs["gone.pdf"].error
    external = docs["external.pdf"]
    assert external.status == 0 and external.error == "внешний ресурс, не загружался"
    assert external.link_texts == ["Внешний документ"]
    huge = docs["huge.pdf"]
    assert huge.status == 0 and huge.size == 1_500_008 and "размера" in huge.error
    plan = docs["download?id=7"]
    assert (plan.kind, plan.detected_kind, plan.text_head) == ("pdf", "pdf",
                                                               "Plan of activities")
