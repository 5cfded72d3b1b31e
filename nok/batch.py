"""The batch audit of a registry (`nok audit`, `nok recheck`): many sites crawled at the same time
into the run store, each checked when its crawl is done, summaries written at the end.

A run lives in a folder: `run.json` (which store, which run id), the SQLite store `run.sqlite`
unless another store was named, and the summaries. docs/batch.md describes the design.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from rich.console import Console

from checks.batch import CHECK_ERROR as CHECK_ERROR_STATUS
from checks.batch import CRAWLED as CRAWLED_STATUS
from checks.batch import CRAWLING as CRAWLING_STATUS
from checks.batch import PENDING, OrgResult, RegistryProblem, RunMeta
from checks.findings import CrawlSummary, SiteReport
from checks.snapshot import Page
from crawler.options import CrawlOptions
from crawler.run import crawl
from nok import __version__
from nok.checker import Checker
from nok.errors import UserError
from checks.batch import RegistryOrg
from nok.registry import Registry
from nok.site_audit import AuditOptions, browser_check, load_rules, take_screenshots
from nok.store import (
    CHECK_ERROR, CHECKED, CRAWLED, CRAWLING, STORE_FILE, RunInfo, RunStore, SiteState, StoreSink, public_url,
)
from reports.batch_summary import BatchOutputs, page_name, write_atomic
from reports.site_html import render_site_html
from rules.loader import RulePack

RUN_FILE = "run.json"
RUN_FORMAT = "nok-batch-run"
EXIT_INCOMPLETE = 4  # the run stopped before every site was audited: continue with --resume
STATE_STATUS = {None: PENDING, CRAWLING: CRAWLING_STATUS, CRAWLED: CRAWLED_STATUS, CHECK_ERROR: CHECK_ERROR_STATUS}


class BatchOptions(BaseModel):
    """How a batch is run on this machine (the per-site limits are AuditOptions)."""

    sites_at_once: int = Field(32, ge=1)  # sites crawled at the same time
    per_site: int = Field(2, ge=1)  # requests in flight per site
    check_workers: int = Field(1, ge=0)  # processes running the checks (0: in the crawl's process)
    no_check: bool = False  # crawl and store only; `nok recheck` checks later
    crawl: dict = Field(default_factory=dict)  # other CrawlOptions fields
    scrapy: dict = Field(default_factory=dict)  # Scrapy settings


def crawl_options(audit: AuditOptions, batch: BatchOptions) -> CrawlOptions:
    """The crawler's options: the audit's per-site limits, the batch's concurrency. Scrapy's
    global request cap is raised so that every active site can keep its window full."""
    base = audit.crawl_options().model_dump()
    base.update(max_active_sites=batch.sites_at_once, concurrency_per_site=batch.per_site)
    base["concurrent_requests"] = max(base["concurrent_requests"], batch.sites_at_once * (batch.per_site + 1))
    base.update(batch.crawl)
    try:
        return CrawlOptions.model_validate(base)
    except ValidationError as exc:
        raise UserError(f"Недопустимые параметры обхода: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None


# ---- the run folder ---------------------------------------------------------------------------
def store_url(run_dir: Path, db: str | None) -> str:
    """The store of a run: `--db`, else the one run.json names, else run.sqlite in the folder."""
    if db:
        return db
    run_file = run_dir / RUN_FILE
    if run_file.is_file():
        stored = read_run_file(run_dir).get("store", STORE_FILE)
        if "://" not in stored:
            return str(run_dir / stored)
        if "***" in stored:
            raise UserError(f"Хранилище прогона «{stored}» защищено паролем: укажите его адрес полностью (--db).")
        return stored
    return str(run_dir / STORE_FILE)


def read_run_file(run_dir: Path) -> dict:
    try:
        data = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"Не читается {run_dir / RUN_FILE}: {exc}") from None
    if data.get("format") != RUN_FORMAT:
        raise UserError(f"{run_dir / RUN_FILE} — не файл прогона nok audit.")
    return data


def write_run_file(run_dir: Path, run_id: str, store: RunStore) -> None:
    sqlite_file = store.engine.url.database if store.is_sqlite else None
    where = public_url(store.url)
    if sqlite_file and Path(sqlite_file).resolve().parent == run_dir.resolve():
        where = Path(sqlite_file).name  # the folder can be moved
    data = {"format": RUN_FORMAT, "version": 1, "run_id": run_id, "store": where}
    tmp = run_dir / f".{RUN_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, run_dir / RUN_FILE)


def open_run(run_dir: Path, db: str | None = None) -> tuple[RunStore, RunInfo]:
    """An existing run (for recheck): its store and its record."""
    if not (run_dir / RUN_FILE).is_file() and not db:
        raise UserError(f"В «{run_dir}» нет прогона nok audit (нет файла {RUN_FILE}).")
    run_id = read_run_file(run_dir)["run_id"] if (run_dir / RUN_FILE).is_file() else run_dir.resolve().name
    store = RunStore(store_url(run_dir, db))
    info = store.get_run(run_id)
    if info is None:
        raise UserError(f"В хранилище {public_url(store.url)} нет прогона «{run_id}».")
    return store, info


# ---- progress ---------------------------------------------------------------------------------
def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} ч {seconds % 3600 // 60} мин"
    if seconds >= 60:
        return f"{seconds // 60} мин {seconds % 60} с"
    return f"{seconds} с"


class BatchProgress:
    """The live line: sites done / total, checked, pages, errors, current rate, ETA."""

    def __init__(self, console: Console | None, total: int, done_before: int = 0, pages_before: int = 0,
                 checked_before: int = 0, every: float | None = None):
        self.console = console
        self.total = total
        self.done_before = done_before
        self.pages_before = pages_before
        self.interactive = bool(console and console.is_terminal)
        self.every = every if every is not None else (0.5 if self.interactive else 15.0)
        self.started = time.monotonic()
        self.last = self.started
        self.stats: dict = {}
        self.checked = checked_before
        self.check_errors = 0
        self.window: deque[tuple[float, int]] = deque([(self.started, 0)])

    def __call__(self, stats: dict) -> None:
        self.stats = stats
        now = time.monotonic()
        if now - self.last >= self.every:
            self.show(now)

    def check_done(self, org_id: str, status: str) -> None:  # from the checker's thread
        self.checked += 1
        if status == CHECK_ERROR:
            self.check_errors += 1

    def line(self, now: float | None = None) -> str:
        now = now or time.monotonic()
        pages = self.stats.get("pages", 0)
        self.window.append((now, pages))
        while len(self.window) > 2 and now - self.window[0][0] > 30:
            self.window.popleft()
        t0, p0 = self.window[0]
        rate = (pages - p0) / max(now - t0, 1e-6)
        done_now = self.stats.get("sites_done", 0)
        done = self.done_before + done_now
        elapsed = now - self.started
        eta = ""
        if done_now and done < self.total:
            eta = f" · осталось ≈ {_duration((self.total - done) * elapsed / done_now)}"
        site_rate = done_now / elapsed * 60 if elapsed > 0 else 0.0
        return (f"Сайтов {done}/{self.total} (проверено {self.checked}) · страниц {self.pages_before + pages} · "
                f"ошибок загрузки {self.stats.get('failures', 0)} · {rate:.1f} стр/с · "
                f"{site_rate:.1f} сайт/мин{eta}").replace(".", ",")

    def show(self, now: float | None = None) -> None:
        self.last = now or time.monotonic()
        if not self.console:
            return
        if self.interactive:
            self.console.print(self.line(now).ljust(110)[:150], end="\r", highlight=False, soft_wrap=True)
        else:
            self.console.print(self.line(now), highlight=False, soft_wrap=True)

    def done(self) -> None:
        if self.console and self.interactive:
            self.console.print(" " * 150, end="\r")


class StoredPages(Mapping):
    """`resume` for the crawler: pages stored by an earlier session of unfinished sites, loaded
    from the store only when the site is opened (not all at once)."""

    def __init__(self, store: RunStore, run_id: str, org_ids: set[str], sink: StoreSink):
        self.store, self.run_id, self.org_ids, self.sink = store, run_id, org_ids, sink

    def __contains__(self, org_id: object) -> bool:
        return org_id in self.org_ids

    def __getitem__(self, org_id: str) -> list[Page]:
        if org_id not in self.org_ids:
            raise KeyError(org_id)
        pages = self.store.load_pages(self.run_id, org_id)
        self.sink.resumed_pages(org_id, pages)
        return pages

    def __iter__(self) -> Iterator[str]:
        return iter(self.org_ids)

    def __len__(self) -> int:
        return len(self.org_ids)


# ---- the run ----------------------------------------------------------------------------------
def print_registry_problems(registry: Registry, console: Console) -> None:
    skipped, warnings = registry.skipped, registry.warnings
    if skipped:
        console.print(f"[bold red]Реестр «{Path(registry.path).name}»: строк с ошибками {len(skipped)}, "
                      "они пропущены:[/bold red]")
        for problem in skipped:
            console.print(f"  - {problem}", highlight=False, soft_wrap=True)
    if warnings:
        console.print(f"Реестр «{Path(registry.path).name}»: замечания ({len(warnings)}):")
        for problem in warnings:
            console.print(f"  - {problem}", highlight=False, soft_wrap=True)


def _same_registry(stored: list[RegistryOrg], given: list[RegistryOrg]) -> None:
    old = {o.org_id: o.url for o in stored}
    new = {o.org_id: o.url for o in given}
    if old == new:
        return
    diffs = [f"нет «{k}»" for k in old if k not in new] + [f"новая «{k}»" for k in new if k not in old]
    diffs += [f"у «{k}» другой адрес сайта" for k in new if k in old and old[k] != new[k]]
    raise UserError("Реестр отличается от того, с которым начат прогон (" + ", ".join(diffs[:5])
                    + (", …" if len(diffs) > 5 else "") + "). Продолжить можно только с тем же реестром; "
                    "для нового реестра начните новый прогон (другая папка --out).")


def load_packs(spheres: set[str], default_sphere: str, preset: Path | None) -> dict[str, RulePack]:
    return {s: load_rules(s, preset if s == default_sphere else None) for s in sorted(spheres)}


def merged_hints(packs: dict[str, RulePack]) -> dict[str, list[str]]:
    texts: dict[str, None] = {}
    patterns: dict[str, None] = {}
    for pack in packs.values():
        hints = pack.crawl_hints()
        texts.update(dict.fromkeys(hints["link_texts"]))
        patterns.update(dict.fromkeys(hints["url_patterns"]))
    return {"link_texts": list(texts), "url_patterns": list(patterns)}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def start_run(store: RunStore, run_id: str, registry: Registry, audit: AuditOptions, batch: BatchOptions, *,
              resume: bool, join: bool, console: Console) -> tuple[RunInfo, AuditOptions]:
    """Create the run, or check that the one found may be continued; the limits of a continued run
    are those it was started with."""
    info = store.get_run(run_id)
    if info is None:
        if resume:
            raise UserError(f"Нечего продолжать: в хранилище {public_url(store.url)} нет прогона «{run_id}». "
                            "Уберите --resume, чтобы начать его.")
        settings = {"audit": audit.model_dump(mode="json"), "batch": batch.model_dump(mode="json")}
        created = store.create_run(run_id, registry.path, registry.orgs, registry.problems, settings, __version__)
        info = store.get_run(run_id)
        if created:
            return info, audit
    elif not (resume or join):
        raise UserError(f"Прогон «{run_id}» уже есть ({public_url(store.url)}). Продолжить его: добавьте --resume; "
                        "новый прогон: укажите другую папку --out.")
    _same_registry(store.registry(run_id), registry.orgs)
    started = AuditOptions.model_validate(info.settings.get("audit", {}))
    if started != audit:
        console.print("Пределы обхода взяты из начала прогона: "
                      + ", ".join(f"{k}={v}" for k, v in started.model_dump().items()), highlight=False)
    return info, started


def run_audit(registry: Registry, run_dir: Path, audit: AuditOptions, batch: BatchOptions, *,
              db: str | None = None, run_id: str | None = None, resume: bool = False,
              scheduler: str | None = None, default_sphere: str = "social", preset: Path | None = None,
              console: Console | None = None) -> int:
    """Crawl, store and check every organisation of the registry; write the summaries."""
    console = console or Console(stderr=True, highlight=False, soft_wrap=True)
    run_dir.mkdir(parents=True, exist_ok=True)
    store = RunStore(store_url(run_dir, db))
    run_id = run_id or (read_run_file(run_dir)["run_id"] if (run_dir / RUN_FILE).is_file() else run_dir.resolve().name)
    info, audit = start_run(store, run_id, registry, audit, batch, resume=resume, join=bool(scheduler),
                            console=console)
    write_run_file(run_dir, run_id, store)
    orgs = store.registry(run_id)
    sphere_of = {o.org_id: o.sphere for o in orgs}
    packs = load_packs(set(sphere_of.values()), default_sphere, preset)
    states = store.site_states(run_id)
    finished = (CRAWLED, CHECKED, CHECK_ERROR)
    to_crawl = [o for o in orgs if states.get(o.org_id, SiteState("", 0, "")).state not in finished]
    to_check = [o for o in orgs if resume and states.get(o.org_id) and states[o.org_id].state in (CRAWLED, CHECK_ERROR)]
    resumable = {k for k, s in states.items() if s.state == CRAWLING and s.pages}
    options = browser_check(crawl_options(audit, batch), console)
    progress = BatchProgress(console, len(orgs), done_before=len(orgs) - len(to_crawl),
                             pages_before=sum(s.pages for s in states.values()),
                             checked_before=sum(1 for s in states.values() if s.state == CHECKED))
    checker = None
    if not batch.no_check:
        checker = Checker(store.url, run_id, presets={default_sphere: str(preset)} if preset else {},
                          workers=batch.check_workers, on_done=progress.check_done, pages_dir=run_dir / "orgs")
        checker.warm_up(sorted(packs))
    sink = StoreSink(store, run_id, worker_name(), user_agent=str(batch.scrapy.get("USER_AGENT", options.user_agent)),
                     on_finished=(lambda org_id: checker.submit(org_id, sphere_of[org_id])) if checker else None)
    shared = None
    if scheduler:
        shared = {"redis_url": scheduler, "key": f"nok:{run_id}", "flush": resume}
    complete = False
    try:
        for org in to_check if checker else ():
            checker.submit(org.org_id, org.sphere)
        console.print(f"Прогон «{run_id}»: организаций {len(orgs)}, обойти {len(to_crawl)}"
                      + (f" (продолжаются {len(resumable)})" if resumable else "")
                      + f"; хранилище {public_url(store.url)}", highlight=False, soft_wrap=True)
        began = time.monotonic()
        # a site that does not answer is recorded as a failure of that site; the log need not shout
        logging.getLogger("scrapy.downloadermiddlewares.retry").addFilter(lambda r: r.levelno >= logging.CRITICAL)
        if to_crawl:
            crawl([(o.org_id, o.url) for o in to_crawl], sink=sink, hints=merged_hints(packs), options=options,
                  settings_overrides=batch.scrapy, progress=progress,
                  resume=StoredPages(store, run_id, resumable, sink), shared=shared)
        progress.done()
        states = store.site_states(run_id)
        complete = all(states.get(o.org_id) and states[o.org_id].state in finished for o in orgs)
        if checker and (complete or scheduler):
            checker.widen(os.cpu_count() or 1)
            if checker.pending:
                console.print(f"Обход закончен за {_duration(time.monotonic() - began)}; "
                              f"проверка оставшихся сайтов: {checker.pending}…", highlight=False)
            checker.wait(tick=progress.show)
            progress.done()
    finally:
        if checker:
            checker.close(cancel=not complete and not scheduler)
    if checker and audit.screenshots and options.render != "never" and (complete or scheduler):
        states = store.site_states(run_id)  # distributed: each worker photographs what it checked
        mine = [o.org_id for o in orgs if (s := states.get(o.org_id)) and s.state == CHECKED
                and (not scheduler or s.worker == sink.worker)]
        screenshot_reports(store, run_id, mine, {o.org_id: packs[o.sphere] for o in orgs}, options,
                           run_dir / "orgs", console)
    paths = write_summaries(store, run_id, run_dir, packs)
    return finish_message(store, run_id, orgs, paths, console, registry.path, run_dir, scheduler)


SHOTS_PER_BROWSER = 20  # organisations whose evidence one browser start photographs


def screenshot_reports(store: RunStore, run_id: str, org_ids: list[str], packs: dict[str, RulePack],
                       options: CrawlOptions, pages_dir: Path, console: Console) -> None:
    """As `nok check --screenshots`: a screenshot of the page where each present item was found,
    into the stored report and the organisation's page (evidence already photographed, say by an
    earlier session, is skipped)."""
    for start in range(0, len(org_ids), SHOTS_PER_BROWSER):
        audited = {org_id: (report, None) for org_id in org_ids[start:start + SHOTS_PER_BROWSER]
                   if (report := store.report(run_id, org_id)) is not None and report.crawl.status != "unreachable"}
        take_screenshots(audited, options, console)
        for org_id, (report, _) in audited.items():
            store.save_report(run_id, org_id, report)
            write_atomic(pages_dir / page_name(org_id), render_site_html(report, packs[org_id]))


def org_result(org: RegistryOrg, report: SiteReport | None, state: SiteState | None, error: str) -> OrgResult:
    registry = org.model_dump(exclude={"url", "sphere", "org_id"})
    if report is not None and (state is None or state.state == CHECKED):
        return OrgResult.model_validate({**report.model_dump(), **registry, "status": report.crawl.status})
    status = STATE_STATUS.get(state.state if state else None, PENDING)
    return OrgResult(org_id=org.org_id, url=org.url, sphere=org.sphere, **registry, status=status, error=error,
                     crawl=CrawlSummary(status=status))


def write_summaries(store: RunStore, run_id: str, run_dir: Path, packs: dict[str, RulePack]) -> list[Path]:
    info = store.get_run(run_id)
    orgs = store.registry(run_id)
    states = store.site_states(run_id)
    errors = store.check_errors(run_id)
    meta = RunMeta(run_id=run_id, registry=info.registry, started_at=info.created_at,
                   written_at=datetime.now(timezone.utc), store=public_url(store.url), settings=info.settings)
    problems = [RegistryProblem.model_validate(p.model_dump()) for p in info.problems]
    outputs = BatchOutputs(run_dir, meta, problems, packs, __version__)
    by_id = {o.org_id: o for o in orgs}
    for org_id, report in store.iter_reports(run_id, list(by_id)):
        outputs.add(org_result(by_id[org_id], report, states.get(org_id), errors.get(org_id, "")))
    return outputs.close()


def finish_message(store: RunStore, run_id: str, orgs: list[RegistryOrg], paths: list[Path], console: Console,
                   registry_path: str, run_dir: Path, scheduler: str | None) -> int:
    states = store.site_states(run_id)
    tally: dict[str, int] = {}
    for org in orgs:
        state = states.get(org.org_id)
        key = state.state if state else "pending"
        tally[key] = tally.get(key, 0) + 1
    words = {CHECKED: "проверено", CRAWLED: "обойдено, не проверено", CHECK_ERROR: "ошибка проверки",
             CRAWLING: "обход не завершён", "pending": "не начато"}
    console.print("Итог: " + ", ".join(f"{words.get(k, k)} — {v}" for k, v in tally.items()), highlight=False)
    out = Console(highlight=False, soft_wrap=True)
    out.print("Сводка: " + ", ".join(str(p) for p in paths) + f"; страницы организаций: {run_dir / 'orgs'}")
    left = sum(v for k, v in tally.items() if k in (CRAWLING, "pending"))
    if left and not scheduler:
        console.print(f"[bold]Прогон не завершён[/bold] (осталось сайтов: {left}). Продолжить: "
                      f"nok audit {registry_path} --out {run_dir} --resume", highlight=False)
        return EXIT_INCOMPLETE
    if left:
        console.print(f"Очередь пуста; сайтов в работе у других участников: {left}.", highlight=False)
    return 0


# ---- recheck -------------------------------------------------------------------------------
def recheck_run(run_dir: Path, *, db: str | None = None, preset: Path | None = None, workers: int = 1,
                console: Console | None = None) -> tuple[list[Path], Path | None]:
    """Check every stored snapshot again with the current rules; the previous summary.json is kept
    as summary.previous.json. Returns the summaries written and the previous summary (if any)."""
    console = console or Console(stderr=True, highlight=False, soft_wrap=True)
    store, info = open_run(run_dir, db)
    orgs = store.registry(info.run_id)
    default_sphere = orgs[0].sphere if orgs else "social"
    packs = load_packs({o.sphere for o in orgs}, default_sphere, preset)
    states = store.site_states(info.run_id)
    stored = [o for o in orgs if o.org_id in states and states[o.org_id].state in (CRAWLED, CHECKED, CHECK_ERROR)]
    if not stored:
        raise UserError(f"В прогоне «{info.run_id}» нет ни одного обойдённого сайта: проверять нечего.")
    previous = None
    if (run_dir / "summary.json").is_file():
        previous = run_dir / "summary.previous.json"
        os.replace(run_dir / "summary.json", previous)
    progress = BatchProgress(console, len(stored), every=0.5 if console.is_terminal else 15.0)
    checker = Checker(store.url, info.run_id, presets={default_sphere: str(preset)} if preset else {},
                      workers=workers, on_done=progress.check_done, pages_dir=run_dir / "orgs")
    console.print(f"Повторная проверка «{info.run_id}»: сайтов {len(stored)} (без обхода)", highlight=False)
    try:
        for org in stored:
            checker.submit(org.org_id, org.sphere)
        checker.wait(tick=lambda: progress({"sites_done": progress.checked, "pages": 0}))
    finally:
        checker.close(cancel=True)
    progress.done()
    return write_summaries(store, info.run_id, run_dir, packs), previous
