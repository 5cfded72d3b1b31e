"""`nok template checklist|survey`: blank Russian XLSX templates that `nok score` reads as they are."""
from __future__ import annotations

from pathlib import Path

from nok.errors import UserError
from rules.profile import DEFAULT_PROFILE, load_profile
from scoring.orgs import read_registry
from scoring.templates import aggregated_survey_template, checklist_template, registry_template, survey_template

DEFAULT_NAMES = {"checklist": "checklist.xlsx", "survey": "survey.xlsx", "survey-aggregated": "survey-aggregated.xlsx",
                 "registry": "registry.xlsx"}
KIND_RU = {"checklist": "чек-листа", "survey": "анкет", "survey-aggregated": "сводных ответов", "registry": "реестра"}


def register(sub) -> None:
    p = sub.add_parser(
        "template", help="создать пустой шаблон XLSX: чек-лист осмотра, анкеты или реестр организаций",
        description="Пишет пустую книгу XLSX с русскими заголовками, выпадающими списками «да/нет» и листом "
        "«Инструкция». Заполненный шаблон читает nok score.")
    p.add_argument("kind", choices=["checklist", "survey", "registry"],
                   help="checklist — чек-лист осмотра; survey — анкеты; registry — реестр организаций для nok audit")
    p.add_argument("-o", "--output", type=Path, metavar="ФАЙЛ", help="куда записать (по умолчанию checklist.xlsx "
                   "survey.xlsx или registry.xlsx в текущей папке)")
    p.add_argument("--aggregated", action="store_true",
                   help="для survey: шаблон сводных ответов (по строке на организацию, числа «да» и «нет»)")
    p.add_argument("--registry", type=Path, metavar="ФАЙЛ",
                   help="реестр организаций (CSV/XLSX): заполнить коды (и для чек-листа — наименования, МО)")
    p.add_argument("--profile", default=None, metavar="МЕТОДИКА", help=f"методика (по умолчанию {DEFAULT_PROFILE})")
    p.add_argument("-f", "--force", action="store_true", help="перезаписать существующий файл")
    p.set_defaults(func=run)


def run(args) -> int:
    kind = "survey-aggregated" if args.kind == "survey" and args.aggregated else args.kind
    if args.aggregated and args.kind != "survey":
        raise UserError("Параметр --aggregated относится только к шаблону анкет (nok template survey).")
    if args.registry and kind == "registry":
        raise UserError("Шаблон реестра пишется пустым: параметр --registry для него не нужен.")
    path = args.output or Path(DEFAULT_NAMES[kind])
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Шаблон записывается в формате XLSX: укажите имя файла с расширением .xlsx, а не «{path.name}».")
    if path.exists() and not args.force:
        raise UserError(f"Файл «{path}» уже есть; чтобы не потерять заполненные данные, он не перезаписан. "
                        "Укажите другое имя (-o) или --force.")
    if not path.parent.exists():
        raise UserError(f"Папка «{path.parent}» не существует.")
    profile = load_profile(args.profile)
    orgs = read_registry(args.registry, profile) if args.registry else []
    writer = {"checklist": checklist_template, "survey": survey_template,
              "survey-aggregated": aggregated_survey_template, "registry": registry_template}[kind]
    writer(profile, path, orgs)
    print(f"Шаблон {KIND_RU[kind]} записан: {path}")
    return 0
