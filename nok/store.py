"""The run store of the batch audit: registry rows, each site's pages, documents and failures as
they are fetched, its crawl state, and its report. SQLite (one file in the run directory, WAL)
by default or PostgreSQL (`postgresql://…`), through one SQLAlchemy Core code path.

Every page is committed when it arrives, so a process killed at any moment (kill -9) loses
nothing already stored; `--resume` continues from the stored state. A site's documents and its
"crawled" state are written in one transaction when the site is done. Several runs may share a
store (a PostgreSQL database): every row carries its run id.

`StoreSink` is the crawler's sink (crawler.sink.Sink) writing into the store: the crawler itself
knows nothing about it.
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean, Column, DateTime, Index, Integer, LargeBinary, MetaData, String, Table, Text, and_, create_engine,
    delete, event, func, insert, select, text, update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError

from checks.findings import SiteReport
from checks.snapshot import Document, Failure, Page, SiteSnapshot
from crawler.sitekey import site_key
from nok.errors import UserError
from checks.batch import RegistryOrg, RegistryProblem

STORE_FILE = "run.sqlite"
# a site's crawl state: crawling (pages being stored; resumable) → crawled (snapshot complete)
# → checked (report stored) or check_error
CRAWLING, CRAWLED, CHECKED, CHECK_ERROR = "crawling", "crawled", "checked", "check_error"

metadata = MetaData()
runs = Table(
    "nok_runs", metadata,
    Column("run_id", String, primary_key=True),
    Column("created_at", DateTime(timezone=True)),
    Column("tool_version", String),
    Column("registry", Text),  # the registry file as given
    Column("settings", Text),  # JSON: the audit options of the run
    Column("problems", Text),  # JSON: the registry rows skipped or warned about
)
orgs = Table(
    "nok_orgs", metadata,
    Column("run_id", String, primary_key=True),
    Column("org_id", String, primary_key=True),
    Column("position", Integer),  # order in the registry
    Column("data", Text),  # RegistryOrg JSON
)
sites = Table(
    "nok_sites", metadata,
    Column("run_id", String, primary_key=True),
    Column("org_id", String, primary_key=True),
    Column("state", String),
    Column("start_url", Text),
    Column("site", Text),
    Column("user_agent", Text),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("stop_reason", String),
    Column("reachable", Boolean),
    Column("attempts", Integer),  # how many times a crawl of the site was started
    Column("worker", String),  # who crawled it last (host:pid)
    Column("error", Text),  # a check that failed
    Column("meta", Text),  # JSON: other snapshot-level fields (how pages were read, …)
)


def _site_rows(name: str, *columns: Column) -> Table:
    """A table of rows belonging to one organisation's site in one run, in the order stored."""
    return Table(name, metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("run_id", String, nullable=False), Column("org_id", String, nullable=False), *columns,
                 Index(f"ix_{name}_site", "run_id", "org_id"))


pages = _site_rows("nok_pages", Column("url", Text), Column("data", LargeBinary))  # Page JSON, zlib
documents = _site_rows("nok_documents", Column("data", LargeBinary))  # Document JSON, zlib
failures = _site_rows("nok_failures", Column("url", Text), Column("data", Text))
# other lists of a snapshot recorded while crawling (probes, browser trials): kind = the
# SiteSnapshot field; stored as they come, read back generically
items = _site_rows("nok_items", Column("kind", String, nullable=False), Column("data", Text))
reports = Table(
    "nok_reports", metadata,
    Column("run_id", String, primary_key=True),
    Column("org_id", String, primary_key=True),
    Column("checked_at", DateTime(timezone=True)),
    Column("data", LargeBinary),  # SiteReport JSON, zlib
)


def _pack(model) -> bytes:
    return zlib.compress(model.model_dump_json().encode("utf-8"), 3)


def _unpack(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)  # SQLite keeps no time zone
    return value


def _now() -> datetime:
    return datetime.now(timezone.utc)


def database_url(raw: str) -> str:
    """A user's store address: a path (SQLite file) or a URL; PostgreSQL goes through psycopg 3."""
    if "://" not in raw:
        return f"sqlite:///{Path(raw).resolve()}"
    scheme, rest = raw.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return raw


