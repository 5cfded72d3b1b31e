"""Site findings from `nok check` (SiteReport JSON) or from a batch run (`nok audit`'s
summary.json, one site report per organisation): the site half of 1.1, the remote methods of 1.2
and the low-vision version of 3.2.

An outcome other than present/absent (needs review, error, no finding) is "not decided" (None);
the calculator flags it and applies the profile's policy unless the checklist gives the item.
A site that could not be reached gives no site channel at all: it is missing, not empty.
"""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from checks.batch import AUDITED, BATCH_FORMAT
from checks.findings import REPORT_FORMAT, Outcome, SiteReport
from rules.profile import Profile
from scoring.models import SiteInput, Source
from scoring.tables import InputError

LOW_VISION = "access-low-vision-version"


def site_report_files(paths: list[Path]) -> list[Path]:
    """The given files, and every *.json inside the given folders (sorted); a batch run's folder
    gives its summary.json."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir() and (path / "summary.json").is_file() and (path / "run.json").is_file():
            files.append(path / "summary.json")
        elif path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise InputError(f"В папке «{path}» нет файлов JSON с результатами nok check.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"Файл «{path}» не найден.")
    return files


def _decided(outcome: Outcome) -> bool | None:
    return {Outcome.present: True, Outcome.absent: False}.get(outcome)


def _report(data: object, path: Path, where: str = "") -> SiteReport:
    try:
        return SiteReport.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"Файл «{path.name}»{where}: поле «{field}»: {first['msg']} "
                         f"(всего ошибок: {exc.error_count()}).") from None


def read_site_file(path: Path, profile: Profile) -> list[SiteInput]:
    """A `nok check` report, or a batch summary: every organisation whose site was checked (one
    not checked yet gives no site data, as a missing report)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"Файл «{path.name}» не читается как JSON: {exc}") from None
    if isinstance(data, dict) and data.get("format") == BATCH_FORMAT:
        entries = data.get("organizations")
        if not isinstance(entries, list):
            raise InputError(f"Файл «{path.name}»: в сводке прогона нет списка organizations.")
        return [site_input(_report(e, path, f", организация {i + 1}"), profile, Source(str(path), e.get("row") or 0))
                for i, e in enumerate(entries) if isinstance(e, dict) and e.get("status") in AUDITED]
    if not isinstance(data, dict) or data.get("format", REPORT_FORMAT) != REPORT_FORMAT:
        raise InputError(f"Файл «{path.name}» — не результат nok check (ожидается формат «{REPORT_FORMAT}») "
                         f"и не сводка nok audit («{BATCH_FORMAT}»).")
    report = _report(data, path)
    if not report.org_id:
        raise InputError(f"Файл «{path.name}»: в отчёте nok check не указан код организации (org_id); "
                         "запустите проверку с кодом организации.")
    return [site_input(report, profile, Source(str(path)))]


def site_input(report: SiteReport, profile: Profile, source: Source) -> SiteInput:
    if report.crawl.status == "unreachable":
        return SiteInput(report.org_id, source, reachable=False, sphere=report.sphere, crawl_error=report.crawl.error)
    by_id = {f.id: _decided(f.outcome) for f in report.findings}
    info_ids = list(profile.inputs.info_items)
    remote_ids = profile.group("remote").ids
    return SiteInput(
        org_id=report.org_id,
        source=source,
        reachable=True,
        sphere=report.sphere,
        info={i: by_id.get(i) for i in info_ids if i in by_id},
        remote={i: by_id.get(i) for i in remote_ids if i in by_id},
        low_vision=by_id.get(LOW_VISION),
    )


def read_site_reports(paths: list[Path], profile: Profile) -> dict[str, SiteInput]:
    sites: dict[str, SiteInput] = {}
    for path in site_report_files(paths):
        for site in read_site_file(path, profile):
            if site.org_id in sites:
                raise InputError(f"Для организации «{site.org_id}» два отчёта nok check: "
                                 f"{sites[site.org_id].source} и {site.source}; оставьте один.")
            sites[site.org_id] = site
    return sites
