"""The README's batch example, end to end, over the bundled demo farm: a run killed with SIGKILL
halfway and resumed finds exactly what an uninterrupted run finds and fetches no stored page
again; summaries open; a second run against the changed sites is compared with `nok diff`."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from urllib.parse import urlsplit

from openpyxl import load_workbook

from nok.cli import main as nok_main
from nok.demo_farm import serve_farm
from nok.store import RunStore
from tests.crawler.helpers import ROOT
from tests.nok.batchkit import FAST, by_org, env, findings, nok, nok_cmd

# the run to be killed keeps a small pause per request, so that it lasts long enough to be killed
PACE = ["--sites-at-once", "8", *FAST, "--delay", "0.03"]
QUICK = ["--sites-at-once", "8", *FAST]


def test_readme_batch_example(tmp_path, capsys):
    """Kill, resume, summaries, diff: one test so that parallel test workers do not run it twice."""
    with serve_farm(port=0, slow=0.05) as farm:
        runs = _runs(farm, tmp_path)
        _killed_run_resumes_to_the_same_findings(runs)
        _no_stored_page_is_fetched_again(runs, farm)
        _summaries_open(runs)
        _diff_of_identical_runs_and_of_changed_sites(runs, farm, capsys)


def _runs(farm, tmp):
    registry = farm.write_registry(tmp / "demo-registry.csv")
    full = tmp / "run-full"
    assert nok("audit", registry, "--out", full, *QUICK).returncode == 0
    for log in farm.requests.values():
        log.clear()
    run1 = tmp / "run1"
    killed = _kill_halfway(nok_cmd("audit", registry, "--out", run1, *PACE), run1 / "run.sqlite")
    stored = RunStore(str(run1 / "run.sqlite")).page_urls("run1")
    asked_before = {org: len(log) for org, log in farm.requests.items()}
    resumed = nok("audit", registry, "--out", run1, "--resume", *QUICK)
    return {"registry": registry, "full": full, "run1": run1, "killed": killed, "stored": stored,
            "asked_before": asked_before, "resumed": resumed, "tmp": tmp}


def _kill_halfway(cmd: list[str], db: str, pages: int = 40) -> int:
    """Start the run, SIGKILL it once `pages` pages are stored; returns how many were."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    count = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(db):
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                        count = conn.execute("select count(*) from nok_pages").fetchone()[0]
                except sqlite3.OperationalError:  # the schema is being created
                    count = 0
                if count >= pages:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            time.sleep(0.02)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    return count


def _killed_run_resumes_to_the_same_findings(runs):
    assert runs["resumed"].returncode == 0, runs["resumed"].stderr
    assert "продолжаются" in runs["resumed"].stderr
    full, resumed = by_org(runs["full"]), by_org(runs["run1"])
    assert list(resumed) == list(full) == [f"demo-0{i}" for i in range(1, 9)]
    for org_id in full:
        assert resumed[org_id]["status"] == full[org_id]["status"], org_id
        assert findings(resumed[org_id]) == findings(full[org_id]), org_id
        assert resumed[org_id]["indicators"] == full[org_id]["indicators"], org_id


def _no_stored_page_is_fetched_again(runs, farm):
    assert runs["killed"] >= 40 and sum(len(v) for v in runs["stored"].values()) >= runs["killed"]
    for org_id, urls in runs["stored"].items():
        before = farm.requests[org_id][:runs["asked_before"][org_id]]
        after = farm.requests[org_id][runs["asked_before"][org_id]:]
        stored = {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "") for u in urls}
        assert len(urls) == len(stored), org_id  # each page stored once
        assert not stored & set(after), org_id  # nothing stored before the kill was asked again
        pages_after = [p for p in after if not p.startswith(("/robots.txt", "/sitemap.xml", "/files/", "/js/"))]
        # a page asked twice in all was in flight when the process died, not stored
        assert all(before.count(p) + after.count(p) <= 2 for p in pages_after), org_id


def _summaries_open(runs):
    run1 = runs["run1"]
    book = load_workbook(run1 / "summary.xlsx", read_only=True)
    rows = list(book["Организации"].iter_rows(values_only=True))
    status = {r[0]: r[6] for r in rows[1:]}
    assert status["demo-07"].startswith("сайт недоступен") and status["demo-01"] == "проверен"
    problems = list(book["Ошибки реестра"].iter_rows(values_only=True))[1:]
    assert [p[0] for p in problems] == [6, 7, 12]
    html = (run1 / "summary.html").read_text(encoding="utf-8")
    assert "orgs/demo-01.html" in html and (run1 / "orgs" / "demo-03.html").is_file()
    gaps = list(book["Недостатки"].iter_rows(values_only=True))[1:]
    # the variants lack what they were built without
    assert any(g[0] == "demo-03" and g[2] == "access-low-vision-version" for g in gaps)
    assert any(g[0] == "demo-02" and g[2] == "social-management" for g in gaps)
    assert not any(g[0] == "demo-01" and g[2] == "social-management" for g in gaps)


def _diff_of_identical_runs_and_of_changed_sites(runs, farm, capsys):
    assert nok_main(["diff", str(runs["full"]), str(runs["run1"])]) == 0
    assert "без изменений: 8" in capsys.readouterr().out
    farm.set_changed(True)
    try:
        run2 = runs["tmp"] / "run2"
        assert nok("audit", runs["registry"], "--out", run2, *QUICK).returncode == 0
    finally:
        farm.set_changed(False)
    xlsx, html = runs["tmp"] / "diff.xlsx", runs["tmp"] / "diff.html"
    assert nok_main(["diff", str(runs["run1"]), str(run2), "--xlsx", str(xlsx), "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "demo-02" in out and "+ появилось" in out and "− пропало" in out
    assert "demo-07" in out and "сайт недоступен → проверен" in out
    book = load_workbook(xlsx, read_only=True)
    items = {(r[0], r[2]): r[6] for r in list(book["Пункты"].iter_rows(values_only=True))[1:]}
    assert items[("demo-02", "social-management")] == "появилось"
    assert "пропало" in {v for (org, _), v in items.items() if org == "demo-04"}
    assert "пропало" in {v for (org, _), v in items.items() if org == "demo-08"}
    assert not any(org in ("demo-01", "demo-03", "demo-05") for org, _ in items)
    assert "demo-02" in html.read_text(encoding="utf-8")
