"""Distributed mode: two worker processes work one registry through a real redis-server (the
shared site queue and its dupefilter, scrapy-redis) and store into a real PostgreSQL; every site
is audited exactly once, by one worker, and both workers stop by themselves."""
from __future__ import annotations

import json
import subprocess
from contextlib import ExitStack

import pytest
import redis
from sqlalchemy import create_engine, text

from nok.store import database_url
from tests.crawler.helpers import ROOT, InFlight
from tests.crawler.loopback import MARKER
from tests.crawler.test_politeness import _site
from tests.nok.batchkit import FAST, env, nok, nok_cmd, stop_together, write_registry
from tests.nok.services import postgres_server, redis_server

pytestmark = pytest.mark.services
SITES = 8


def test_two_workers_share_one_registry(tmp_path):
    counters = [InFlight(delay=0.02) for _ in range(SITES)]
    with ExitStack() as stack:
        queue = stack.enter_context(redis_server())
        db = stack.enter_context(postgres_server())
        sites = [stack.enter_context(_site(f"127.0.0.{71 + i}", c, 5)) for i, c in enumerate(counters)]
        registry = write_registry(tmp_path / "registry.csv",
                                  [[f"org-{i}", f"Организация {i}", "", s.url + "/", ""] for i, s in enumerate(sites)])
        args = ["--scheduler", queue, "--db", db, "--run", "shared", "--sites-at-once", "2", *FAST, "--delay", "0.1"]
        workers = [subprocess.Popen(nok_cmd("audit", registry, "--out", tmp_path / f"worker{n}", *args), cwd=ROOT,
                                    env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for n in (1, 2)]
        outputs = [w.communicate(timeout=120) for w in workers]
        requests = [list(s.requests) for s in sites]
        late = nok("audit", registry, "--out", tmp_path / "worker3", *args)  # joins a finished run
        asked_late = sum(len(s.requests) for s in sites) - sum(len(log) for log in requests)
        stop_together(sites)
        with create_engine(database_url(db)).connect() as conn:
            rows = conn.execute(text("select org_id, state, attempts, worker from nok_sites where run_id = 'shared'")).all()
            pages = conn.execute(text("select org_id, url from nok_pages where run_id = 'shared'")).all()
            reports = conn.execute(text("select count(*) from nok_reports where run_id = 'shared'")).scalar()
        server = redis.Redis.from_url(queue)
        claimed, queued = server.scard("nok:shared:claimed"), server.llen("nok:shared:sites")

    for worker, (_, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert MARKER not in err
    # every site audited exactly once, each by one worker, and both workers took part
    assert sorted(r.org_id for r in rows) == sorted(f"org-{i}" for i in range(SITES))
    assert {r.state for r in rows} == {"checked"} and {r.attempts for r in rows} == {1}
    assert len({r.worker for r in rows}) == 2 and reports == SITES
    assert claimed == SITES and queued == 0  # the shared queue: each organisation once, all taken
    for log in requests:
        pages_asked = [p for p in log if p != "/robots.txt" and p != "/sitemap.xml"]
        assert pages_asked.count("/") == 1 and len(pages_asked) == len(set(pages_asked)) == 6
    assert len(pages) == len(set(pages)) == SITES * 6
    assert all(c.peak <= 2 for c in counters)  # a site is crawled by one worker: politeness holds
    # the worker that finished last wrote the whole run; the late one found nothing left and stopped
    audited = [sum(o["status"] == "ok" for o in json.loads((tmp_path / f"worker{n}" / "summary.json")
                                                           .read_text(encoding="utf-8"))["organizations"])
               for n in (1, 2)]
    assert max(audited) == SITES
    assert late.returncode == 0 and "обойти 0" in late.stderr and asked_late == 0
