"""Per-site crawl state: prioritised frontier, dedup, budgets, traps and the robots.txt gate.

Plain bookkeeping with no Scrapy in it: the spider turns the entries `release()` hands out into
requests and reports each outcome back. `inflight` counts entries handed out and not yet
reported, so a site with nothing in flight and nothing queued is finished.
"""
from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from protego import Protego
from w3lib.url import canonicalize_url

from checks.snapshot import Document, Failure, Page
from crawler import priority
from crawler.options import CrawlOptions
from crawler.plan import Planner
from crawler.priority import Prioritizer
from crawler.sitekey import (
    clean_url, dedup_key, document_kind, is_asset, is_calendar, is_http, origin, path_key,
    same_site, site_key, trap_reason,
)

PAGE, DOC, SITEMAP, ROBOTS = "page", "document", "sitemap", "robots"
RENDER, PROBE = "render", "probe"  # a fetched page again in the browser; a safe probe
RENDER_SCORE = priority.START - 1  # a held page waits for its render: soon after the page
PROBE_SCORE = priority.START - 2
MAX_LINKED_FROM = 20
MAX_LINK_TEXTS = 20

EXTERNAL = "внешний ресурс, не загружался"
NOT_FETCHED = {
    "time_budget": "не загружался: исчерпан лимит времени на сайт",
    "unreachable": "не загружался: сайт недоступен",
    "interrupted": "не загружался: обход прерван",
}
TRAP_DETAILS = {
    "long_url": "слишком длинный адрес",
    "deep_path": "слишком много уровней в адресе",
    "repeated_segments": "повторяющиеся части адреса (ловушка для робота)",
    "calendar": "календарь: страницы по датам бесконечны, обход ограничен",
    "query_variants": "много вариантов адреса с параметрами, остальные пропущены",
}


@dataclass(eq=False)
class Entry:
    url: str  # the URL to request now (a redirect hop moves it on)
    kind: str  # PAGE, DOC, SITEMAP, ROBOTS
    depth: int = 0
    score: float = 0.0
    hinted: bool = False  # its link text matched a hint: exempt from trap caps
    calendar: bool = False
    start: bool = False  # the start URL: may redirect to another host, which becomes the site
    first_url: str = ""  # the URL before redirects
    hops: list[str] = field(default_factory=list)  # canonical URLs of the redirect chain
    reserved: bool = False  # holds a page or document budget slot
    live: bool = True  # False once superseded in the heap
    render: bool = False  # a rule wants the page in a browser (its link or URL says so)
    # RENDER: the static page held back until the rendered one replaces it, and why
    page: Page | None = None
    reason: str = ""
    trial: bool = False  # RENDER: switch the low-vision version on while the page is open
    # PROBE: what the target is (link | form | widget), where it was found, HEAD or GET
    purpose: str = ""
    found_on: str = ""
    method: str = "HEAD"

    @property
    def requested_url(self) -> str:
        return self.first_url or self.url


