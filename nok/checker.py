"""Checks of stored snapshots, off the crawl's event loop: a pool of worker processes, each loading
a finished site's snapshot from the run store, running the rule pack and storing the report.

The crawl only hands over an organisation id when a site is done, so its event loop never waits
for a check (a check costs about as much CPU as crawling the site). `workers=0` checks in the
calling process instead (for `nok recheck` on one core, and for debugging).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from checks.engine import check_site, load_checked_pack
from nok import __version__
from nok.store import CHECK_ERROR, RunStore
from reports.batch_summary import page_name, write_atomic
from reports.site_html import render_site_html

log = logging.getLogger(__name__)
_STATE: dict = {}


def _watch_parent(parent: int) -> None:
    """A worker of a killed run (kill -9) exits instead of waiting forever for work."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _setup(store_url: str, run_id: str, presets: dict[str, str], pages_dir: str, in_worker: bool) -> None:
    if in_worker:  # Ctrl-C is the parent's to handle: it stops the crawl and cancels the queue
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _STATE.update(store=RunStore(store_url), run_id=run_id, presets=presets, packs={}, pages_dir=pages_dir)


def _pack(sphere: str):
    packs = _STATE["packs"]
    if sphere not in packs:
        preset = _STATE["presets"].get(sphere)
        packs[sphere] = load_checked_pack(sphere, presets_file=Path(preset) if preset else None)
    return packs[sphere]


def _warm(spheres: list[str]) -> None:
    for sphere in spheres:
        _pack(sphere)


def check_stored(org_id: str, sphere: str) -> tuple[str, str]:
    """Check one stored site; returns (org_id, crawl status or check_error)."""
    store: RunStore = _STATE["store"]
    run_id = _STATE["run_id"]
    try:
        snapshot = store.load_snapshot(run_id, org_id)
        if snapshot is None:
            raise LookupError("снимок сайта не найден в хранилище")
        pack = _pack(sphere)
        report = check_site(snapshot, pack, tool_version=__version__)
        report.org_id = org_id
        store.save_report(run_id, org_id, report)
        if _STATE["pages_dir"]:  # the organisation's page now, not all of them at the end
            pages = Path(_STATE["pages_dir"])
            pages.mkdir(parents=True, exist_ok=True)
            write_atomic(pages / page_name(org_id), render_site_html(report, pack))
        return org_id, report.crawl.status
    except Exception as exc:  # noqa: BLE001 - one broken site must not stop the others' checks
        log.exception("check of %s failed", org_id)
        store.check_failed(run_id, org_id, f"{type(exc).__name__}: {exc}")
        return org_id, CHECK_ERROR


class Checker:
    """Runs `check_stored` for each submitted site; `on_done(org_id, status)` from a pool thread."""

    def __init__(self, store_url: str, run_id: str, *, presets: dict[str, str] | None = None,
                 workers: int = 1, on_done: Callable[[str, str], None] | None = None, pages_dir: Path | None = None):
        self.on_done = on_done
        self.submitted = 0
        self.finished = 0
        self._lock = threading.Lock()
        self._jobs: dict[Future, tuple[str, str]] = {}
        self._extra: list[ProcessPoolExecutor] = []
        self._args = (store_url, run_id, presets or {}, str(pages_dir or ""))
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self.pool = self._new_pool()
        else:
            _setup(*self._args, False)

    def _new_pool(self, workers: int = 0) -> ProcessPoolExecutor:
        # spawned, not forked: the crawl's process runs threads (Twisted's resolver, this pool's)
        return ProcessPoolExecutor(max_workers=workers or self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_setup, initargs=(*self._args, True))

    @property
    def pending(self) -> int:
        return self.submitted - self.finished

    def warm_up(self, spheres: list[str]) -> None:
        """Start the workers and load the rule packs now, while the crawl starts up."""
        if self.pool is not None:
            self.pool.submit(_warm, spheres)
        else:
            _warm(spheres)

    def submit(self, org_id: str, sphere: str, pool: ProcessPoolExecutor | None = None) -> None:
        self.submitted += 1
        if self.pool is None:
            self._done(*check_stored(org_id, sphere))
            return
        try:
            future = (pool or self.pool).submit(check_stored, org_id, sphere)
        except BrokenProcessPool:  # a worker died (killed, out of memory): start a new pool
            log.error("check workers died; starting new ones")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            future = self.pool.submit(check_stored, org_id, sphere)
        with self._lock:
            self._jobs[future] = (org_id, sphere)
        future.add_done_callback(self._collect)

    def widen(self, workers: int) -> None:
        """The crawl is over and its process idle: share the checks still queued with more worker
        processes, up to `workers` in all (every core), when there are enough to be worth it."""
        extra = workers - self.workers
        with self._lock:
            queued = [(f, job) for f, job in self._jobs.items() if not f.running() and not f.done()]
        if self.pool is None or extra < 1 or len(queued) < 4 * extra:
            return
        pool = self._new_pool(extra)
        self._extra.append(pool)
        for i, (future, (org_id, sphere)) in enumerate(queued):
            if i % workers >= self.workers and future.cancel():
                self.submitted -= 1
                self.submit(org_id, sphere, pool)

    def _collect(self, future: Future) -> None:
        with self._lock:
            self._jobs.pop(future, None)
        if future.cancelled():
            return
        try:
            org_id, status = future.result()
        except Exception as exc:  # noqa: BLE001 - a worker process died
            log.error("check worker failed: %s", exc)
            org_id, status = "", CHECK_ERROR
        self._done(org_id, status)

    def _done(self, org_id: str, status: str) -> None:
        with self._lock:
            self.finished += 1
        if self.on_done:
            self.on_done(org_id, status)

    def wait(self, tick: Callable[[], None] | None = None, every: float = 0.5) -> None:
        """Until every submitted check is done; `tick()` between waits (progress)."""
        event = threading.Event()
        while self.pending > 0 and self.pool is not None:
            event.wait(every)
            if tick:
                tick()

    def close(self, cancel: bool = False) -> None:
        for pool in [self.pool, *self._extra] if self.pool is not None else []:
            pool.shutdown(wait=True, cancel_futures=cancel)
        self.pool = None
        self._extra = []
