"""The run store (SQLite here; PostgreSQL in test_batch_distributed.py) and its crawler sink:
every page committed when it comes, a stopped site resumable, snapshots in a canonical order."""
from __future__ import annotations

import sqlite3

from checks.batch import RegistryOrg
from checks.findings import SiteReport
from checks.snapshot import Document, Failure, Page
from nok.store import CHECKED, CRAWLED, CRAWLING, RunStore, StoreSink, database_url, public_url

ORGS = [RegistryOrg(org_id="a", url="http://127.0.0.1:1/", row=2), RegistryOrg(org_id="b", url="http://127.0.0.2:1/")]


def _page(path: str, depth: int = 1, status: int = 200) -> Page:
    return Page(url=f"http://127.0.0.1:1{path}", final_url=f"http://127.0.0.1:1{path}", status=status, depth=depth)


def _store(tmp_path) -> RunStore:
    store = RunStore(str(tmp_path / "run.sqlite"))
    assert store.create_run("r", "reg.csv", ORGS, [], {"audit": {}}, "test")
    return store


def test_each_page_is_committed_as_it_comes(tmp_path):
    store = _store(tmp_path)
    sink = StoreSink(store, "r", "w1")
    sink.site_started("a", ORGS[0].url)
    sink.page("a", _page("/", depth=0))
    with sqlite3.connect(tmp_path / "run.sqlite") as other:  # another process would see it now
        assert other.execute("select count(*) from nok_pages").fetchone() == (1,)
        assert other.execute("pragma journal_mode").fetchone() == ("wal",)
    assert store.site_states("r")["a"].state == CRAWLING and store.site_states("r")["a"].pages == 1


def test_a_stopped_site_stays_resumable_and_resumes_cleanly(tmp_path):
    store = _store(tmp_path)
    finished: list[str] = []
    sink = StoreSink(store, "r", "w1", on_finished=finished.append)
    sink.site_started("a", ORGS[0].url)
    sink.page("a", _page("/", depth=0))
    sink.page("a", _page("/gone/", status=404))
    sink.failure("a", Failure(url="http://127.0.0.1:1/gone/", reason="http_404"))
    sink.failure("a", Failure(url="http://127.0.0.1:1/slow/", reason="timeout"))
    sink.document("a", Document(url="http://127.0.0.1:1/f.pdf"))
    sink.site_finished("a", "interrupted")  # Ctrl-C: not done, documents not kept
    assert store.site_states("r")["a"].state == CRAWLING and not finished
    # resumed: the stored pages stay, the failure of a page not stored is found again by the crawl
    sink.site_started("a", ORGS[0].url)
    sink.resumed_pages("a", store.load_pages("r", "a"))
    sink.page("a", _page("/about/"))
    sink.document("a", Document(url="http://127.0.0.1:1/f.pdf", status=200))
    sink.site_finished("a", "")
    state = store.site_states("r")["a"]
    assert (state.state, state.attempts, state.pages) == (CRAWLED, 2, 3) and finished == ["a"]
    snap = store.load_snapshot("r", "a")
    assert [p.url.removeprefix("http://127.0.0.1:1") for p in snap.pages] == ["/", "/about/", "/gone/"]
    assert [f.reason for f in snap.failures] == ["http_404"]
    assert [d.status for d in snap.documents] == [200]
    assert snap.reachable and snap.site == "127.0.0.1:1" and snap.finished_at is not None


def test_snapshot_order_does_not_depend_on_crawl_order(tmp_path):
    store = _store(tmp_path)
    sink = StoreSink(store, "r", "w1")
    for org, paths in (("a", ["/", "/b/", "/a/"]), ("b", ["/a/", "/", "/b/"])):
        sink.site_started(org, ORGS[0].url)
        for path in paths:
            sink.page(org, _page(path, depth=0 if path == "/" else 1))
        sink.site_finished(org, "")
    a, b = store.load_snapshot("r", "a"), store.load_snapshot("r", "b")
    assert [p.url for p in a.pages] == [p.url for p in b.pages]


def test_unreachable_site_and_reports(tmp_path):
    store = _store(tmp_path)
    sink = StoreSink(store, "r", "w1")
    sink.site_started("b", ORGS[1].url)
    sink.failure("b", Failure(url=ORGS[1].url, reason="refused", detail="соединение отклонено"))
    sink.site_finished("b", "unreachable")
    assert store.load_snapshot("r", "b").reachable is False
    store.save_report("r", "b", SiteReport(org_id="b", url=ORGS[1].url))
    assert store.site_states("r")["b"].state == CHECKED and store.report("r", "b").org_id == "b"
    assert [org for org, report in store.iter_reports("r", ["a", "b"]) if report] == ["b"]


def test_runs_and_registry(tmp_path):
    store = _store(tmp_path)
    assert not store.create_run("r", "reg.csv", ORGS, [], {}, "test")  # another worker was first
    assert store.registry("r") == ORGS and store.get_run("r").registry == "reg.csv"
    assert store.get_run("other") is None
    assert RunStore(str(tmp_path / "run.sqlite")).registry("r") == ORGS  # reopened


def test_store_addresses():
    assert database_url("postgresql://u:secret@127.0.0.1:5432/nok") == "postgresql+psycopg://u:secret@127.0.0.1:5432/nok"
    assert "secret" not in public_url(database_url("postgresql://u:secret@127.0.0.1:5432/nok"))
    assert database_url("runs/x.sqlite").startswith("sqlite:////") and public_url("sqlite:////tmp/x.sqlite") == "/tmp/x.sqlite"
