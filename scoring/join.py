"""Joining the inputs by organisation id — never by row position.

The list of organisations is the registry when one is given, else the checklists and the files of
ready values, else everything the survey and site files name. An id in another input that is not
in that list is an error (a typo or a wrong file), with the file and rows named; an organisation
of the list that an input does not cover is reported (and flagged on the organisation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rules.profile import Profile
from scoring.calculate import OrgInputs
from scoring.checklist import read_checklist
from scoring.given import read_given
from scoring.models import GivenScores, InputFile, OrgInfo, SurveyCounts
from scoring.orgs import read_registry, sphere_key
from scoring.site import read_site_reports
from scoring.survey import read_survey
from scoring.tables import InputError

MAX_IDS = 10


@dataclass
class ScoreInputs:
    """The files given to `nok score`."""

    registry: list[Path] = field(default_factory=list)
    checklists: list[Path] = field(default_factory=list)
    surveys: list[Path] = field(default_factory=list)
    sites: list[Path] = field(default_factory=list)
    indicators: list[Path] = field(default_factory=list)
    criteria: list[Path] = field(default_factory=list)

    def empty(self) -> bool:
        return not any((self.checklists, self.surveys, self.sites, self.indicators, self.criteria))


@dataclass
class Joined:
    orgs: dict[str, OrgInputs]
    files: list[InputFile]
    warnings: list[str]


def _ids(ids: list[str]) -> str:
    shown = ", ".join(f"«{i}»" for i in ids[:MAX_IDS])
    return shown + (f" … и ещё {len(ids) - MAX_IDS}" if len(ids) > MAX_IDS else "")


def _add_orgs(target: dict[str, OrgInfo], orgs: list[OrgInfo], what: str) -> None:
    for org in orgs:
        if org.org_id in target:
            raise InputError(f"Организация «{org.org_id}» дважды в {what}: {target[org.org_id].source} и {org.source}.")
        target[org.org_id] = org


def _fill_org(base: OrgInfo, other: OrgInfo, warnings: list[str]) -> None:
    """Fill the registry's blank fields from another file; report conflicting values."""
    for name in ("name", "municipality", "region", "parent_id"):
        mine, theirs = getattr(base, name), getattr(other, name)
        if not mine:
            setattr(base, name, theirs)
        elif theirs and theirs != mine:
            warnings.append(f"Организация «{base.org_id}»: поле «{name}» в {other.source} («{theirs}») "
                            f"расходится с реестром («{mine}»); взято из реестра.")
    if base.recipients is None:
        base.recipients = other.recipients


