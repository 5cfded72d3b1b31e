"""SharedSiteSpider: several processes (or machines) work one registry through Redis.

The shared frontier is the list of *sites*, not of pages: a scrapy-redis queue of one request per
organisation, with a scrapy-redis dupefilter keyed by organisation id, so every worker may offer
the whole registry and each site still enters the queue once. A worker takes a site from the
queue when it has room (`max_active_sites`) and crawls that site's pages itself, with the site's
own frontier (crawler/frontier.py): politeness per host, budgets, priorities and the moment the
site is finished stay exact and local, and one host is only ever crawled by one worker. A worker
whose sites are done and who finds the queue empty closes (after `max_idle` seconds, as
scrapy-redis' MAX_IDLE_TIME_BEFORE_CLOSE).

(Not in crawler/spiders/: Scrapy's spider loader imports every module there, and scrapy-redis is
an optional dependency.)

`flush` clears the run's queue and claims first (scrapy-redis' SCHEDULER_FLUSH_ON_START): the way
to resume after every worker stopped, since sites taken by a dead worker are claimed but not done.
"""
from __future__ import annotations

import time

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import connection, defaults
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.spiders.site import SiteSpider


class SiteClaims(RFPDupeFilter):
    """scrapy-redis' Redis-set dupefilter with the organisation id as the fingerprint (two
    organisations may share a site address; one organisation is one queue entry)."""

    def request_fingerprint(self, request) -> str:
        return request.meta["nok_org"]


class SharedSiteSpider(SiteSpider):
    def __init__(self, *args, shared: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        shared = shared or {}
        if not shared.get("redis_url") or not shared.get("key"):
            raise ValueError("SharedSiteSpider needs shared={'redis_url': ..., 'key': ...}")
        self.shared = shared
        self.offered = list(self.waiting)  # this worker's registry: offered to the shared queue
        self.waiting.clear()
        self.totals["sites"] = 0  # counts the sites this worker took
        self.max_idle = float(shared.get("max_idle", 0))
        self.idle_since: float | None = None
        prefix = str(shared["key"]).replace("%", "%%")
        server = connection.get_redis(url=shared["redis_url"], **defaults.REDIS_PARAMS)
        self.site_queue = Scheduler(
            server, persist=True, flush_on_start=bool(shared.get("flush")), queue_key=f"{prefix}:sites",
            queue_cls="scrapy_redis.queue.FifoQueue",
            dupefilter=SiteClaims(server, key=f"{prefix}:claimed"), idle_before_close=0)

    async def start(self):
        self.site_queue.open(self)
        for org_id, url in self.offered:
            self.site_queue.enqueue_request(scrapy.Request(url, meta={"nok_org": org_id}))
        for request in self._open_more():
            yield request

    def _open_more(self) -> list[scrapy.Request]:
        while len(self.sites) + len(self.waiting) < self.options.max_active_sites:
            request = self.site_queue.next_request()
            if request is None:
                break
            self.waiting.append((request.meta["nok_org"], request.url))
            self.totals["sites"] += 1
            self.idle_since = None
        return super()._open_more()

    def _on_idle(self) -> None:
        super()._on_idle()  # raises DontCloseSpider while this worker has sites
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.max_idle:
            raise DontCloseSpider