def public_url(url: str) -> str:
    """The store address for files and messages: a SQLite file's path, else the URL without its
    password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


@dataclass
class RunInfo:
    run_id: str
    created_at: datetime | None
    tool_version: str
    registry: str
    settings: dict
    problems: list[RegistryProblem]


@dataclass
class SiteState:
    state: str
    attempts: int
    worker: str
    pages: int = 0


class RunStore:
    def __init__(self, url: str):
        self.url = database_url(url)
        try:
            self.engine: Engine = self._engine()
        except (ArgumentError, ModuleNotFoundError) as exc:
            raise UserError(f"Не удаётся открыть хранилище «{public_url(self.url)}»: {exc}") from exc
        # writes take SQLite's write lock at BEGIN (no lock upgrade that could fail mid-transaction)
        self.writer = self.engine.execution_options(nok_write=True)
        self._create_schema()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _engine(self) -> Engine:
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True)
        if url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # transactions are begun below
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the crawl's writes
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("nok_write") else "BEGIN")

        return engine

    def _create_schema(self) -> None:
        try:
            with self.writer.begin() as conn:
                if self.engine.dialect.name == "postgresql":  # workers starting together
                    conn.execute(text("SELECT pg_advisory_xact_lock(7340561)"))
                metadata.create_all(conn)
        except OperationalError as exc:
            raise UserError(f"Хранилище «{public_url(self.url)}» недоступно: {exc.orig}") from exc

    def close(self) -> None:
        self.engine.dispose()

    # ---- runs and registry -----------------------------------------------------------------
    def get_run(self, run_id: str) -> RunInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.run_id == run_id)).first()
        if row is None:
            return None
        return RunInfo(run_id, _utc(row.created_at), row.tool_version or "", row.registry or "",
                       json.loads(row.settings or "{}"),
                       [RegistryProblem.model_validate(p) for p in json.loads(row.problems or "[]")])

    def create_run(self, run_id: str, registry_path: str, registry: list[RegistryOrg],
                   problems: list[RegistryProblem], settings: dict, tool_version: str) -> bool:
        """Register a run and its registry rows; False when another worker did it first."""
        try:
            with self.writer.begin() as conn:
                conn.execute(insert(runs).values(
                    run_id=run_id, created_at=_now(), tool_version=tool_version, registry=registry_path,
                    settings=json.dumps(settings, ensure_ascii=False),
                    problems=json.dumps([p.model_dump() for p in problems], ensure_ascii=False)))
                conn.execute(insert(orgs), [
                    {"run_id": run_id, "org_id": org.org_id, "position": i, "data": org.model_dump_json()}
                    for i, org in enumerate(registry)])
        except IntegrityError:
            return False
        return True

    def registry(self, run_id: str) -> list[RegistryOrg]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(orgs.c.data).where(orgs.c.run_id == run_id).order_by(orgs.c.position))
            return [RegistryOrg.model_validate_json(r.data) for r in rows]

    def site_states(self, run_id: str) -> dict[str, SiteState]:
        counts = (select(pages.c.org_id, func.count().label("n")).where(pages.c.run_id == run_id)
                  .group_by(pages.c.org_id).subquery())
        query = (select(sites.c.org_id, sites.c.state, sites.c.attempts, sites.c.worker, counts.c.n)
                 .outerjoin(counts, counts.c.org_id == sites.c.org_id).where(sites.c.run_id == run_id))
        with self.engine.connect() as conn:
            return {r.org_id: SiteState(r.state, r.attempts or 0, r.worker or "", r.n or 0)
                    for r in conn.execute(query)}

    # ---- crawling ------------------------------------------------------------------------
    def start_site(self, run_id: str, org_id: str, url: str, user_agent: str, worker: str,
                   meta: dict | None = None) -> None:
        """A crawl of the site begins. Resuming: failures not tied to a stored page are dropped
        (the resumed crawl finds them again); stored pages stay and are not fetched again."""
        key = and_(sites.c.run_id == run_id, sites.c.org_id == org_id)
        with self.writer.begin() as conn:
            found = conn.execute(select(sites.c.attempts).where(key)).first()
            if found is None:
                conn.execute(insert(sites).values(
                    run_id=run_id, org_id=org_id, state=CRAWLING, start_url=url, site=site_key(url),
                    user_agent=user_agent, started_at=_now(), attempts=1, worker=worker,
                    meta=json.dumps(meta or {}, ensure_ascii=False)))
                return
            conn.execute(update(sites).where(key).values(
                state=CRAWLING, attempts=(found.attempts or 0) + 1, worker=worker, finished_at=None, error=None,
                meta=json.dumps(meta or {}, ensure_ascii=False)))
            stored = select(pages.c.url).where(pages.c.run_id == run_id, pages.c.org_id == org_id)
            conn.execute(delete(failures).where(failures.c.run_id == run_id, failures.c.org_id == org_id,
                                                failures.c.url.not_in(stored)))
            conn.execute(delete(documents).where(documents.c.run_id == run_id, documents.c.org_id == org_id))

    def add_page(self, run_id: str, org_id: str, page: Page) -> None:
        with self.writer.begin() as conn:
            conn.execute(insert(pages).values(run_id=run_id, org_id=org_id, url=page.url, data=_pack(page)))

    def add_failure(self, run_id: str, org_id: str, failure: Failure) -> None:
        with self.writer.begin() as conn:
            conn.execute(insert(failures).values(run_id=run_id, org_id=org_id, url=failure.url,
                                                 data=failure.model_dump_json()))

    def add_item(self, run_id: str, org_id: str, kind: str, item) -> None:
        with self.writer.begin() as conn:
            conn.execute(insert(items).values(run_id=run_id, org_id=org_id, kind=kind, data=item.model_dump_json()))

    def finish_site(self, run_id: str, org_id: str, *, stop_reason: str, reachable: bool, site: str,
                    docs: list[Document]) -> None:
        """The site's crawl is complete: its documents and the crawled state, in one transaction."""
        with self.writer.begin() as conn:
            conn.execute(delete(documents).where(documents.c.run_id == run_id, documents.c.org_id == org_id))
            if docs:
                conn.execute(insert(documents), [{"run_id": run_id, "org_id": org_id, "data": _pack(d)}
                                                 for d in docs])
            values = {"state": CRAWLED, "finished_at": _now(), "stop_reason": stop_reason, "reachable": reachable}
            if site:
                values["site"] = site
            conn.execute(update(sites).where(sites.c.run_id == run_id, sites.c.org_id == org_id).values(**values))

    # ---- snapshots and reports -------------------------------------------------------------
    def load_pages(self, run_id: str, org_id: str) -> list[Page]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(pages.c.data).where(pages.c.run_id == run_id, pages.c.org_id == org_id)
                                .order_by(pages.c.id))
            return [Page.model_validate_json(_unpack(r.data)) for r in rows]

    def page_urls(self, run_id: str) -> dict[str, list[str]]:
        """Stored page URLs per organisation (in the order they were stored)."""
        out: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(select(pages.c.org_id, pages.c.url).where(pages.c.run_id == run_id)
                                    .order_by(pages.c.id)):
                out.setdefault(row.org_id, []).append(row.url)
        return out

    def load_snapshot(self, run_id: str, org_id: str) -> SiteSnapshot | None:
        """The stored snapshot; pages, documents and failures in a canonical order (so that the same
        pages crawled in another order give the same findings)."""
        with self.engine.connect() as conn:
            site = conn.execute(select(sites).where(sites.c.run_id == run_id, sites.c.org_id == org_id)).first()
            if site is None:
                return None
            where = {"run_id": run_id, "org_id": org_id}
            page_rows = conn.execute(select(pages.c.data).filter_by(**where)).all()
            doc_rows = conn.execute(select(documents.c.data).filter_by(**where)).all()
            fail_rows = conn.execute(select(failures.c.data).filter_by(**where)).all()
            item_rows = conn.execute(select(items.c.kind, items.c.data).filter_by(**where).order_by(items.c.id)).all()
        page_list = sorted((Page.model_validate_json(_unpack(r.data)) for r in page_rows),
                           key=lambda p: (p.depth, p.url, p.final_url))
        docs = sorted((Document.model_validate_json(_unpack(r.data)) for r in doc_rows), key=lambda d: d.url)
        fails = sorted((Failure.model_validate_json(r.data) for r in fail_rows),
                       key=lambda f: (f.url, f.reason, f.detail))
        extra: dict[str, list] = {}
        for row in item_rows:  # an item recorded again by a resumed crawl is kept once
            kept = extra.setdefault(row.kind, [])
            if row.data not in kept:
                kept.append(row.data)
        return SiteSnapshot.model_validate({
            **json.loads(site.meta or "{}"), **{k: [json.loads(v) for v in rows] for k, rows in extra.items()},
            "org_id": org_id, "start_url": site.start_url, "site": site.site or "", "user_agent": site.user_agent or "",
            "started_at": _utc(site.started_at), "finished_at": _utc(site.finished_at),
            "reachable": bool(site.reachable) if site.reachable is not None else True,
            "stop_reason": site.stop_reason or "", "pages": page_list, "documents": docs, "failures": fails})

    def save_report(self, run_id: str, org_id: str, report: SiteReport) -> None:
        with self.writer.begin() as conn:
            conn.execute(delete(reports).where(reports.c.run_id == run_id, reports.c.org_id == org_id))
            conn.execute(insert(reports).values(run_id=run_id, org_id=org_id, checked_at=report.checked_at,
                                                data=_pack(report)))
            conn.execute(update(sites).where(sites.c.run_id == run_id, sites.c.org_id == org_id)
                         .values(state=CHECKED, error=None))

    def check_failed(self, run_id: str, org_id: str, message: str) -> None:
        with self.writer.begin() as conn:
            conn.execute(update(sites).where(sites.c.run_id == run_id, sites.c.org_id == org_id)
                         .values(state=CHECK_ERROR, error=message))

    def check_errors(self, run_id: str) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(sites.c.org_id, sites.c.error)
                                .where(sites.c.run_id == run_id, sites.c.state == CHECK_ERROR))
            return {r.org_id: r.error or "" for r in rows}

    def report(self, run_id: str, org_id: str) -> SiteReport | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(reports.c.data).where(reports.c.run_id == run_id,
                                                            reports.c.org_id == org_id)).first()
        return SiteReport.model_validate_json(_unpack(row.data)) if row else None

    def iter_reports(self, run_id: str, org_ids: list[str]) -> Iterator[tuple[str, SiteReport | None]]:
        """Reports in the given order, one at a time (a run's reports are not all held in memory)."""
        for org_id in org_ids:
            yield org_id, self.report(run_id, org_id)


