"""`nok score`: full НОК scores (indicators 1.1–5.3, K1–K5, total, ratings) from the inspector's
checklists, survey answers, `nok check` reports or ready indicator/criteria values."""
from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from nok.errors import UserError
from reports.score_terminal import print_scores
from reports.score_xlsx import write_score_xlsx
from rules.profile import DEFAULT_PROFILE, load_profile
from scoring.join import ScoreInputs
from scoring.run import score_files


def register(sub) -> None:
    p = sub.add_parser(
        "score", help="рассчитать баллы НОК (показатели, критерии, итог, рейтинги)",
        description="Считает показатели 1.1–5.3, критерии K1–K5 и итоговый балл каждой организации по "
        "приказу Минтруда № 344н, затем средние и рейтинги по муниципальным образованиям, субъектам РФ и "
        "сферам. Данные соединяются по коду организации. Каждый параметр-файл можно указать несколько раз.",
        epilog="Пример: nok score --checklist чек-лист.xlsx --survey анкеты.xlsx --site отчеты/ --xlsx баллы.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    inputs = p.add_argument_group("исходные данные (CSV или XLSX)")
    inputs.add_argument("--checklist", type=Path, action="append", default=[], metavar="ФАЙЛ",
                        help="чек-лист осмотра: стенды, дистанционные способы, комфорт, доступность")
    inputs.add_argument("--survey", type=Path, action="append", default=[], metavar="ФАЙЛ",
                        help="анкеты (строка — респондент) или сводные ответы (строка — организация)")
    inputs.add_argument("--site", type=Path, action="append", default=[], metavar="ПУТЬ",
                        help="результат nok check (JSON) или папка с такими файлами")
    inputs.add_argument("--indicators", type=Path, action="append", default=[], metavar="ФАЙЛ",
                        help="готовые значения показателей: org_id, sphere, 1.1 … 5.3")
    inputs.add_argument("--criteria", type=Path, action="append", default=[], metavar="ФАЙЛ",
                        help="готовые значения критериев: org_id, K1 … K5")
    inputs.add_argument("--registry", type=Path, action="append", default=[], metavar="ФАЙЛ",
                        help="реестр организаций (код, наименование, сфера, МО, субъект РФ, головная организация)")
    p.add_argument("--profile", default=None, metavar="МЕТОДИКА",
                   help=f"методика расчёта: имя или путь к YAML (по умолчанию {DEFAULT_PROFILE})")
    out = p.add_argument_group("результат")
    out.add_argument("--json", type=Path, metavar="ФАЙЛ", help="записать результат в JSON")
    out.add_argument("--xlsx", type=Path, metavar="ФАЙЛ", help="записать книгу XLSX (организации, МО, регионы, "
                     "сферы, показатели с исходными данными, замечания)")
    out.add_argument("-d", "--details", action="store_true",
                     help="показать в терминале все показатели с исходными данными и все сведения")
    out.add_argument("-q", "--quiet", action="store_true", help="не печатать таблицы в терминале")
    p.set_defaults(func=run)


def run(args) -> int:
    files = ScoreInputs(registry=args.registry, checklists=args.checklist, surveys=args.survey, sites=args.site,
                        indicators=args.indicators, criteria=args.criteria)
    if files.empty():
        raise UserError("Не указаны исходные данные: нужен хотя бы один из параметров --checklist, --survey, "
                        "--site, --indicators, --criteria. Шаблоны: nok template checklist, nok template survey.")
    for target in (args.json, args.xlsx):
        if target is not None and not target.parent.exists():
            raise UserError(f"Папка «{target.parent}» для файла «{target.name}» не существует.")
    profile = load_profile(args.profile)
    result = score_files(files, profile)
    if not result.organizations:
        raise UserError("В исходных данных не нашлось ни одной организации.")
    console = Console(highlight=False)
    if not args.quiet:
        print_scores(result, console, details=args.details)
    if args.json:
        args.json.write_text(result.model_dump_json(indent=2), encoding="utf-8")
        console.print(f"Записан JSON: {args.json}")
    if args.xlsx:
        try:
            write_score_xlsx(result, args.xlsx)
        except PermissionError:
            raise UserError(f"Не удалось записать «{args.xlsx}»: файл открыт в другой программе?") from None
        console.print(f"Записана книга XLSX: {args.xlsx}")
    return 0
