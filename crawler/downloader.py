"""Scrapy's downloader with the per-slot concurrency limit actually enforced.

Scrapy 2.19 under the asyncio reactor marks a request as transferring only when its download
task first runs, so one pass of `_process_queue` dispatches the slot's whole queue and
CONCURRENT_REQUESTS_PER_DOMAIN is ignored (shared/reference/environment.md §8, upstream
scrapy/scrapy#6982). This subclass marks the request before scheduling the task. It overrides a
private method: Scrapy is pinned, and tests/crawler/test_politeness.py guards the behaviour.

It also keeps a slot's pause at least what the site's robots.txt asks (`pace`, Crawl-delay),
whatever AutoThrottle makes of the delay.
"""
from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class SlotLimitedDownloader(Downloader):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.floors: dict[str, float] = {}  # slot key -> least pause between requests, s

    def pace(self, key: str, seconds: float) -> None:
        self.floors[key] = max(seconds, self.floors.get(key, 0.0))

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if slot.queue:  # the slot's key is the one of its requests
            delay = max(delay, self.floors.get(self.get_slot_key(slot.queue[0][0]), 0.0))
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: count it before its task starts
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
