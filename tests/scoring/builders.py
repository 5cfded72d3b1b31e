"""Builders for scoring tests: inputs made in code, and CSV/XLSX files written under tmp_path."""
from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook

from rules.profile import Profile, load_profile
from scoring.calculate import Calculator, OrgInputs
from scoring.checklist import checklist_layout, info_key
from scoring.models import ChecklistEntry, OrgInfo, OrgScore, Source, SurveyCounts, YesNo
from scoring.survey import raw_columns

PROFILE = load_profile()


def _group(ids: list[str], present: int | list[str] | None) -> dict[str, bool] | None:
    if present is None:
        return None
    chosen = set(ids[:present]) if isinstance(present, int) else set(present)
    return {i: i in chosen for i in ids}


def checklist_entry(org_id: str = "org1", *, sphere: str = "social", stand: int | list[str] | None = None,
                    site: int | list[str] | None = None, remote: int | list[str] | None = None,
                    comfort: int | list[str] | None = None, premises: int | list[str] | None = None,
                    access: int | list[str] | None = None, counts: dict | None = None,
                    profile: Profile = PROFILE, **org) -> ChecklistEntry:
    """A checklist row: for each group, how many items (the first N) or which items are present."""
    groups = {}
    for channel, present in (("stand", stand), ("site", site)):
        ids = profile.preset_ids(sphere, channel) or []
        groups[channel] = _group(ids, present)
    for name, present in (("remote", remote), ("comfort", comfort), ("premises", premises), ("access", access)):
        groups[name] = _group(profile.group(name).ids, present)
    info = OrgInfo(org_id=org_id, sphere=sphere, **org)
    info_counts = {ch: (Fraction(f), Fraction(r)) for ch, (f, r) in (counts or {}).items()}
    return ChecklistEntry(org=info, source=Source("test.csv", 2), groups=groups, info_counts=info_counts)


def survey_counts(org_id: str = "org1", respondents: int | None = None, **answers: tuple[int, int]) -> SurveyCounts:
    """Counts per question code: survey_counts(q01=(3, 1), q02=(2, 1)) — (yes, no) as in the formulas."""
    by_code = {q.code: q.id for q in PROFILE.questions.questions}
    tallies = {by_code[code]: YesNo(*yes_no) for code, yes_no in answers.items()}
    total = respondents if respondents is not None else max((t.answered for t in tallies.values()), default=0)
    return SurveyCounts(org_id=org_id, respondents=total, answers=tallies)


def all_questions(yes: int, no: int, **override: tuple[int, int]) -> dict[str, tuple[int, int]]:
    answers = {q.code: (yes, no) for q in PROFILE.questions.questions if q.kind == "yes_no"}
    answers.update(override)
    return answers


def score(checklist: ChecklistEntry | None = None, survey: SurveyCounts | None = None, site=None,
          profile: Profile = PROFILE) -> OrgScore:
    org = (checklist.org if checklist else OrgInfo(org_id=survey.org_id if survey else "org1", sphere="social"))
    return Calculator(profile).score(OrgInputs(org=org, checklist=checklist, survey=survey, site=site))


def exact(value: float) -> Fraction:
    return Fraction(value)


# --- files -------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[object]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], sheet: str = "Лист1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def checklist_header(profile: Profile = PROFILE, sphere: str = "social", groups=("stand", "site", "remote", "comfort",
                     "premises", "access"), org_fields=("org_id", "name", "municipality", "region")) -> list[str]:
    """Column keys of a checklist: organisation fields, then every item of the chosen groups."""
    keys = list(org_fields)
    for channel in ("stand", "site"):
        if channel in groups:
            keys += [info_key(channel, i) for i in profile.preset_ids(sphere, channel)]
    for name in ("remote", "comfort", "premises", "access"):
        if name in groups:
            keys += profile.group(name).ids
    return keys


def titles(keys: list[str], profile: Profile = PROFILE) -> list[str]:
    """The template's header titles for these column keys."""
    columns, _ = checklist_layout(profile)
    by_key = {c.key: c.title for c in columns}
    return [by_key[k] for k in keys]


def checklist_row(keys: list[str], org: dict[str, object], yes: set[str] | None = None,
                  yes_word: str = "да", no_word: str = "нет") -> list[object]:
    """A row: organisation fields from `org`, item columns «да» when the key (or its item id) is in yes."""
    yes = yes or set()
    row = []
    for key in keys:
        if key in org:
            row.append(org[key])
        else:
            item = key.split(":")[-1]
            row.append(yes_word if key in yes or item in yes else no_word)
    return row


def survey_header(profile: Profile = PROFILE, with_text: bool = True) -> list[str]:
    return [c.title for c in raw_columns(profile) if c.key != "respondent"] if with_text else (
        ["org_id"] + [q.code for q in profile.questions.questions])


def survey_row(org_id: str, profile: Profile = PROFILE, default: str = "", **answers: str) -> list[str]:
    return [org_id] + [answers.get(q.code, default) for q in profile.questions.questions]
