"""SiteSpider: one generic spider crawling a list of organisation sites in one run.

Each site's frontier (crawler/frontier.py) decides what to fetch; the spider keeps only a few
requests per site in Scrapy at a time (its politeness window), so priorities, budgets and the
per-site pending count stay exact, and hundreds of sites share one process without one site
filling the queues. Every request reports back to its site through `_on_response`/`_on_error`.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from time import monotonic

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from checks.snapshot import Failure, Page
from crawler.documents import inspect_document, response_kind
from crawler.extract import extract_page
from crawler.failures import REDIRECT_DETAILS, announced_size, describe_error, http_failure
from crawler.frontier import DOC, PAGE, ROBOTS, SITEMAP, Entry, Site
from crawler.options import CrawlOptions
from crawler.priority import Prioritizer
from crawler.sink import Sink
from crawler.sitekey import dedup_key, is_http, normalise_start_url, origin, site_key

logger = logging.getLogger(__name__)

ROBOTS_MAXSIZE = 512 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
# progress(stats): after every page, fetched document and finished site; stats holds
# org_id and site_pages (that site's pages so far), and run totals: pages, documents,
# failures, sites_done, sites
Progress = Callable[[dict], None]


def _headers(response) -> dict[str, str]:
    return {k.decode("latin-1").lower(): b",".join(v).decode("utf-8", "replace")
            for k, v in response.headers.items()}


def _looks_html(content_type: str, body: bytes) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    if mime:
        return mime in HTML_TYPES
    return body[:1024].lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, targets: Iterable[tuple[str, str]] = (), sink: Sink | None = None,
                 hints: dict | None = None, options: CrawlOptions | dict | None = None,
                 resume: dict[str, list[Page]] | None = None, skip: Iterable[str] = (),
                 progress: Progress | None = None, **kwargs):
        super().__init__(**kwargs)
        if sink is None:
            raise ValueError("SiteSpider needs a sink (use crawler.run.crawl)")
        self.sink = sink
        self.options = CrawlOptions.model_validate(options or {})
        self.prioritizer = Prioritizer(hints)
        self.resume = resume or {}
        self.skip = set(skip)
        self.progress = progress
        self.waiting = deque((str(org), url) for org, url in targets)
        self.sites: dict[str, Site] = {}
        self.totals = {"pages": 0, "documents": 0, "failures": 0, "sites_done": 0,
                       "sites": len(self.waiting)}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        spider.robots_agent = settings.get("USER_AGENT")
        spider.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        spider.page_maxsize = settings.getint("DOWNLOAD_MAXSIZE")
        spider.window = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") + 1
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    async def start(self):
        for request in self._open_more():
            yield request

    # ---- sites ----------------------------------------------------------------------------
    def _open_more(self) -> list[scrapy.Request]:
        """Start waiting sites while fewer than `max_active_sites` are being crawled."""
        requests: list[scrapy.Request] = []
        while self.waiting and len(self.sites) < self.options.max_active_sites:
            org_id, url = self.waiting.popleft()
            if org_id not in self.skip:
                requests += self._open(org_id, url)
        return requests

    def _open(self, org_id: str, url: str) -> list[scrapy.Request]:
        start = normalise_start_url(url)
        valid = is_http(start) and bool(site_key(start))
        self.sink.site_started(org_id, start if valid else url)
        site = self.sites[org_id] = Site(
            org_id, start, options=self.options, prioritizer=self.prioritizer, now=monotonic(),
            window=self.window, obey_robots=self.obey_robots, user_agent=self.robots_agent,
            report=lambda failure: self._failure(org_id, failure))
        if not valid:
            site.report(Failure(url=url, reason="bad_url", detail="некорректный адрес сайта"))
            site.stop("unreachable")
        elif org_id in self.resume:
            self._restore(site, self.resume[org_id])
        else:
            site.seed_start()
        return self._pump(site)

    def _restore(self, site: Site, pages: list[Page]) -> None:
        """Resume: stored pages are not fetched again, their links go back to the frontier."""
        for page in pages:
            site.seen.update((dedup_key(page.url), dedup_key(page.final_url)))
            site.pages_done += 1
            if page.depth == 0 and 200 <= page.status < 300:
                site.start_reached(page.final_url)
        for page in pages:
            if 200 <= page.status < 300:
                self._expand(site, page)
        if dedup_key(site.start_url) not in site.seen:
            site.seed_start()

    def _pump(self, site: Site) -> list[scrapy.Request]:
        """Requests the site may make now; finishes it when nothing is left."""
        requests = []
        for entry in site.release(monotonic()):
            try:
                requests.append(self._request(site, entry))
            except ValueError as exc:  # a URL Scrapy cannot request
                site.landed()
                site.complete(entry)
                site.report(Failure(url=entry.requested_url, reason="bad_url",
                                    detail=f"некорректный адрес ({exc})"))
        if site.idle:
            self._finish(site)
        return requests

    def _finish(self, site: Site) -> None:
        for doc in site.documents():
            self.sink.document(site.org_id, doc)
        self.sink.site_finished(site.org_id, site.finish_reason())
        del self.sites[site.org_id]
        self.totals["sites_done"] += 1
        self._progress(site)

    def _failure(self, org_id: str, failure: Failure) -> None:
        self.totals["failures"] += 1
        self.sink.failure(org_id, failure)

    def _progress(self, site: Site) -> None:
        if self.progress:
            self.progress({"org_id": site.org_id, "site_pages": site.pages_done, **self.totals})

    def _request(self, site: Site, entry: Entry) -> scrapy.Request:
        """The one place requests are built (a later browser-rendering mode hooks in here)."""
        meta = {"nok_org": site.org_id, "nok_entry": entry, "download_slot": site.key,
                "download_timeout": max(1.0, min(self.timeout, site.deadline - monotonic()))}
        if entry.kind in (PAGE, DOC):  # the frontier follows redirects: same-site, no loops
            meta.update(dont_redirect=True, handle_httpstatus_all=True)
        if entry.kind == DOC:
            meta["download_maxsize"] = self.options.document_maxsize
        elif entry.kind == ROBOTS:
            meta["download_maxsize"] = ROBOTS_MAXSIZE
        return scrapy.Request(entry.url, callback=self._on_response, errback=self._on_error,
                              meta=meta, dont_filter=True)

    # ---- outcomes -------------------------------------------------------------------------
    async def _on_response(self, response):
        entry: Entry = response.meta["nok_entry"]
        site = self.sites.get(response.meta["nok_org"])
        if site is None:  # the crawl is closing
            return []
        try:
            await self._handle(site, entry, response)
        except Exception as exc:  # noqa: BLE001 - one bad response must not stop the site
            logger.exception("failed to process %s", response.url)
            site.complete(entry)
            site.report(Failure(url=entry.requested_url, reason="internal",
                                detail=f"внутренняя ошибка обработки ({type(exc).__name__})"))
        finally:
            site.landed()
        return self._pump(site) + self._open_more()

    def _on_error(self, failure):
        request = failure.request
        entry: Entry = request.meta["nok_entry"]
        site = self.sites.get(request.meta["nok_org"])
        if site is None:
            return []
        maxsize = request.meta.get("download_maxsize", self.page_maxsize)
        reason, detail = describe_error(failure.value, timeout=request.meta["download_timeout"],
                                        maxsize=maxsize)
        site.landed()
        if entry.kind == ROBOTS:
            site.robots_loaded(origin(entry.url), None)
            site.report(Failure(url=entry.url, reason=reason, detail=detail))
        elif entry.kind in (PAGE, DOC):
            self._fail(site, entry, reason, detail)
            if entry.kind == DOC:
                site.document_for(entry).size = announced_size(failure.value)
            if entry.start and not site.reached:
                site.stop("unreachable")
        return self._pump(site) + self._open_more()

    def _fail(self, site: Site, entry: Entry, reason: str, detail: str, status: int = 0) -> None:
        site.complete(entry)
        site.report(Failure(url=entry.requested_url, reason=reason, detail=detail))
        if entry.kind == DOC:
            doc = site.document_for(entry)
            doc.error, doc.status = detail, status

    async def _handle(self, site: Site, entry: Entry, response) -> None:
        headers = _headers(response)
        status = response.status
        if entry.kind == ROBOTS:
            body = response.body.decode("utf-8", "replace") if status == 200 else None
            site.robots_loaded(origin(entry.url), body)
        elif entry.kind == SITEMAP:
            self._sitemap(site, response)
        elif 300 <= status < 400 and headers.get("location"):
            self._redirect(site, entry, response, headers)
        elif entry.kind == DOC or response_kind(headers.get("content-type", ""),
                                                headers.get("content-disposition", "")):
            await self._document(site, entry, response, headers)
        elif _looks_html(headers.get("content-type", ""), response.body):
            self._page(site, entry, response, headers)
        else:
            site.complete(entry)
            if 200 <= status < 300:
                reason, detail = "not_html", f"не веб-страница ({headers.get('content-type')})"
            else:
                reason, detail = http_failure(status)
            site.report(Failure(url=entry.requested_url, reason=reason, detail=detail))
            if entry.start:
                site.start_failed(status)

    def _redirect(self, site: Site, entry: Entry, response, headers: dict[str, str]) -> None:
        target = response.urljoin(headers["location"].strip())
        reason = site.follow_redirect(entry, target.split("#", 1)[0],
                                      sets_cookie="set-cookie" in headers)
        if reason:
            detail = f"{REDIRECT_DETAILS[reason]}: {response.url} → {target}"
            self._fail(site, entry, reason, detail, status=response.status)
            if entry.start:
                site.start_failed()

    def _page(self, site: Site, entry: Entry, response, headers: dict[str, str]) -> None:
        page = extract_page(response.body, url=entry.requested_url, final_url=response.url,
                            status=response.status, headers=headers, depth=entry.depth)
        site.complete(entry)
        self.sink.page(site.org_id, page)
        self.totals["pages"] += 1
        self._progress(site)
        if 200 <= page.status < 300:
            if entry.start:
                site.start_reached(page.final_url)
            self._expand(site, page)
        else:
            reason, detail = http_failure(page.status)
            site.report(Failure(url=page.url, reason=reason, detail=detail))
            if entry.start:
                site.start_failed(page.status)

    def _expand(self, site: Site, page: Page) -> None:
        depth = page.depth + 1
        for link in page.links:
            site.add_link(link.url, link.text, link.area, depth, page.final_url)
        for src in page.iframes:  # same-site frames are parts of the page worth reading
            site.add_link(src, "", "main", depth, page.final_url)

    async def _document(self, site: Site, entry: Entry, response,
                        headers: dict[str, str]) -> None:
        content_type = headers.get("content-type", "")
        doc = site.document_for(entry, response_kind(content_type,
                                                     headers.get("content-disposition", "")))
        doc.final_url, doc.status, doc.content_type = response.url, response.status, content_type
        doc.size = len(response.body)
        site.complete(entry)
        self.totals["documents"] += 1
        self._progress(site)
        if 200 <= response.status < 300:
            # parsing a big PDF takes a while: off the event loop, so other sites keep going
            info = await asyncio.to_thread(inspect_document, response.body)
            for name, value in info.items():
                setattr(doc, name, value)
        else:
            doc.error = f"документ недоступен (HTTP {response.status})"
            site.report(Failure(url=entry.requested_url, reason=http_failure(response.status)[0],
                                detail=doc.error))

    def _sitemap(self, site: Site, response) -> None:
        if response.status != 200:
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.page_maxsize)
            except (OSError, EOFError, ValueError):
                return
        try:
            sitemap = Sitemap(body)
        except Exception:  # noqa: BLE001 - not XML: no sitemap
            return
        for item in sitemap:
            loc = (item.get("loc") or "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                site.add_sitemap(loc)
            elif sitemap.type == "urlset":
                site.add_sitemap_url(loc)

    # ---- engine signals -------------------------------------------------------------------
    def _on_idle(self) -> None:
        """Nothing is in flight anywhere: open waiting sites; a site still counting requests
        in flight would wait forever, so it is closed (an accounting bug, logged)."""
        requests = []
        for site in list(self.sites.values()):
            if site.inflight:
                logger.error("site %s: %d requests unaccounted for", site.org_id, site.inflight)
                site.inflight = 0
                site.stop("internal_error")
            requests += self._pump(site)
        requests += self._open_more()
        for request in requests:
            self.crawler.engine.crawl(request)
        if self.sites or self.waiting:
            raise DontCloseSpider

    def _on_closed(self, reason: str) -> None:
        for site in list(self.sites.values()):
            site.stop("interrupted")
            self._finish(site)
