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

from checks.snapshot import BrowserTrial, Failure, Page, Probe
from crawler import browser
from crawler.documents import inspect_document, response_kind
from crawler.extract import extract_page
from crawler.failures import REDIRECT_DETAILS, announced_size, describe_error, http_failure
from crawler.frontier import DOC, PAGE, PROBE, RENDER, ROBOTS, SITEMAP, Entry, Site
from crawler.options import CrawlOptions
from crawler.plan import Planner
from crawler.priority import Prioritizer
from crawler.sink import Sink
from crawler.sitekey import dedup_key, is_http, normalise_start_url, origin, site_key

logger = logging.getLogger(__name__)

ROBOTS_MAXSIZE = 512 * 1024
PROBE_MAXSIZE = 2 * 1024 * 1024  # a probe's GET reads at most this (its status is what counts)
PROBE_TIMEOUT = 15.0
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
                 progress: Progress | None = None, render_note: str = "", **kwargs):
        super().__init__(**kwargs)
        if sink is None:
            raise ValueError("SiteSpider needs a sink (use crawler.run.crawl)")
        self.sink = sink
        self.options = CrawlOptions.model_validate(options or {})
        self.prioritizer = Prioritizer(hints)
        self.planner = Planner(hints)
        self.render_note = render_note  # why the browser is not used, when it is not
        self.stand_ins = browser.RequestPolicy(set(), third_party=True,
                                               stand_ins=self.options.stand_ins, screenshots=False)
        render = self.options.render
        self.max_renders = (0 if render == "never" else self.options.max_renders if render == "auto"
                            else max(self.options.max_renders, self.options.max_pages))
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
            report=lambda failure: self._failure(org_id, failure), planner=self.planner,
            max_renders=self.max_renders)
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
        while site.blocked_entries:  # renders and probes robots.txt refused
            entry = site.blocked_entries.pop()
            if entry.kind == RENDER:
                self._emit(site, site.release_held(entry))
            else:
                self._probe_result(site, entry, reason="robots",
                                   error="не проверялась: запрещено в robots.txt")
        if site.idle:
            self._finish(site)
        return requests

    def _finish(self, site: Site) -> None:
        for render in list(site.held.values()):  # renders the site's stop left undone
            self._emit(site, site.release_held(render))
        self._trial_not_run(site)
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
        """The one place requests are built: pages, documents, robots.txt and sitemaps over
        HTTP; RENDER entries through the browser (scrapy-playwright); PROBE entries as HEAD
        (GET after a refused HEAD) that send nothing. Off-site targets get their own
        politeness slot; an origin with a stand-in (tests) is asked at the stand-in."""
        meta = {"nok_org": site.org_id, "nok_entry": entry, "download_slot": site.key,
                "download_timeout": max(1.0, min(self.timeout, site.deadline - monotonic()))}
        url, method = entry.url, "GET"
        local = self.stand_ins.stand_in(url)
        if local:
            url = local
        if site_key(entry.url) not in site.keys:
            meta["download_slot"] = site_key(entry.url)
        if entry.kind in (PAGE, DOC, PROBE):  # the frontier follows redirects: same-site, no loops
            meta.update(dont_redirect=True, handle_httpstatus_all=True)
        if entry.kind == DOC:
            meta["download_maxsize"] = self.options.document_maxsize
        elif entry.kind == ROBOTS:
            meta["download_maxsize"] = ROBOTS_MAXSIZE
        elif entry.kind == PROBE:
            method = entry.method
            meta.update(download_maxsize=PROBE_MAXSIZE, dont_retry=True,
                        download_timeout=min(PROBE_TIMEOUT, meta["download_timeout"]))
        elif entry.kind == RENDER:
            meta.update(
                playwright=True, playwright_include_page=True,
                playwright_context="nok",
                playwright_context_kwargs=browser.context_kwargs(self.robots_agent),
                playwright_page_init_callback=self._init_browser_page,
                playwright_page_goto_kwargs={
                    "wait_until": "load", "timeout": int(self.options.render_timeout * 1000)},
                nok_started=monotonic())
        return scrapy.Request(url, method=method, callback=self._on_response,
                              errback=self._on_error, meta=meta, dont_filter=True)

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
        if entry.kind == RENDER:
            page = request.meta.get("playwright_page")
            if page is not None:
                asyncio.ensure_future(page.close())
            site.report(Failure(url=entry.url, reason="render_failed",
                                detail=f"страница не отрисовалась в браузере: {detail}"))
            self._emit(site, site.release_held(entry))
        elif entry.kind == PROBE:
            self._probe_result(site, entry, reason=reason, error=detail)
        elif entry.kind == ROBOTS:
            site.robots_loaded(origin(entry.url), None)
            site.report(Failure(url=entry.url, reason=reason, detail=detail))
        elif entry.kind in (PAGE, DOC):
            self._fail(site, entry, reason, detail)
            if entry.kind == DOC:
                site.document_for(entry).size = announced_size(failure.value)
            if entry.start and not site.reached:
                site.stop("unreachable")
        return self._pump(site) + self._open_more()

    def _pace(self, site: Site, entry: Entry, slot: str) -> None:
        """robots.txt Crawl-delay, up to `max_crawl_delay`, becomes the slot's least pause."""
        wanted = site.crawl_delay(origin(entry.url))
        if wanted:
            pause = min(wanted, self.options.max_crawl_delay)
            logger.info("%s: robots.txt asks for %.1f s between requests, pausing %.1f s", entry.url, wanted, pause)
            self.crawler.engine.downloader.pace(slot, pause)

    def _fail(self, site: Site, entry: Entry, reason: str, detail: str, status: int = 0) -> None:
        site.complete(entry)
        site.report(Failure(url=entry.requested_url, reason=reason, detail=detail))
        if entry.kind == DOC:
            doc = site.document_for(entry)
            doc.error, doc.status = detail, status

    async def _handle(self, site: Site, entry: Entry, response) -> None:
        headers = _headers(response)
        status = response.status
        if entry.kind == RENDER:
            await self._rendered(site, entry, response)
        elif entry.kind == PROBE:
            self._probed(site, entry, response, headers)
        elif entry.kind == ROBOTS:
            body = response.body.decode("utf-8", "replace") if status == 200 else None
            site.robots_loaded(origin(entry.url), body)
            self._pace(site, entry, response.meta["download_slot"])
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
        self.totals["pages"] += 1
        held = False
        if 200 <= page.status < 300:
            if entry.start:
                site.start_reached(page.final_url)
            self._expand(site, page)
            self._plan_probes(site, page)
            held = self._plan_render(site, entry, page)
        if not held:
            self._emit(site, page)
        if not 200 <= page.status < 300:
            reason, detail = http_failure(page.status)
            site.report(Failure(url=page.url, reason=reason, detail=detail))
            if entry.start:
                site.start_failed(page.status)

    def _emit(self, site: Site, page: Page | None) -> None:
        """A page goes to the sink: the static one, or the rendered one that replaced it."""
        if page is None:
            return
        self.sink.page(site.org_id, page)
        self._progress(site)

    # ---- the browser ----------------------------------------------------------------------
    def _plan_render(self, site: Site, entry: Entry, page: Page) -> bool:
        """Queue the page for the browser when it needs one; True: the page is held."""
        if not self.max_renders:
            if not site.trial_hint:
                site.trial_hint = self.planner.trial_control(page) if self.planner.has_trial else ""
            return False
        reasons = []
        if self.options.render == "always":
            reasons.append("все страницы отрисовываются (--render always)")
        if page.js_signals:
            reasons.append("признаки содержимого, которое строят скрипты: " + ", ".join(page.js_signals))
        if entry.render and (page.scripts or page.inline_scripts):  # without scripts: as it is
            reasons.append("страница нужна правилу в браузере")
        trial = False
        if self.planner.has_trial and not site.trial_done and not site.trial_hint:
            site.trial_hint = self.planner.trial_control(page)
            if site.trial_hint:
                trial = True
                reasons.append("включить версию для слабовидящих: " + site.trial_hint)
        if not reasons:
            return False
        queued = site.add_render(entry, page, "; ".join(reasons), trial=trial)
        site.trial_queued = site.trial_queued or (queued and trial)
        return queued

    async def _init_browser_page(self, page, request) -> None:
        site = self.sites.get(request.meta["nok_org"])
        policy = browser.RequestPolicy(
            site.keys if site is not None else set(), third_party=self.options.browser_third_party,
            stand_ins=self.options.stand_ins, screenshots=self.options.screenshots)
        await policy.attach(page)

    async def _rendered(self, site: Site, entry: Entry, response) -> None:
        """The page again, as the browser built it: it replaces the static page in the sink
        (which it keeps as `static`), its new links go to the frontier, and while it is open
        the low-vision version is switched on if the site has not had its trial yet."""
        pw_page = response.meta.get("playwright_page")
        static = site.release_held(entry)
        try:
            if pw_page is None or not 200 <= response.status < 300:
                site.report(Failure(url=entry.url, reason="render_failed",
                                    detail=f"в браузере страница ответила кодом {response.status}"))
                self._emit(site, static)
                return
            settle_began = monotonic()
            await browser.settle(pw_page, min(browser.SETTLE_SECONDS,
                                              max(0.1, site.deadline - monotonic())))
            body = (await pw_page.content()).encode("utf-8")
            took = response.meta.get("download_latency", 0.0) + monotonic() - settle_began
            page = extract_page(body, url=static.url, final_url=static.final_url,
                                status=static.status, depth=static.depth,
                                headers={"content-type": "text/html; charset=utf-8",
                                         "last-modified": static.last_modified})
            page.rendered, page.render_reason, page.static = True, entry.reason, static
            page.render_ms = int(took * 1000)
            page.js_signals = static.js_signals
            self._emit(site, page)
            self._expand(site, page)
            self._plan_probes(site, page)
            # the trial runs on the page that suggested it; any rendered page may offer one
            # when no static page did (a button built by scripts)
            if not site.trial_done and self.planner.has_trial and (entry.trial or not site.trial_queued):
                await self._trial(site, pw_page)
        except Exception as exc:  # noqa: BLE001 - the static page stands when the browser fails
            logger.warning("render of %s failed: %s", entry.url, exc)
            site.report(Failure(url=entry.url, reason="render_failed",
                                detail=f"страница не отрисовалась в браузере ({type(exc).__name__})"))
            self._emit(site, static)
        finally:
            if pw_page is not None:
                await pw_page.close()

    async def _trial(self, site: Site, pw_page) -> None:
        controls = await browser.find_controls(pw_page, self.planner.trial)
        if not controls:
            return
        site.trial_done = True
        deadline = min(site.deadline, monotonic() + self.options.render_timeout)
        shot = self._shot_path(site, "low-vision") if self.options.screenshots else None
        trial = await browser.low_vision_trial(pw_page, controls, deadline=deadline, shot=shot)
        await browser.forget(pw_page)  # the version stays off for the site's next renders
        self._record(site, "trial", trial)

    def _trial_not_run(self, site: Site) -> None:
        """A low-vision control was seen but never switched on: say why."""
        if site.trial_done or not site.trial_hint:
            return
        if self.options.render == "never":
            why = self.render_note or "браузер не использовался (--render never)"
        elif site.renders >= site.max_renders:
            why = "исчерпан лимит страниц, отрисованных в браузере"
        else:
            why = "в браузере кнопка или ссылка версии для слабовидящих не найдена"
        self._record(site, "trial", BrowserTrial(page_url=site.start_url, control=site.trial_hint,
                                                 error=why))

    def _shot_path(self, site: Site, name: str):
        return browser.shot_folder(self.options.screenshot_dir, site.org_id) / f"{name}.jpg"

    # ---- safe probes ----------------------------------------------------------------------
    def _plan_probes(self, site: Site, page: Page) -> None:
        if not self.options.probes or not self.options.max_probes:
            return
        for url, purpose in self.planner.probe_targets(page, site.keys):
            if not self.options.probe_external and site_key(url) not in site.keys:
                continue
            site.add_probe(url, purpose, page.final_url)

    def _probed(self, site: Site, entry: Entry, response, headers: dict[str, str]) -> None:
        status = response.status
        if entry.method == "HEAD" and status in (405, 501):  # HEAD refused: GET, still nothing sent
            entry.method = "GET"
            site.retry(entry)
            return
        self._probe_result(site, entry, status=status, location=headers.get("location", ""),
                           content_type=headers.get("content-type", ""))

    def _probe_result(self, site: Site, entry: Entry, *, status: int = 0, location: str = "",
                      content_type: str = "", reason: str = "", error: str = "") -> None:
        via = self.stand_ins.stand_in(entry.url)
        self._record(site, "probe", Probe(
            url=entry.url, purpose=entry.purpose or "link", found_on=entry.found_on,
            method=entry.method if status or reason not in ("robots",) else "", status=status,
            location=location, content_type=content_type, reason=reason, error=error, via=via))

    def _record(self, site: Site, kind: str, item) -> None:
        """Probes and trials go to the sink's `probe`/`trial`; a sink without them (an older
        batch store) simply does not keep them."""
        method = getattr(self.sink, kind, None)
        if method is not None:
            method(site.org_id, item)

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