class StoreSink:
    """The crawler's sink for the batch audit: every page, failure and finished site goes to the
    store at once. `on_finished(org_id)` is told when a site's snapshot is complete in the store.
    A site interrupted by the end of the process stays resumable (not marked crawled)."""

    def __init__(self, store: RunStore, run_id: str, worker: str, user_agent: str = "",
                 on_finished: Callable[[str], None] | None = None):
        self.store = store
        self.run_id = run_id
        self.worker = worker
        self.user_agent = user_agent
        self.render_mode = ""  # snapshot-level facts the crawl sets on its sink, as on MemorySink
        self.render_note = ""
        self.on_finished = on_finished
        self._docs: dict[str, list[Document]] = {}
        self._home: dict[str, tuple[int, str]] = {}  # org → (depth, final URL) of its shallowest 2xx page

    def site_started(self, org_id: str, url: str) -> None:
        self._docs[org_id] = []
        meta = {k: v for k, v in (("render_mode", self.render_mode), ("render_note", self.render_note)) if v}
        self.store.start_site(self.run_id, org_id, url, self.user_agent, self.worker, meta)

    def resumed_pages(self, org_id: str, stored: list[Page]) -> None:
        """Pages stored by an earlier session count for the site's reachability and key."""
        for page in stored:
            self._note(org_id, page)

    def page(self, org_id: str, page: Page) -> None:
        self.store.add_page(self.run_id, org_id, page)
        self._note(org_id, page)

    def _note(self, org_id: str, page: Page) -> None:
        if 200 <= page.status < 300:
            best = self._home.get(org_id)
            if best is None or page.depth < best[0]:
                self._home[org_id] = (page.depth, page.final_url)

    def document(self, org_id: str, doc: Document) -> None:
        self._docs.setdefault(org_id, []).append(doc)

    def failure(self, org_id: str, failure: Failure) -> None:
        self.store.add_failure(self.run_id, org_id, failure)

    def probe(self, org_id: str, probe) -> None:
        self.store.add_item(self.run_id, org_id, "probes", probe)

    def trial(self, org_id: str, trial) -> None:
        self.store.add_item(self.run_id, org_id, "trials", trial)

    def site_finished(self, org_id: str, stop_reason: str) -> None:
        docs = self._docs.pop(org_id, [])
        home = self._home.pop(org_id, None)
        if stop_reason == "interrupted":  # the process is stopping: --resume continues the site
            return
        self.store.finish_site(self.run_id, org_id, stop_reason=stop_reason, reachable=home is not None,
                               site=site_key(home[1]) if home else "", docs=docs)
        if self.on_finished:
            self.on_finished(org_id)
