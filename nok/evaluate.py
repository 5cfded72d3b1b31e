"""`nok eval CORPUS`: measure the checker's accuracy on labelled sites.

Serves every site of the corpus on a loopback address, crawls and checks them all in one run by
the same code path as `nok check` (nok.site_audit.audit_sites), compares the findings with the
labels and prints, per id and per tier, the agreement, false "absent", false "present" and
"needs review", with every disagreement and its evidence. With --check-floors the exit code is 1
when a tier falls below the floors of CORPUS/floors.yaml.

Corpus layout: CORPUS/<site>/labels.yaml + CORPUS/<site>/www/ (the web root); labels of real
public sites in CORPUS/real/<site>.yaml, their pages read from the --real folder (never copied
into the repository) and skipped when it is absent.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console

from checks.evaluation import (EvalResult, LabelError, SiteLabels, SiteSummary, check_floors, compare_site,
                               load_floors, load_labels, summarize, tally)
from nok import __version__
from nok.corpus_server import serve_sites
from nok.errors import UserError
from nok.site_audit import AuditOptions, audit_sites, load_rules
from reports.eval_terminal import print_eval

EXIT_BELOW_FLOORS = 1
REAL_DEFAULT = Path("shared") / "corpus" / "real"


def register(sub) -> None:
    p = sub.add_parser("eval", help="измерить точность проверки на размеченном корпусе сайтов",
                       description="Запускает размеченные сайты корпуса на 127.0.0.x, проверяет их так же, "
                       "как `nok check`, и сравнивает результат с разметкой: совпадения, ложные «нет» "
                       "(несправедливые недостатки), ложные «есть», «требует проверки».")
    p.add_argument("corpus", type=Path, help="папка корпуса, например tests/corpus")
    p.add_argument("--json", type=Path, metavar="ФАЙЛ", help="записать результат в JSON")
    p.add_argument("--only", action="append", default=[], metavar="САЙТ",
                   help="проверить только этот сайт (можно повторять)")
    p.add_argument("--real", type=Path, metavar="ПАПКА",
                   help="папка с реальными сайтами (по умолчанию ищется ../shared/corpus/real рядом "
                   "с репозиторием; нет папки — реальные сайты пропускаются)")
    p.add_argument("--no-real", action="store_true", help="не проверять реальные сайты")
    p.add_argument("--check-floors", action="store_true",
                   help="код выхода 1, если результат ниже порогов (CORPUS/floors.yaml)")
    p.add_argument("--floors", type=Path, metavar="ФАЙЛ", help="свой файл порогов")
    p.add_argument("--max-pages", type=int, default=150, help="предел страниц на сайт (150)")
    p.add_argument("--sphere", default="social", help="набор правил (по умолчанию social)")
    p.add_argument("--render", choices=("auto", "always", "never"), default="auto",
                   help="открывать страницы в браузере, как `nok check --render` (по умолчанию auto)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="показать и совпадения «есть», найденные не на размеченной странице")
    p.set_defaults(func=run)


def find_real(corpus: Path) -> Path | None:
    """shared/corpus/real beside the repository holding the corpus (up to four levels up)."""
    for parent in list(corpus.resolve().parents)[:4]:
        candidate = parent / REAL_DEFAULT
        if candidate.is_dir():
            return candidate
    return None


def load_corpus(corpus: Path, ids: list[str], real: Path | None, only: list[str],
                skipped: list[str]) -> list[tuple[str, Path, SiteLabels]]:
    """(name, web root, labels) of every site to evaluate, in name order."""
    if not corpus.is_dir():
        raise UserError(f"Нет папки корпуса {corpus}")
    sites = []
    try:
        for labels_file in sorted(corpus.glob("*/labels.yaml")):
            sites.append((labels_file.parent.name, labels_file.parent / "www", load_labels(labels_file, ids)))
        for labels_file in sorted((corpus / "real").glob("*.yaml")):
            name = labels_file.stem
            labels = load_labels(labels_file, ids)
            root = real / name if real else None
            if root is None or not root.is_dir():
                if not only or name in only:
                    skipped.append(f"реальный сайт {name}: нет папки {root or REAL_DEFAULT / name}")
                continue
            sites.append((name, root, labels))
    except LabelError as exc:
        raise UserError(str(exc)) from exc
    if only:
        unknown = [n for n in only if n not in {s[0] for s in sites} and not any(n in s for s in skipped)]
        if unknown:
            raise UserError(f"В корпусе нет сайтов: {', '.join(unknown)}")
        sites = [s for s in sites if s[0] in only]
    for name, root, _ in sites:
        if not root.is_dir():
            raise UserError(f"У сайта {name} нет папки с файлами сайта {root}")
    if not sites:
        raise UserError(f"В {corpus} нет ни одного размеченного сайта (*/labels.yaml)")
    return sites


def evaluate(corpus: Path, sites: list[tuple[str, Path, SiteLabels]], pack, max_pages: int,
             console: Console | None = None, render: str = "auto") -> EvalResult:
    """Serve, crawl and check every site in one run (once per process), then compare. The
    corpus is self-contained: nothing but its own sites is asked (no external probes, no
    third-party scripts in the browser)."""
    began = time.monotonic()
    options = AuditOptions(max_pages=max_pages, max_depth=10, time_budget=120, delay=0, render=render,
                           external=False)
    with serve_sites([(name, root, labels.server) for name, root, labels in sites]) as urls:
        if console:
            console.print(f"Сайтов корпуса: {len(sites)}; обход и проверка…")
        targets = [(name, urls[name] + labels.site.start) for name, _, labels in sites]
        audited = audit_sites(targets, pack, options)
    result = EvalResult(tool_version=__version__, corpus=str(corpus), created_at=datetime.now(timezone.utc))
    for name, _, labels in sites:
        report, snapshot = audited[name]
        rows = compare_site(name, labels, report)
        result.comparisons.extend(rows)
        result.sites.append(SiteSummary(name=name, tier=labels.site.tier, title=labels.site.title,
                                        imitates=labels.site.imitates, url=report.url,
                                        crawl_status=report.crawl.status, pages=report.crawl.pages_ok,
                                        documents=report.crawl.documents, tally=tally(rows)))
    result.duration_s = round(time.monotonic() - began, 1)
    return summarize(result, list(pack.rules))


def run(args) -> int:
    pack = load_rules(args.sphere)
    err = Console(stderr=True, highlight=False)
    skipped: list[str] = []
    real = None if args.no_real else (args.real or find_real(args.corpus))
    if args.real and not args.real.is_dir():
        skipped.append(f"папка реальных сайтов {args.real} не найдена")
    sites = load_corpus(args.corpus, list(pack.rules), real, args.only, skipped)
    result = evaluate(args.corpus, sites, pack, args.max_pages, err, render=args.render)
    result.skipped = skipped
    floors_file = args.floors or args.corpus / "floors.yaml"
    if args.check_floors or args.floors:
        if not floors_file.is_file():
            raise UserError(f"Нет файла порогов {floors_file}")
        try:
            result.floors = check_floors(result, load_floors(floors_file))
        except LabelError as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        try:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(result.model_dump_json(indent=1), encoding="utf-8")
        except OSError as exc:
            raise UserError(f"Не удалось записать {args.json}: {exc}") from exc
    print_eval(result, pack, Console(highlight=False, width=160), verbose=args.verbose)
    if args.check_floors and not result.floors_ok:
        return EXIT_BELOW_FLOORS
    return 0