def join_inputs(files: ScoreInputs, profile: Profile) -> Joined:
    warnings: list[str] = []
    listed: list[InputFile] = []
    registry: dict[str, OrgInfo] = {}
    for path in files.registry:
        orgs = read_registry(path, profile)
        _add_orgs(registry, orgs, "реестре")
        listed.append(InputFile(kind="registry", path=str(path), organizations=len(orgs)))

    checklist_entries = {}
    for path in files.checklists:
        data = read_checklist(path, profile)
        warnings += data.warnings
        for entry in data.entries:
            if entry.org.org_id in checklist_entries:
                raise InputError(f"Организация «{entry.org.org_id}» дважды в чек-листах: "
                                 f"{checklist_entries[entry.org.org_id].source} и {entry.source}.")
            checklist_entries[entry.org.org_id] = entry
        listed.append(InputFile(kind="checklist", path=str(path), organizations=len(data.entries)))

    given: dict[str, GivenScores] = {}
    for kind, paths in (("indicators", files.indicators), ("criteria", files.criteria)):
        for path in paths:
            rows = read_given(path, profile, kind)
            for row in rows:
                if row.org.org_id in given:
                    raise InputError(f"Организация «{row.org.org_id}» дважды в файлах готовых значений: "
                                     f"{given[row.org.org_id].source} и {row.source}.")
                given[row.org.org_id] = row
            listed.append(InputFile(kind=kind, path=str(path), organizations=len(rows)))

    surveys: dict[str, SurveyCounts] = {}
    survey_files = []
    for path in files.surveys:
        data = read_survey(path, profile)
        warnings += data.warnings
        survey_files.append(data)
        for org_id, counts in data.counts.items():
            surveys[org_id] = _sum_counts(surveys[org_id], counts) if org_id in surveys else counts
        listed.append(InputFile(kind=data.kind, path=str(path), organizations=len(data.counts)))

    sites = read_site_reports(files.sites, profile) if files.sites else {}
    if files.sites:
        listed.append(InputFile(kind="site", path=", ".join(str(p) for p in files.sites), organizations=len(sites)))

    # the list of organisations
    if registry:
        orgs = registry
        master = "реестре"
        for source in (checklist_entries, given):
            _unknown(orgs, {i: [str(x.source)] for i, x in source.items()}, master)
        for org_id, entry in checklist_entries.items():
            _fill_org(orgs[org_id], entry.org, warnings)
        for org_id, row in given.items():
            _fill_org(orgs[org_id], row.org, warnings)
    elif checklist_entries or given:
        orgs = {}
        master = "чек-листах и файлах готовых значений"
        _add_orgs(orgs, [e.org for e in checklist_entries.values()], "чек-листах")
        _add_orgs(orgs, [g.org for g in given.values()], "чек-листах и файлах готовых значений")
    else:
        master = ""
        orgs = {}
        for org_id, site in sites.items():
            sphere = sphere_key(profile, site.sphere) or profile.default_sphere
            orgs[org_id] = OrgInfo(org_id=org_id, sphere=sphere, source=site.source)
        for org_id in surveys:
            orgs.setdefault(org_id, OrgInfo(org_id=org_id, sphere=profile.default_sphere))
    if master:
        for data in survey_files:
            _unknown(orgs, {i: [f"«{data.path.name}», строки {_rows(r)}"] for i, r in data.rows.items()}, master)
        _unknown(orgs, {i: [str(s.source)] for i, s in sites.items()}, master)

    conflicts = sorted(set(given) & (set(checklist_entries) | set(surveys) | set(sites)))
    if conflicts:
        raise InputError(f"Для организаций {_ids(conflicts)} даны и готовые значения показателей (критериев), "
                         "и исходные данные (чек-лист, анкеты или сайт): оставьте что-то одно.")
    for org_id, site in sites.items():
        if site.sphere and sphere_key(profile, site.sphere) not in (None, orgs[org_id].sphere):
            warnings.append(f"Организация «{org_id}»: отчёт nok check сделан для сферы «{site.sphere}», "
                            f"а в списке организаций — «{profile.spheres[orgs[org_id].sphere].title}».")

    not_given = [i for i in orgs if i not in given]
    for what, covered, present in (("анкетах", surveys, files.surveys), ("отчётах nok check", sites, files.sites),
                                   ("чек-листах", checklist_entries, files.checklists)):
        absent = [i for i in not_given if i not in covered]
        if present and absent:
            warnings.append(f"В {what} нет организаций: {_ids(absent)}.")

    joined = {
        org_id: OrgInputs(org=org, checklist=checklist_entries.get(org_id), survey=surveys.get(org_id),
                          site=sites.get(org_id), given=given.get(org_id))
        for org_id, org in orgs.items()
    }
    return Joined(joined, listed, warnings)


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (" …" if len(rows) > 5 else "")


def _unknown(orgs: dict[str, OrgInfo], found: dict[str, list[str]], master: str) -> None:
    unknown = [i for i in found if i not in orgs]
    if unknown:
        places = "; ".join(f"«{i}» ({', '.join(found[i])})" for i in unknown[:MAX_IDS])
        more = f" … и ещё {len(unknown) - MAX_IDS}" if len(unknown) > MAX_IDS else ""
        raise InputError(f"Неизвестные коды организаций — их нет в {master}: {places}{more}. "
                         "Проверьте коды или добавьте организации в список.")


def _sum_counts(a: SurveyCounts, b: SurveyCounts) -> SurveyCounts:
    answers = dict(a.answers)
    for qid, tally in b.answers.items():
        answers[qid] = answers[qid] + tally if qid in answers else tally
    return SurveyCounts(org_id=a.org_id, respondents=a.respondents + b.respondents, answers=answers,
                        inconsistent=a.inconsistent + b.inconsistent, suggestions=a.suggestions + b.suggestions,
                        sources=a.sources + b.sources)
