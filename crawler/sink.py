"""Where the crawler puts what it fetched: a sink receives pages, documents and failures of each
site as they come. Calls are synchronous and made from the crawl's event loop: keep them cheap."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol

from checks.snapshot import BrowserTrial, Document, Failure, Page, Probe, SiteSnapshot
from crawler.sitekey import site_key


class Sink(Protocol):
    def site_started(self, org_id: str, url: str) -> None:
        """A site's crawl begins (also when it resumes: the sink may have it already)."""

    def page(self, org_id: str, page: Page) -> None: ...

    def document(self, org_id: str, doc: Document) -> None:
        """Each linked document once, when the site is done (its link texts aggregated)."""

    def failure(self, org_id: str, failure: Failure) -> None: ...

    # optional (a sink without them does not keep probes and trials):
    # probe(org_id, probe: Probe) - a safe check that a linked target answers
    # trial(org_id, trial: BrowserTrial) - the low-vision version switched on in the browser

    def site_finished(self, org_id: str, stop_reason: str) -> None:
        """Called exactly once per started site; "" = frontier exhausted."""


class MemorySink:
    """Assembles one `SiteSnapshot` per organisation in memory."""

    def __init__(self, user_agent: str = ""):
        self.user_agent = user_agent
        self.snapshots: dict[str, SiteSnapshot] = {}
        self.render_mode = ""  # set by crawl(): how pages were read, and why not in a browser
        self.render_note = ""

    def site_started(self, org_id: str, url: str) -> None:
        snap = self.snapshots.get(org_id)
        if snap is None:
            self.snapshots[org_id] = SiteSnapshot(
                org_id=org_id, start_url=url, site=site_key(url), user_agent=self.user_agent,
                started_at=datetime.now(timezone.utc), render_mode=self.render_mode,
                render_note=self.render_note)

    def page(self, org_id: str, page: Page) -> None:
        self.snapshots[org_id].pages.append(page)

    def document(self, org_id: str, doc: Document) -> None:
        self.snapshots[org_id].documents.append(doc)

    def failure(self, org_id: str, failure: Failure) -> None:
        self.snapshots[org_id].failures.append(failure)

    def probe(self, org_id: str, probe: Probe) -> None:
        self.snapshots[org_id].probes.append(probe)

    def trial(self, org_id: str, trial: BrowserTrial) -> None:
        self.snapshots[org_id].trials.append(trial)

    def site_finished(self, org_id: str, stop_reason: str) -> None:
        snap = self.snapshots[org_id]
        snap.finished_at = datetime.now(timezone.utc)
        snap.stop_reason = stop_reason
        ok = snap.ok_pages()
        snap.reachable = bool(ok)
        if ok:  # the site key is where the site actually answered (after the start redirects)
            snap.site = site_key(min(ok, key=lambda p: p.depth).final_url)
