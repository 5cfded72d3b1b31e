"""Organisation columns (код, наименование, сфера, МО, субъект, головная организация) and the
registry importer. The checklist and the indicator/criteria files carry the same columns."""
from __future__ import annotations

from pathlib import Path

from rules.profile import Profile
from scoring.models import OrgInfo, Source
from scoring.tables import Column, Problems, Table, cell_text, map_columns, normalize_header, parse_count, read_table

ORG_FIELDS = ("org_id", "name", "sphere", "municipality", "region", "parent_id", "recipients")


def org_columns(profile: Profile) -> list[Column]:
    fields = profile.inputs.org_fields
    return [Column(key, fields[key].title, fields[key].aliases) for key in ORG_FIELDS]


def sphere_key(profile: Profile, text: str) -> str | None:
    wanted = normalize_header(text)
    for key, sphere in profile.spheres.items():
        if wanted in {normalize_header(n) for n in (key, sphere.title, *sphere.aliases)}:
            return key
    return None


def sphere_choices(profile: Profile) -> str:
    return ", ".join(f"«{s.title.lower()}» ({key})" for key, s in profile.spheres.items())


def read_org(
    table: Table, row: int, cells: list[object], colmap: dict[str, int], profile: Profile, problems: Problems
) -> OrgInfo | None:
    """The organisation columns of one row; None (with a problem) when the id is missing."""

    def text(key: str) -> str:
        return cell_text(cells[colmap[key]]) if key in colmap else ""

    org_id = text("org_id")
    if not org_id:
        problems.add(table.where(row, colmap.get("org_id")), "не указан код организации")
        return None
    sphere = profile.default_sphere
    if text("sphere"):
        sphere = sphere_key(profile, text("sphere")) or ""
        if not sphere:
            problems.add(table.where(row, colmap["sphere"]),
                         f"неизвестная сфера «{text('sphere')}»; допустимо: {sphere_choices(profile)}")
            return None
    recipients = None
    if text("recipients"):
        value = parse_count(cells[colmap["recipients"]])
        if isinstance(value, int):
            recipients = value
        else:
            problems.add(table.where(row, colmap["recipients"]),
                         f"«{text('recipients')}» — не целое неотрицательное число")
    parent = text("parent_id")
    if parent == org_id:
        problems.add(table.where(row, colmap["parent_id"]), "организация указана головной сама для себя")
        parent = ""
    return OrgInfo(
        org_id=org_id, name=text("name"), sphere=sphere, municipality=text("municipality"),
        region=text("region"), parent_id=parent, recipients=recipients,
        source=Source(str(table.path), row),
    )


def check_unique(table: Table, orgs: list[tuple[int, OrgInfo]], colmap: dict[str, int], problems: Problems) -> None:
    seen: dict[str, int] = {}
    for row, org in orgs:
        if org.org_id in seen:
            problems.add(table.where(row, colmap.get("org_id")),
                         f"код организации «{org.org_id}» уже был в строке {seen[org.org_id]}")
        else:
            seen[org.org_id] = row


def read_registry(path: Path, profile: Profile) -> list[OrgInfo]:
    """A registry of organisations (the crawler's list may be reused: other columns are ignored)."""
    table = read_table(path, sheets=("Организации", "Реестр"))
    problems = Problems(table.name)
    colmap = map_columns(table, org_columns(profile), required=("org_id",), ignore_unknown=True, problems=problems)
    problems.raise_if_any()
    orgs = [(row, org) for row, cells in table.rows
            if (org := read_org(table, row, cells, colmap, profile, problems)) is not None]
    check_unique(table, orgs, colmap, problems)
    problems.raise_if_any()
    return [org for _, org in orgs]
