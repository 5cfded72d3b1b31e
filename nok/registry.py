"""The batch audit's registry of organisations (CSV or XLSX): id, name, sphere, site, region,
municipality, ИНН/ОГРН. Columns are found by header name (Russian or English, as `nok score`
finds them: rules/<sphere>/inputs.yaml `org_fields`); other columns are ignored.

A bad row (no id, no site address, a malformed address, a duplicate id, an unknown sphere or one
without a rule pack) is reported with its row number and skipped; the rest are audited. Problems
that concern the whole file (unreadable, no id or site column) stop the command.
"""
from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from checks.batch import RegistryOrg, RegistryProblem
from crawler.sitekey import is_http, normalise_start_url, site_key
from nok.errors import UserError
from rules.loader import pack_dir
from rules.profile import Profile
from scoring.orgs import org_columns, sphere_choices, sphere_key
from scoring.tables import Column, Problems, Table, cell_text, map_columns, read_table

SHEETS = ("Реестр", "Организации")
EXTRA_FIELDS = ("site_url", "inn", "ogrn")
_HOST = re.compile(r"^[0-9a-zа-яё](?:[0-9a-zа-яё-]*[0-9a-zа-яё])?$", re.I)


class Registry(BaseModel):
    path: str
    orgs: list[RegistryOrg]
    problems: list[RegistryProblem] = []

    @property
    def skipped(self) -> list[RegistryProblem]:
        return [p for p in self.problems if p.skipped]

    @property
    def warnings(self) -> list[RegistryProblem]:
        return [p for p in self.problems if not p.skipped]


def registry_columns(profile: Profile) -> list[Column]:
    fields = profile.inputs.org_fields
    return org_columns(profile) + [Column(key, fields[key].title, fields[key].aliases) for key in EXTRA_FIELDS]


def start_url(raw: str) -> str | None:
    """The start URL of a registry cell, or None when it is not a web site's address."""
    text = raw.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    if "://" in text and not text.lower().startswith(("http://", "https://")):
        return None
    if "://" not in text and re.match(r"^[a-z][a-z0-9+.-]*:(?!\d)", text, re.I):  # mailto:, tel:, …
        return None
    try:
        url = normalise_start_url(text)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not is_http(url) or not host or "@" in parts.netloc:
        return None
    try:
        ipaddress.ip_address(host)
        return url
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2 and host != "localhost":
        return None
    return url if all(_HOST.match(label) for label in labels) else None


def has_rule_pack(sphere: str) -> bool:
    return (pack_dir(sphere) / "pack.yaml").is_file()


def _digits(value: str, sizes: tuple[int, ...]) -> bool:
    return value.isdigit() and len(value) in sizes


def read_batch_registry(path: Path, profile: Profile, default_sphere: str = "social") -> Registry:
    """Read the registry; bad rows become problems (skipped), the rest organisations to audit."""
    table = read_table(path, sheets=SHEETS)
    file_problems = Problems(table.name)
    colmap = map_columns(table, registry_columns(profile), required=("org_id", "site_url"),
                         ignore_unknown=True, problems=file_problems)
    file_problems.raise_if_any()
    orgs: list[RegistryOrg] = []
    problems: list[RegistryProblem] = []
    ids: dict[str, int] = {}
    sites: dict[str, RegistryOrg] = {}
    for row, cells in table.rows:
        org = _read_row(table, row, cells, colmap, profile, default_sphere, ids, problems)
        if org is None:
            continue
        ids[org.org_id] = row
        same = sites.get(site_key(org.url))
        if same is not None:
            problems.append(RegistryProblem(row=row, org_id=org.org_id, skipped=False, message=(
                f"тот же сайт, что у организации «{same.org_id}» (строка {same.row}): он будет обойдён дважды")))
        else:
            sites[site_key(org.url)] = org
        orgs.append(org)
    if not orgs:
        listed = "\n".join(f"  - {p}" for p in problems[:20])
        raise UserError(f"В реестре {table.name} нет ни одной организации, которую можно проверить.\n{listed}")
    return Registry(path=str(path), orgs=orgs, problems=problems)


def _read_row(table: Table, row: int, cells: list[object], colmap: dict[str, int], profile: Profile,
              default_sphere: str, ids: dict[str, int], problems: list[RegistryProblem]) -> RegistryOrg | None:
    def text(key: str) -> str:
        return cell_text(cells[colmap[key]]) if key in colmap else ""

    def skip(message: str) -> None:
        problems.append(RegistryProblem(row=row, org_id=org_id, message=message))

    org_id = text("org_id")
    if not org_id:
        skip("не указан код организации")
        return None
    if org_id in ids:
        skip(f"код организации «{org_id}» уже был в строке {ids[org_id]}")
        return None
    raw_url = text("site_url")
    if not raw_url:
        skip("не указан адрес сайта")
        return None
    url = start_url(raw_url)
    if url is None:
        skip(f"«{raw_url}» — не адрес сайта (пример: https://kcson.example.ru)")
        return None
    sphere = default_sphere
    if text("sphere"):
        sphere = sphere_key(profile, text("sphere")) or ""
        if not sphere:
            skip(f"неизвестная сфера «{text('sphere')}»; допустимо: {sphere_choices(profile)}")
            return None
    if not has_rule_pack(sphere):
        title = profile.spheres[sphere].title if sphere in profile.spheres else sphere
        skip(f"для сферы «{title}» пока нет правил проверки сайта")
        return None
    for key, sizes, what in (("inn", (10, 12), "10 или 12 цифр"), ("ogrn", (13, 15), "13 или 15 цифр")):
        value = text(key)
        if value and not _digits(value, sizes):
            problems.append(RegistryProblem(row=row, org_id=org_id, skipped=False,
                                       message=f"{profile.inputs.org_fields[key].title} «{value}»: нужно {what}"))
    return RegistryOrg(row=row, org_id=org_id, name=text("name"), sphere=sphere, url=url, region=text("region"),
                       municipality=text("municipality"), parent_id=text("parent_id"), inn=text("inn"),
                       ogrn=text("ogrn"))
