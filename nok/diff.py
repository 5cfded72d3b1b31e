"""`nok diff RUN_A RUN_B`: what changed between two batch runs, per organisation."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console

from nok.errors import UserError
from reports.batch_diff import DiffInputError, diff_runs, load_outcomes, print_diff, render_diff_html, write_diff_xlsx
from rules.loader import RULES_DIR, RuleError, load_pack


def register(sub) -> None:
    p = sub.add_parser("diff", help="сравнить два прогона nok audit",
                       description="По каждой организации: какие пункты появились, пропали или изменили результат "
                       "между прогонами (сравниваются summary.json, организации — по коду).")
    p.add_argument("run_a", type=Path, metavar="ПРОГОН_А", help="папка прогона (или его summary.json): было")
    p.add_argument("run_b", type=Path, metavar="ПРОГОН_Б", help="папка прогона (или его summary.json): стало")
    p.add_argument("--xlsx", type=Path, metavar="ФАЙЛ", help="записать сравнение в XLSX")
    p.add_argument("--html", type=Path, metavar="ФАЙЛ", help="записать сравнение в HTML")
    p.set_defaults(func=run)


def rule_titles() -> dict[str, str]:
    """Titles of every rule of every sphere's pack, for the lines of a diff."""
    titles: dict[str, str] = {}
    for directory in sorted(p for p in RULES_DIR.iterdir() if (p / "pack.yaml").is_file()):
        try:
            titles.update({rule_id: rule.title for rule_id, rule in load_pack(directory.name).rules.items()})
        except RuleError:
            continue
    return titles


def run(args) -> int:
    try:
        diff = diff_runs(load_outcomes(args.run_a), load_outcomes(args.run_b), rule_titles())
    except DiffInputError as exc:
        raise UserError(str(exc)) from None
    print_diff(diff, Console(highlight=False, soft_wrap=True))
    out = Console(highlight=False, soft_wrap=True)
    try:
        if args.xlsx:
            args.xlsx.parent.mkdir(parents=True, exist_ok=True)
            write_diff_xlsx(diff, args.xlsx)
            out.print(f"Записана книга XLSX: {args.xlsx}")
        if args.html:
            args.html.parent.mkdir(parents=True, exist_ok=True)
            args.html.write_text(render_diff_html(diff), encoding="utf-8")
            out.print(f"Записан HTML: {args.html}")
    except OSError as exc:
        raise UserError(f"Не удалось записать сравнение: {exc}") from None
    return 0
