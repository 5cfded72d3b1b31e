"""The inspector's checklist workbook: one row per organisation.

Columns (found by header, any order): the organisation columns; the information items on the
stand («Стенд: …», catalog section A) and, when the site was checked by hand, on the site
(«Сайт: …»); the remote methods (B), comfort conditions (E), premises (D) and accessibility
conditions (C). Instead of item columns a channel may be given as counts (Истенд and Инорм.стенд,
Исайт and Инорм.сайт), e.g. for a sphere without an item list in the profile.

Within a row a group is either filled in completely or left empty (then it is "not checked",
never "absent"); half-filled groups are errors. Items that the site checker can see (remote
methods, the low-vision version) may be left blank: the site report fills them in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from rules.profile import Profile
from scoring.models import ChecklistEntry, Source
from scoring.orgs import check_unique, org_columns, read_org
from scoring.tables import Column, Problems, Table, Vocabulary, map_columns, parse_count, read_table

CHECKLIST_SHEET = "Чек-лист"
CHANNELS = ("stand", "site")
COUNT_KEYS = {"stand": ("stand_found", "stand_required"), "site": ("site_found", "site_required")}


def info_key(channel: str, item_id: str) -> str:
    return f"{channel}:{item_id}"


@dataclass
class Slot:
    """What a checklist column holds: a group, the item id, and whether it may be left blank."""

    group: str
    item: str
    optional: bool  # a site-channel condition: the site report may give it


@dataclass
class ChecklistData:
    entries: list[ChecklistEntry]
    warnings: list[str] = field(default_factory=list)


def vocabulary(profile: Profile) -> Vocabulary:
    return Vocabulary(profile.inputs.answers["yes"], profile.inputs.answers["no"])


def checklist_layout(profile: Profile) -> tuple[list[Column], dict[str, Slot]]:
    """Every column the checklist may have, and what each yes/no column means."""
    columns = org_columns(profile)
    slots: dict[str, Slot] = {}
    inputs = profile.inputs
    for channel in CHANNELS:
        prefix = inputs.channels[channel].column_prefix
        for item_id, label in inputs.info_items.items():
            key = info_key(channel, item_id)
            columns.append(Column(key, f"{prefix}: {label}", (f"{prefix} {item_id}",)))
            slots[key] = Slot(channel, item_id, optional=False)
    for name, group in profile.conditions.groups.items():
        for item in group.items:
            columns.append(Column(item.id, f"{group.column_prefix}: {item.title}"))
            slots[item.id] = Slot(name, item.id, optional=item.channel == "site")
    for key, spec in inputs.info_counts.items():
        columns.append(Column(key, spec.title, spec.aliases))
    return columns, slots


def read_checklist(path: Path, profile: Profile) -> ChecklistData:
    table = read_table(path, sheets=(CHECKLIST_SHEET,))
    problems = Problems(table.name)
    columns, slots = checklist_layout(profile)
    colmap = map_columns(table, columns, required=("org_id",), problems=problems)
    problems.raise_if_any()
    present = {key: index for key, index in colmap.items() if key in slots}
    _check_header_groups(profile, present, slots, colmap, problems)
    problems.raise_if_any()

    vocab = vocabulary(profile)
    entries: list[ChecklistEntry] = []
    orgs = []
    reported: set[tuple[str, str]] = set()
    for row, cells in table.rows:
        org = read_org(table, row, cells, colmap, profile, problems)
        if org is None:
            continue
        orgs.append((row, org))
        groups = _read_groups(table, row, cells, present, slots, vocab, problems)
        for channel in CHANNELS:
            if groups.get(channel) is None:
                continue
            _check_preset(table, profile, org.sphere, channel, groups[channel], reported, problems)
        counts = _read_counts(table, row, cells, colmap, problems)
        entries.append(ChecklistEntry(org=org, source=Source(str(table.path), row), groups=groups, info_counts=counts))
    check_unique(table, orgs, colmap, problems)
    problems.raise_if_any()
    return ChecklistData(entries, _unused_columns(table, profile, entries, present, slots))


def _check_header_groups(
    profile: Profile, present: dict[str, int], slots: dict[str, Slot], colmap: dict[str, int], problems: Problems
) -> None:
    for channel in CHANNELS:
        has_items = any(slots[k].group == channel for k in present)
        found_key, required_key = COUNT_KEYS[channel]
        has_counts = found_key in colmap or required_key in colmap
        title = profile.inputs.channels[channel].column_prefix
        if has_items and has_counts:
            problems.add("", f"для канала «{title}» есть и столбцы пунктов, и столбцы-счётчики "
                             f"({profile.inputs.info_counts[found_key].title}, "
                             f"{profile.inputs.info_counts[required_key].title}); оставьте что-то одно")
        if has_counts and not (found_key in colmap and required_key in colmap):
            problems.add("", f"столбцы «{profile.inputs.info_counts[found_key].title}» и "
                             f"«{profile.inputs.info_counts[required_key].title}» нужны вместе")
    for group in profile.conditions.groups.values():
        keys = [item.id for item in group.items if not slots[item.id].optional]
        have = [k for k in keys if k in present]
        if have and len(have) < len(keys):
            titles = {item.id: item.title for item in group.items}
            missing = ", ".join(f"«{group.column_prefix}: {titles[k]}»" for k in keys if k not in present)
            problems.add("", f"в группе «{group.title}» не хватает столбцов: {missing}")


def _read_groups(
    table: Table, row: int, cells: list[object], present: dict[str, int], slots: dict[str, Slot],
    vocab: Vocabulary, problems: Problems,
) -> dict[str, dict[str, bool] | None]:
    by_group: dict[str, list[str]] = {}
    for key in present:
        by_group.setdefault(slots[key].group, []).append(key)
    groups: dict[str, dict[str, bool] | None] = {}
    for group, keys in by_group.items():
        values: dict[str, bool] = {}
        blank_required: list[int] = []
        for key in keys:
            index = present[key]
            answer = vocab.parse(cells[index])
            if answer is None:
                if not slots[key].optional:
                    blank_required.append(index)
            elif isinstance(answer, str):
                problems.add(table.where(row, index), f"не понимаю ответ «{answer}»; ожидается {vocab.hint}")
            else:
                values[slots[key].item] = answer
        required = [k for k in keys if not slots[k].optional]
        if blank_required and len(blank_required) < len(required):
            shown = ", ".join(table.where(col=i) for i in blank_required[:5])
            more = f" и ещё {len(blank_required) - 5}" if len(blank_required) > 5 else ""
            problems.add(table.where(row), f"группа заполнена не полностью, пустые ячейки: {shown}{more} "
                                           "(заполните все ячейки группы или оставьте её целиком пустой)")
        groups[group] = values if values else None
    return groups


def _check_preset(
    table: Table, profile: Profile, sphere: str, channel: str, values: dict[str, bool],
    reported: set[tuple[str, str]], problems: Problems,
) -> None:
    if (sphere, channel) in reported:
        return
    prefix = profile.inputs.channels[channel].column_prefix
    preset = profile.preset_ids(sphere, channel)
    sphere_title = profile.spheres[sphere].title
    if preset is None:
        reported.add((sphere, channel))
        problems.add("", f"для сферы «{sphere_title}» в методике нет перечня пунктов канала «{prefix}»; "
                         "укажите числа в столбцах-счётчиках (Истенд/Инорм.стенд, Исайт/Инорм.сайт)")
        return
    missing = [item for item in preset if item not in values]
    if missing:
        reported.add((sphere, channel))
        labels = ", ".join(f"«{prefix}: {profile.inputs.info_items[i]}»" for i in missing)
        problems.add("", f"для сферы «{sphere_title}» не хватает столбцов перечня Инорм ({prefix.lower()}): {labels}")


def _read_counts(
    table: Table, row: int, cells: list[object], colmap: dict[str, int], problems: Problems
) -> dict[str, tuple[Fraction, Fraction]]:
    counts: dict[str, tuple[Fraction, Fraction]] = {}
    for channel, (found_key, required_key) in COUNT_KEYS.items():
        if found_key not in colmap or required_key not in colmap:
            continue
        found, required = (parse_count(cells[colmap[k]]) for k in (found_key, required_key))
        for key, value in ((found_key, found), (required_key, required)):
            if isinstance(value, str):
                problems.add(table.where(row, colmap[key]), f"«{value}» — не целое неотрицательное число")
        if isinstance(found, str) or isinstance(required, str) or (found is None and required is None):
            continue
        if found is None or required is None:
            blank = found_key if found is None else required_key
            problems.add(table.where(row, colmap[blank]), "пустая ячейка: нужны оба числа канала")
        elif found > required:
            problems.add(table.where(row, colmap[found_key]), f"найдено {found} пунктов, а по перечню их {required}")
        else:
            counts[channel] = (Fraction(found), Fraction(required))
    return counts


def _unused_columns(
    table: Table, profile: Profile, entries: list[ChecklistEntry], present: dict[str, int], slots: dict[str, Slot]
) -> list[str]:
    warnings = []
    spheres = {e.org.sphere for e in entries}
    for channel in CHANNELS:
        counted = {i for s in spheres for i in (profile.preset_ids(s, channel) or [])}
        extra = [k for k in present if slots[k].group == channel and slots[k].item not in counted]
        if extra:
            names = ", ".join(f"«{table.headers[present[k]]}»" for k in extra)
            warnings.append(f"Файл {table.name}: столбцы {names} не входят в перечень Инорм методики "
                            "и в расчёте не учитываются.")
    return warnings
