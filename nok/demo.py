"""`nok demo`: audit the bundled example site, served on 127.0.0.1, end to end."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console

from nok.check import write_outputs
from nok.demo_server import serve_demo
from nok.site_audit import AuditOptions, audit_site, load_rules
from reports.site_terminal import print_site_report


def register(sub) -> None:
    p = sub.add_parser("demo", help="проверить встроенный пример сайта (без интернета)",
                       description="Запускает пример сайта вымышленной организации на 127.0.0.1, "
                       "проверяет его и сохраняет отчёты JSON и HTML.")
    p.add_argument("--out", type=Path, default=Path("nok-demo"), help="папка для отчётов (nok-demo)")
    p.set_defaults(func=run)


def run(args) -> int:
    pack = load_rules("social")
    with serve_demo() as url:
        Console(stderr=True).print(f"Пример сайта запущен: {url}")
        report, _ = audit_site(url + "/", pack, AuditOptions(delay=0.05, external=False), console=Console(stderr=True))
    json_path, html_path = args.out / "report.json", args.out / "report.html"
    write_outputs(report, pack, json_path, html_path)
    print_site_report(report, pack, Console(highlight=False))
    print(f"\nОтчёты: {html_path} и {json_path}")
    return 0