class Site:
    def __init__(self, org_id: str, start_url: str, *, options: CrawlOptions,
                 prioritizer: Prioritizer, now: float, window: int, obey_robots: bool,
                 user_agent: str, report: Callable[[Failure], None],
                 planner: Planner | None = None, max_renders: int = 0):
        self.org_id = org_id
        self.start_url = start_url
        self.opts = options
        self.prio = prioritizer
        self.window = window
        self.obey_robots = obey_robots
        self.user_agent = user_agent
        self.report = report
        self.deadline = now + options.time_budget
        self.key = site_key(start_url)
        self.keys = {self.key}
        self.heap: list[tuple[float, int, Entry]] = []
        self._seq = itertools.count()
        self.queued: dict[str, Entry] = {}  # dedup key -> entry waiting in the heap
        self.seen: set[str] = set()  # dedup keys queued or done
        self.inflight = 0
        self.pages_done = self.pages_active = self.docs_done = self.docs_active = 0
        self.variants: Counter[str] = Counter()
        self.calendar_pages = 0
        self.sitemap_files = self.sitemap_urls = 0
        self.robots: dict[str, Protego | None] = {}  # origin -> rules (None: all allowed)
        self.parked: dict[str, list[Entry]] = {}  # origin -> entries awaiting its robots.txt
        self.docs: dict[str, Document] = {}
        self.traps_noted: set[tuple[str, str]] = set()
        self.stop_reason = ""
        self.stopped = False
        self.depth_cut = False
        self.reached = False  # a 2xx HTML page of the site answered
        self.planner = planner or Planner()
        self.max_renders = max_renders
        self.renders = 0  # renders queued or done (the render budget)
        self.held: dict[int, Entry] = {}  # id(entry) -> RENDER entry whose static page waits
        self.probed: set[str] = set()  # URLs probed or queued for a probe
        self.trial_done = False  # a low-vision trial ran (or is under way)
        self.trial_queued = False  # a render that will try one is queued
        self.trial_hint = ""  # what on a static page suggested a low-vision control
        self.blocked_entries: list[Entry] = []  # probes and renders refused by robots.txt

    # ---- frontier -------------------------------------------------------------------------
    def seed_start(self, url: str | None = None) -> None:
        url = url or self.start_url
        key = dedup_key(url)
        self.seen.add(key)
        self._push(Entry(url=url, kind=PAGE, score=priority.START, start=True))

    def _push(self, entry: Entry) -> None:
        heapq.heappush(self.heap, (-entry.score, next(self._seq), entry))

    def _queue(self, entry: Entry, key: str) -> None:
        if key in self.seen:
            old = self.queued.get(key)
            if old and entry.render:
                old.render = True
            if old and entry.score > old.score:  # found again by a better link: move it up
                old.score, old.hinted = entry.score, old.hinted or entry.hinted
                self._push(old)
            return
        if len(self.queued) >= self.opts.max_frontier:
            return
        self.seen.add(key)
        self.queued[key] = entry
        self._push(entry)

    def _pop(self) -> Entry | None:
        while self.heap:
            neg, _, entry = heapq.heappop(self.heap)
            if entry.live and -neg == entry.score:
                entry.live = False
                self.queued.pop(dedup_key(entry.requested_url), None)
                return entry
        return None

    def add_link(self, url: str, text: str, area: str, depth: int, linked_from: str) -> None:
        if not is_http(url):
            return
        url = clean_url(url)
        key = dedup_key(url)
        kind = document_kind(url)
        local = same_site(url, self.keys)
        if kind:
            doc = self._note_document(key, url, kind, text, linked_from)
            if not local or doc is None:
                return
        elif not local or is_asset(url):
            return
        if key in self.seen:
            if key not in self.queued:  # fetched or under way already
                return
        elif kind and depth > self.opts.max_depth + 1:  # documents are leaves: a level more
            doc.error = "не загружался: слишком далеко от главной страницы"
            doc.not_fetched = True
            return
        elif not kind and depth > self.opts.max_depth:
            self.depth_cut = True
            return
        trap = trap_reason(url, self.opts.max_url_length)
        if trap:
            self._note_trap(url, trap)
            return
        calendar = is_calendar(url)
        entry = Entry(url=url, kind=DOC if kind else PAGE, depth=depth,
                      score=self.prio.score(url=url, text=text, area=area, depth=depth,
                                            calendar=calendar),
                      hinted=self.prio.text_hinted(text), calendar=calendar,
                      render=not kind and self.planner.render_hinted(url, text))
        if not kind and self.planner.version_link(url):
            entry.score -= priority.CALENDAR_PENALTY  # a page's low-vision copy: last
        self._queue(entry, key)

    def add_render(self, entry: Entry, page: Page, reason: str, trial: bool = False) -> bool:
        """Queue `page` (fetched by `entry`) for the browser, within the render budget; the
        page is held until the rendered one replaces it. False: no budget left."""
        if self.renders >= self.max_renders or self.stopped:
            return False
        self.renders += 1
        render = Entry(url=page.final_url, kind=RENDER, depth=page.depth, score=RENDER_SCORE,
                       page=page, reason=reason, trial=trial, first_url=entry.requested_url)
        self.held[id(render)] = render
        self._push(render)
        return True

    def release_held(self, entry: Entry) -> Page | None:
        """The static page a RENDER entry held (once)."""
        held = self.held.pop(id(entry), None)
        return held.page if held is not None else None

    def retry(self, entry: Entry) -> None:
        """Hand an entry out once more (a probe whose HEAD was refused asks again with GET)."""
        entry.live = True
        self._push(entry)

    def add_probe(self, url: str, purpose: str, found_on: str) -> bool:
        """Queue a safe probe of `url` (each URL once, `max_probes` per site)."""
        if url in self.probed or len(self.probed) >= self.opts.max_probes or self.stopped:
            return False
        self.probed.add(url)
        self._push(Entry(url=url, kind=PROBE, score=PROBE_SCORE, purpose=purpose,
                         found_on=found_on))
        return True

    def add_sitemap(self, url: str) -> None:
        """A sitemap file (from robots.txt, a sitemap index, or the default /sitemap.xml)."""
        if not same_site(url, self.keys) or self.sitemap_files >= self.opts.max_sitemap_files:
            return
        key = dedup_key(url)
        if key not in self.seen:
            self.sitemap_files += 1
            self._queue(Entry(url=url, kind=SITEMAP, score=priority.START), key)

    def add_sitemap_url(self, url: str) -> None:
        if self.sitemap_urls >= self.opts.max_sitemap_urls or not same_site(url, self.keys):
            return
        self.sitemap_urls += 1
        url = clean_url(url)
        if document_kind(url):
            self.add_link(url, "", "main", 1, "")
            return
        if is_asset(url) or trap_reason(url, self.opts.max_url_length):
            return
        calendar = is_calendar(url)
        self._queue(Entry(url=url, kind=PAGE, depth=1, calendar=calendar,
                          score=self.prio.score(url=url, depth=1, sitemap=True,
                                                calendar=calendar)),
                    dedup_key(url))

    # ---- releasing entries ----------------------------------------------------------------
    def release(self, now: float) -> list[Entry]:
        """Entries to request now, within the site's window and budgets."""
        out: list[Entry] = []
        if not self.stopped and now >= self.deadline:
            self.stop("time_budget")
        if self.stopped:  # links found by the last responses go nowhere
            self.stop(self.stop_reason)
            return out
        while self.inflight < self.window:
            entry = self._pop()
            if entry is None:
                break
            self._admit(entry, out)
        return out

    def _admit(self, entry: Entry, out: list[Entry]) -> None:
        if self.obey_robots and entry.kind != ROBOTS:
            where = origin(entry.url)
            if where in self.parked:
                self.parked[where].append(entry)
                return
            if where not in self.robots:
                self.parked[where] = [entry]
                self._launch(Entry(url=f"{where}/robots.txt", kind=ROBOTS), out)
                return
            rules = self.robots[where]
            if rules is not None and not rules.can_fetch(entry.url, self.user_agent):
                self._blocked(entry)
                return
        if entry.reserved or self._reserve(entry):
            self._launch(entry, out)

    def _launch(self, entry: Entry, out: list[Entry]) -> None:
        self.inflight += 1
        out.append(entry)

    def _reserve(self, entry: Entry) -> bool:
        if entry.kind in (RENDER, PROBE):  # budgeted when queued (add_render, add_probe)
            return True
        if entry.kind == PAGE:
            if self.pages_done + self.pages_active >= self.opts.max_pages:
                self.stop_reason = self.stop_reason or "pages_budget"
                return False
            if not entry.hinted and not self._within_trap_caps(entry):
                return False
            self.pages_active += 1
        elif entry.kind == DOC:
            if self.docs_done + self.docs_active >= self.opts.max_documents:
                doc = self.document_for(entry)
                doc.error = f"не загружался: исчерпан лимит документов ({self.opts.max_documents})"
                doc.not_fetched = True
                return False
            self.docs_active += 1
        entry.reserved = True
        return True

    def _within_trap_caps(self, entry: Entry) -> bool:
        if entry.calendar and self.calendar_pages >= self.opts.max_calendar_pages:
            self._note_trap(entry.url, "calendar")
            return False
        path = path_key(entry.url) if "?" in dedup_key(entry.url) else ""
        if path and self.variants[path] >= self.opts.max_query_variants:
            self._note_trap(entry.url, "query_variants")
            return False
        if entry.calendar:
            self.calendar_pages += 1
        if path:
            self.variants[path] += 1
        return True

    def _blocked(self, entry: Entry) -> None:
        detail = "загрузка запрещена в robots.txt"
        if entry.kind == DOC:
            doc = self.document_for(entry)
            doc.error, doc.not_fetched = detail, True
        if entry.kind in (PAGE, DOC):
            self.complete(entry)
            self.report(Failure(url=entry.requested_url, reason="robots", detail=detail))
            if entry.start:
                self.stop("robots")
        elif entry.kind in (RENDER, PROBE):
            self.blocked_entries.append(entry)  # the spider records why it was not asked

    def _note_trap(self, url: str, trap: str) -> None:
        mark = (path_key(url), trap)
        if mark not in self.traps_noted:
            self.traps_noted.add(mark)
            self.report(Failure(url=url, reason="trap", detail=TRAP_DETAILS[trap]))

    # ---- outcomes -------------------------------------------------------------------------
    def landed(self) -> None:
        """An entry handed out by `release()` has been answered (or failed)."""
        self.inflight -= 1

    def complete(self, entry: Entry) -> None:
        """An entry's budget slot is used up: its page or document is recorded."""
        if not entry.reserved:
            return
        entry.reserved = False
        if entry.kind == PAGE:
            self.pages_active -= 1
            self.pages_done += 1
        elif entry.kind == DOC:
            self.docs_active -= 1
            self.docs_done += 1

    def follow_redirect(self, entry: Entry, target: str, sets_cookie: bool = False) -> str:
        """Move `entry` on to `target` and queue it first; else return why not (a reason).

        A URL seen before in the chain is a loop, unless the redirect set a cookie: "set a
        cookie and come back" may return once."""
        hop = canonicalize_url(target)
        chain = [*entry.hops, canonicalize_url(entry.url)]
        if hop in chain and (not sets_cookie or chain.count(hop) > 1):
            return "redirect_loop"
        if len(chain) > self.opts.max_redirects:
            return "too_many_redirects"
        if not is_http(target):
            return "bad_redirect"
        if not same_site(target, self.keys):
            if not entry.start:
                return "offsite_redirect"
            self.key = site_key(target)  # the start URL moved: the new host is the site
            self.keys.add(self.key)
        if trap_reason(target, self.opts.max_url_length):
            return "trap"
        key = dedup_key(target)
        self.seen.add(key)
        superseded = self.queued.pop(key, None)
        if superseded:
            superseded.live = False
        entry.hops = chain
        entry.first_url = entry.requested_url
        entry.url = target
        entry.score = priority.CONTINUATION
        entry.live = True
        self._push(entry)
        return ""

    def start_reached(self, final_url: str) -> None:
        """The start URL answered with a 2xx HTML page at `final_url`."""
        self.reached = True
        self.key = site_key(final_url)
        self.keys.add(self.key)
        self.add_sitemap(f"{origin(final_url)}/sitemap.xml")

    def start_failed(self, status: int = 0) -> None:
        """The start URL gave no page: a 4xx on a deep path falls back to the site root."""
        root = f"{origin(self.start_url)}/"
        if 400 <= status < 500 and dedup_key(root) not in self.seen:
            self.seed_start(root)
        elif not self.reached:
            self.stop("unreachable")

    def robots_loaded(self, where: str, body: str | None) -> None:
        """robots.txt of an origin arrived (None: missing or failed, everything allowed)."""
        try:
            rules = Protego.parse(body) if body else None
        except Exception:  # noqa: BLE001 - unparsable robots.txt: nothing is forbidden
            rules = None
        self.robots[where] = rules
        for entry in self.parked.pop(where, []):
            entry.live = True
            self._push(entry)
        if rules is not None:
            for url in rules.sitemaps:
                self.add_sitemap(url)

    def crawl_delay(self, where: str) -> float:
        """The pause between requests an origin's robots.txt asks of us (Crawl-delay), 0 if none."""
        rules = self.robots.get(where)
        return (rules.crawl_delay(self.user_agent) or 0.0) if rules else 0.0  # Protego drops bad values

    def stop(self, reason: str) -> None:
        """No more requests: drop the queue (in-flight ones still report back)."""
        if reason == "unreachable" or not self.stop_reason:
            self.stop_reason = reason
        self.stopped = True
        self.heap.clear()
        self.queued.clear()
        self.parked.clear()

    @property
    def idle(self) -> bool:
        return self.inflight == 0 and not self.heap and not self.parked

    def finish_reason(self) -> str:
        if self.stop_reason:
            return self.stop_reason
        return "depth_budget" if self.depth_cut else ""

    # ---- documents ------------------------------------------------------------------------
    def _note_document(self, key: str, url: str, kind: str, text: str,
                       linked_from: str) -> Document | None:
        doc = self.docs.get(key)
        if doc is None:
            if len(self.docs) >= self.opts.max_document_links:
                return None
            doc = self.docs[key] = Document(url=url, kind=kind)
            if not same_site(url, self.keys):
                doc.error, doc.not_fetched = EXTERNAL, True
        if linked_from and linked_from not in doc.linked_from and (
                len(doc.linked_from) < MAX_LINKED_FROM):
            doc.linked_from.append(linked_from)
        if text and text not in doc.link_texts and len(doc.link_texts) < MAX_LINK_TEXTS:
            doc.link_texts.append(text)
        return doc

    def document_for(self, entry: Entry, kind: str = "") -> Document:
        """The document record of an entry (created when a page URL turned out a document)."""
        key = dedup_key(entry.requested_url)
        doc = self.docs.get(key)
        if doc is None:
            doc = self.docs[key] = Document(
                url=entry.requested_url, kind=document_kind(entry.requested_url) or kind
                or "other")
        return doc

    def documents(self) -> list[Document]:
        """Every document link found, those never fetched saying why."""
        why = NOT_FETCHED.get(self.stop_reason, "не загружался")
        for doc in self.docs.values():
            if not doc.status and not doc.error:
                doc.error, doc.not_fetched = why, True
        return list(self.docs.values())
