"""`nok recheck RUN_DIR`: check the stored snapshots of a batch run again, without crawling."""
from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from nok.batch import recheck_run
from nok.diff import rule_titles
from nok.errors import UserError
from reports.batch_diff import diff_runs, load_outcomes


def register(sub) -> None:
    p = sub.add_parser("recheck", help="проверить сохранённые снимки прогона заново (без обхода)",
                       description="Повторяет проверку всех сайтов прогона nok audit по сохранённым снимкам — "
                       "например, после изменения правил — и переписывает сводки. Прежняя summary.json "
                       "сохраняется как summary.previous.json: nok diff ПАПКА/summary.previous.json ПАПКА.")
    p.add_argument("run_dir", type=Path, metavar="ПАПКА", help="папка прогона nok audit")
    p.add_argument("--preset", type=Path, help="свой файл перечней Инорм (presets.yaml)")
    p.add_argument("--check-workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="процессов проверки (по числу ядер; 0 — в этом процессе)")
    p.add_argument("--db", metavar="АДРЕС", help="хранилище, если оно не то, что записано в папке прогона")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.check_workers < 0:
        raise UserError("--check-workers не может быть меньше 0")
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    paths, previous = recheck_run(args.run_dir, db=args.db, preset=args.preset, workers=args.check_workers,
                                  console=err)
    out = Console(highlight=False, soft_wrap=True)
    out.print("Сводка: " + ", ".join(str(p) for p in paths))
    if previous is not None:
        diff = diff_runs(load_outcomes(previous), load_outcomes(args.run_dir), rule_titles())
        out.print(f"По сравнению с прежней проверкой: изменились результаты у {len(diff.orgs)} организаций "
                  f"(пунктов появилось {diff.total('appeared')}, пропало {diff.total('disappeared')}, "
                  f"изменилось {diff.total('changed')}). Подробно: nok diff {previous} {args.run_dir}")
    return 0
