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

log = logging.getLogger(__name__)
_STATE: dict = {}


def _watch_parent(parent: int) -> None:
    """A worker of a killed run (kill -9) exits instead of waiting forever for work."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _setup(store_url: str, run_id: str, presets: dict[str, str], in_worker: bool) -> None:
    if in_worker:  # Ctrl-C is the parent's to handle: it stops the crawl and cancels the queue
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _STATE.update(store=RunStore(store_url), run_id=run_id, presets=presets, packs={})


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
        report = check_site(snapshot, _pack(sphere), tool_version=__version__)
        report.org_id = org_id
        store.save_report(run_id, org_id, report)
        return org_id, report.crawl.status
    except Exception as exc:  # noqa: BLE001 - one broken site must not stop the others' checks
        log.exception("check of %s failed", org_id)
        store.check_failed(run_id, org_id, f"{type(exc).__name__}: {exc}")
        return org_id, CHECK_ERROR


class Checker:
    """Runs `check_stored` for each submitted site; `on_done(org_id, status)` from a pool thread."""

    def __init__(self, store_url: str, run_id: str, *, presets: dict[str, str] | None = None,
                 workers: int = 1, on_done: Callable[[str, str], None] | None = None):
        self.on_done = on_done
        self.submitted = 0
        self.finished = 0
        self._lock = threading.Lock()
        self._futures: set[Future] = set()
        self._args = (store_url, run_id, presets or {})
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self.pool = self._new_pool()
        else:
            _setup(*self._args, False)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawned, not forked: the crawl's process runs threads (Twisted's resolver, this pool's)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
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

    def submit(self, org_id: str, sphere: str) -> None:
        self.submitted += 1
        if self.pool is None:
            self._done(*check_stored(org_id, sphere))
            return
        try:
            future = self.pool.submit(check_stored, org_id, sphere)
        except BrokenProcessPool:  # a worker died (killed, out of memory): start a new pool
            log.error("check workers died; starting new ones")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            future = self.pool.submit(check_stored, org_id, sphere)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._collect)

    def _collect(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)
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
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None
