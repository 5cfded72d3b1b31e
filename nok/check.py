"""`nok check URL`: audit one organisation's site and write the deficiency list."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from checks.findings import SiteReport
from nok.errors import UserError
from nok.site_audit import AuditOptions, audit_site, load_rules
from reports.site_html import write_site_html
from reports.site_terminal import print_site_report

EXIT_BELOW_THRESHOLD = 1
EXIT_UNREACHABLE = 3


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that crawl and check sites."""
    parser.add_argument("--sphere", default="social", help="набор правил (по умолчанию social)")
    parser.add_argument("--preset", type=Path, help="свой файл перечней Инорм (presets.yaml)")
    parser.add_argument("--max-pages", type=int, default=150, help="предел страниц на сайт (150)")
    parser.add_argument("--max-depth", type=int, default=6, help="предел глубины ссылок (6)")
    parser.add_argument("--time-budget", type=float, default=300, help="предел времени на сайт, с (300)")
    parser.add_argument("--delay", type=float, default=0.5, help="пауза между запросами к сайту, с (0,5)")
    parser.add_argument("--render", choices=("auto", "always", "never"), default="auto",
                        help="открывать страницы в браузере Chromium: auto — когда меню, текст или "
                        "формы строятся скриптами и для проверки версии для слабовидящих; always — "
                        "все страницы; never — без браузера (по умолчанию auto)")
    parser.add_argument("--max-renders", type=int, default=10,
                        help="предел страниц, открытых в браузере, на сайт в режиме auto (10)")
    parser.add_argument("--screenshots", nargs="?", const=True, default=None, metavar="ПАПКА",
                        help="снимки страниц, где найдены сведения, — в HTML-отчёт (файлы в ПАПКЕ; "
                        "по умолчанию рядом с отчётом)")
    parser.add_argument("--no-external", action="store_true",
                        help="не обращаться к другим сайтам: ссылки на bus.gov.ru, соцсети и виджеты "
                        "не проверяются, сторонние скрипты в браузере не загружаются")


def register(sub) -> None:
    p = sub.add_parser("check", help="проверить сайт одной организации",
                       description="Обходит официальный сайт организации, проверяет обязательную "
                       "информацию, дистанционные способы связи и версию для слабовидящих.")
    p.add_argument("url", help="адрес официального сайта, например https://kcson.example.ru")
    add_audit_arguments(p)
    p.add_argument("--json", type=Path, metavar="ФАЙЛ", help="записать результат в JSON")
    p.add_argument("--html", type=Path, metavar="ФАЙЛ", help="записать отчёт в HTML")
    p.add_argument("--snapshot", type=Path, metavar="ФАЙЛ", help="сохранить снимок сайта (для повторной проверки)")
    p.add_argument("--fail-under", type=float, metavar="N",
                   help="код выхода 1, если итог по сайту ниже N баллов")
    p.add_argument("-v", "--verbose", action="store_true", help="показать свидетельства для всех пунктов")
    p.set_defaults(func=run)


def normalize_url(raw: str) -> str:
    url = raw.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise UserError(f"«{raw}» не похоже на адрес сайта. Пример: https://kcson.example.ru")
    return url


def options_from_args(args) -> AuditOptions:
    if args.max_pages < 1 or args.time_budget <= 0 or args.delay < 0 or args.max_renders < 0:
        raise UserError("Пределы обхода должны быть положительными числами")
    return AuditOptions(max_pages=args.max_pages, max_depth=args.max_depth,
                        time_budget=args.time_budget, delay=args.delay, render=args.render,
                        max_renders=args.max_renders, screenshots=bool(args.screenshots),
                        screenshot_dir=screenshot_dir(args), external=not args.no_external)


def screenshot_dir(args) -> Path | None:
    """--screenshots ПАПКА, or a folder beside the HTML report («отчёт.html» → «отчёт-снимки»)."""
    if not args.screenshots:
        return None
    if args.screenshots is not True:
        return Path(args.screenshots)
    html = getattr(args, "html", None)
    return html.with_name(html.stem + "-снимки") if html else Path("nok-снимки")


def run(args) -> int:
    url = normalize_url(args.url)
    pack = load_rules(args.sphere, args.preset)
    err = Console(stderr=True, highlight=False)
    report, snapshot = audit_site(url, pack, options_from_args(args), console=err)
    write_outputs(report, pack, args.json, args.html)
    if args.snapshot:
        args.snapshot.parent.mkdir(parents=True, exist_ok=True)
        args.snapshot.write_text(snapshot.model_dump_json(), encoding="utf-8")
    print_site_report(report, pack, Console(highlight=False), verbose=args.verbose)
    return exit_code(report, args.fail_under)


def write_outputs(report: SiteReport, pack, json_path: Path | None, html_path: Path | None) -> None:
    try:
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
        if html_path:
            write_site_html(report, pack, html_path)
    except OSError as exc:
        raise UserError(f"Не удалось записать отчёт: {exc}") from exc


def exit_code(report: SiteReport, fail_under: float | None) -> int:
    if report.crawl.status == "unreachable":
        return EXIT_UNREACHABLE
    score = report.indicators.site_score
    if fail_under is not None and (score is None or score < fail_under):
        print(f"Итог по сайту {score if score is not None else '—'} ниже порога {fail_under}", file=sys.stderr)
        return EXIT_BELOW_THRESHOLD
    return 0
