"""`nok audit REGISTRY --out RUN_DIR`: audit the sites of every organisation of a registry."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console

from crawler.run import _pairs
from nok.batch import BatchOptions, print_registry_problems, run_audit
from nok.check import add_audit_arguments, options_from_args
from nok.errors import UserError
from nok.registry import read_batch_registry
from rules.profile import load_profile

CHECK_WORKERS = max(1, (os.cpu_count() or 2) - 1)  # one core is the crawl's


def register(sub) -> None:
    p = sub.add_parser(
        "audit", help="проверить сайты всех организаций реестра (пакетный прогон)",
        description="Обходит сайты организаций из реестра (CSV или XLSX) одновременно, бережно к каждому сайту, "
        "сохраняет снимки и результаты по мере готовности (прерванный прогон продолжается с --resume) и пишет "
        "сводки: summary.xlsx, summary.html, summary.json и страницу каждой организации.",
        epilog="Пример: nok audit реестр.xlsx --out прогон-2026-03\n"
        "Продолжить прерванный: nok audit реестр.xlsx --out прогон-2026-03 --resume\n"
        "Несколько машин: nok audit реестр.xlsx --out прогон --scheduler redis://host:6379/0 "
        "--db postgresql://user@host/nok",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("registry", type=Path, metavar="РЕЕСТР",
                   help="реестр организаций: CSV или XLSX (шаблон: nok template registry)")
    p.add_argument("--out", type=Path, required=True, metavar="ПАПКА",
                   help="папка прогона: хранилище снимков и сводки")
    p.add_argument("--resume", action="store_true",
                   help="продолжить прерванный прогон: сохранённое не загружается заново")
    add_audit_arguments(p)
    group = p.add_argument_group("одновременность и хранилище")
    group.add_argument("--sites-at-once", type=int, default=32, metavar="N",
                       help="сколько сайтов обходить одновременно (32)")
    group.add_argument("--per-site", type=int, default=2, metavar="N",
                       help="одновременных запросов к одному сайту (2)")
    group.add_argument("--check-workers", type=int, default=CHECK_WORKERS, metavar="N",
                       help=f"процессов для проверки обойдённых сайтов во время обхода ({CHECK_WORKERS}: ядер − 1; "
                       "после обхода — все ядра; 0 — в процессе обхода)")
    group.add_argument("--no-check", action="store_true",
                       help="только обойти и сохранить; проверить потом: nok recheck ПАПКА")
    group.add_argument("--db", metavar="АДРЕС",
                       help="хранилище: файл SQLite или postgresql://… (по умолчанию ПАПКА/run.sqlite)")
    group.add_argument("--scheduler", metavar="redis://…",
                       help="общая очередь сайтов в Redis: несколько процессов или машин работают один реестр")
    group.add_argument("--run", metavar="ИМЯ", help="имя прогона в хранилище (по умолчанию имя папки)")
    expert = p.add_argument_group("для опытных")
    expert.add_argument("-o", "--crawl-option", action="append", default=[], metavar="ПОЛЕ=ЗНАЧЕНИЕ",
                        help="любое поле CrawlOptions (docs/crawler.md), например download_timeout=10")
    expert.add_argument("-s", "--setting", action="append", default=[], metavar="НАСТРОЙКА=ЗНАЧЕНИЕ",
                        help="настройка Scrapy, например AUTOTHROTTLE_ENABLED=false")
    p.set_defaults(func=run)


def check_scheduler(url: str) -> None:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"--scheduler: нужен адрес Redis вида redis://host:6379/0, а не «{url}»")
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        raise UserError("Для --scheduler нужны пакеты scrapy-redis и redis: pip install 'nok-auditor[distributed]'") from None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        raise UserError(f"Redis по адресу {url} недоступен: {exc}") from None


def batch_options_from_args(args) -> BatchOptions:
    if args.sites_at_once < 1 or args.per_site < 1 or args.check_workers < 0:
        raise UserError("--sites-at-once и --per-site — положительные числа, --check-workers — не меньше 0")
    return BatchOptions(sites_at_once=args.sites_at_once, per_site=args.per_site, check_workers=args.check_workers,
                        no_check=args.no_check, crawl=_pairs(args.crawl_option), scrapy=_pairs(args.setting))


def run(args) -> int:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    audit = options_from_args(args)
    if args.screenshots is True:  # no folder given: inside the run's folder
        audit = audit.model_copy(update={"screenshot_dir": args.out / "снимки"})
    batch = batch_options_from_args(args)
    if args.scheduler:
        check_scheduler(args.scheduler)
    registry = read_batch_registry(args.registry, load_profile(None), default_sphere=args.sphere)
    print_registry_problems(registry, err)
    return run_audit(registry, args.out, audit, batch, db=args.db, run_id=args.run, resume=args.resume,
                     scheduler=args.scheduler, default_sphere=args.sphere, preset=args.preset, console=err)
