"""Entry points: resume and skip for the batch mode, progress, and the debugging CLI."""
from __future__ import annotations

import json
import subprocess
import sys

from checks.snapshot import Link, Page, SiteSnapshot
from tests.crawler.helpers import ROOT, html_page, links, run_crawl
from tests.sites import LocalSite

PAGES = {"/": html_page(links(("/a/", "А"), ("/b/", "Б"))),
         "/a/": html_page(links(("/c/", "В"))), "/b/": html_page("<p>б</p>"),
         "/c/": html_page("<p>в</p>")}


def test_resume_skips_stored_pages_and_expands_their_links():
    with LocalSite(pages=PAGES) as site, LocalSite(pages=PAGES) as skipped:
        stored = Page(url=site.url + "/", final_url=site.url + "/", status=200,
                      links=[Link(url=site.url + "/a/"), Link(url=site.url + "/b/")])
        result = run_crawl([("org", site.url + "/"), ("skip", skipped.url + "/")],
                           resume={"org": [stored.model_dump(mode="json")]}, skip=["skip"])
    assert "/" not in site.requests
    assert {"/a/", "/b/", "/c/"} <= set(site.requests)
    assert {p.url.removeprefix(site.url) for p in result["org"].pages} == {"/a/", "/b/", "/c/"}
    assert result.progress["org"] == 4  # the stored page counts towards the budget
    assert not skipped.requests and "skip" not in result.snapshots


def test_cli_writes_a_snapshot(tmp_path):
    out = tmp_path / "snap.json"
    with LocalSite(pages=PAGES) as site:
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.run", site.url + "/", "--max-pages", "2",
             "--delay", "0", "-o", "autothrottle=false", "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    snap = SiteSnapshot.model_validate(json.loads(out.read_text("utf-8")))
    assert len(snap.pages) == 2 and snap.stop_reason == "pages_budget"
    assert snap.user_agent.startswith("nok-auditor/")
    assert "страниц 2" in proc.stderr
