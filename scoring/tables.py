"""Reading operator spreadsheets (CSV or XLSX): rows, columns found by header name, cell values.

Every problem names the file, the row and the column (letter and header), in Russian. Problems
are collected per file and raised together, so an operator fixes a file in one pass.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from checks.text import normalize
from nok.errors import UserError

MAX_LISTED = 20  # problems shown per file


class InputError(UserError):
    """An input file the tool cannot read as it stands; the message names file, row and column."""


def normalize_header(text: object) -> str:
    """Normalised (case, ё, soft hyphens), then every run of punctuation → one space."""
    return re.sub(r"[^0-9a-zа-я]+", " ", normalize(str(text or ""))).strip()


def normalize_answer(value: object) -> str:
    """A cell compared with the yes/no vocabulary: normalised, a final full stop dropped."""
    return normalize(str(value)).rstrip(".").strip()


@dataclass
class Column:
    """A column the importer knows: its key, the title a template writes, other accepted names."""

    key: str
    title: str
    aliases: Sequence[str] = ()
    prefix_match: bool = False  # "q01 Обращались ли Вы…" matches alias "q01"

    def names(self) -> set[str]:
        return {normalize_header(n) for n in (self.key, self.title, *self.aliases)} - {""}


@dataclass
class Table:
    path: Path
    sheet: str  # "" for CSV
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (1-based row number in the file, cells)

    @property
    def name(self) -> str:
        return f"«{self.path.name}»" + (f" (лист «{self.sheet}»)" if self.sheet else "")

    def where(self, row: int | None = None, col: int | None = None) -> str:
        parts = []
        if row is not None:
            parts.append(f"строка {row}")
        if col is not None:
            header = self.headers[col] if col < len(self.headers) else ""
            parts.append(f"столбец {get_column_letter(col + 1)}" + (f" («{header}»)" if header else ""))
        return ", ".join(parts)


@dataclass
class Problems:
    """Problems found in one file; raised together as one InputError."""

    table_name: str
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_LISTED]
        more = len(self.items) - len(shown)
        lines = "\n".join(f"  - {p}" for p in shown)
        tail = f"\n  … и ещё {more}" if more else ""
        raise InputError(f"Файл {self.table_name}: не удалось прочитать ({len(self.items)}):\n{lines}{tail}")


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def is_blank(value: object) -> bool:
    return _cell_text(value) == ""


def read_table(path: Path, sheets: Iterable[str] = ()) -> Table:
    """Read a CSV or XLSX file: the first non-empty row is the header.

    For a workbook, the first of `sheets` that exists is read, else the first sheet.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"Файл «{path}» не найден.")
    if path.is_dir():
        raise InputError(f"«{path}» — это папка, а нужен файл CSV или XLSX.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheet, raw = _read_xlsx(path, list(sheets))
    elif suffix in (".csv", ".txt", ".tsv"):
        sheet, raw = "", _read_csv(path)
    elif suffix == ".xls":
        raise InputError(f"Файл «{path.name}» в старом формате XLS: сохраните его как XLSX или CSV.")
    else:
        raise InputError(f"Файл «{path.name}»: поддерживаются только CSV и XLSX.")
    numbered = [(i + 1, row) for i, row in enumerate(raw) if any(not is_blank(c) for c in row)]
    label = f"«{path.name}»" + (f" (лист «{sheet}»)" if sheet else "")
    if not numbered:
        raise InputError(f"Файл {label} пуст: нет ни заголовков, ни данных.")
    header_row, header = numbered[0]
    headers = [_cell_text(h) for h in header]
    while headers and headers[-1] == "":
        headers.pop()
    rows = [(n, list(cells) + [None] * (len(headers) - len(cells))) for n, cells in numbered[1:]]
    table = Table(path=path, sheet=sheet, headers=headers, rows=rows)
    if not rows:
        raise InputError(f"Файл {label}: есть строка заголовков (строка {header_row}), но нет ни одной строки с данными.")
    return table


def _read_xlsx(path: Path, sheets: list[str]) -> tuple[str, list[list[object]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"Файл «{path.name}» не открывается как книга XLSX: {exc}") from None
    try:
        names = workbook.sheetnames
        chosen = next((s for s in sheets if s in names), names[0])
        rows = [list(r) for r in workbook[chosen].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return chosen, rows


def _read_csv(path: Path) -> list[list[object]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte string
        raise InputError(f"Файл «{path.name}»: не удалось определить кодировку (нужна UTF-8 или Windows-1251).")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def map_columns(
    table: Table,
    columns: Sequence[Column],
    *,
    required: Iterable[str] = (),
    ignore_unknown: bool = False,
    problems: Problems,
) -> dict[str, int]:
    """Find each known column by its header; unknown, duplicate and missing columns are problems."""
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for col in columns:
        for name in col.names():
            exact.setdefault(name, col.key)
            if col.prefix_match:
                prefixes.append((name, col.key))
    prefixes.sort(key=lambda p: -len(p[0]))
    keys = {c.key for c in columns}
    found: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        if header == "" or header.startswith("#"):
            continue
        key = _match(header, exact, prefixes, keys)
        if key is None:
            if not ignore_unknown:
                problems.add(table.where(col=index), "неизвестный столбец; переименуйте его по шаблону "
                             "или начните заголовок с «#», чтобы столбец не читался")
            continue
        if key in found:
            problems.add(table.where(col=index), f"столбец повторяется (уже был столбец {get_column_letter(found[key] + 1)})")
            continue
        found[key] = index
    titles = {c.key: c.title for c in columns}
    for key in required:
        if key not in found:
            problems.add("", f"нет обязательного столбца «{titles.get(key, key)}»")
    return found


def _match(header: str, exact: dict[str, str], prefixes: list[tuple[str, str]], keys: set[str]) -> str | None:
    bracket = re.search(r"\[([^\]]+)\]", header)
    if bracket and bracket.group(1).strip() in keys:
        return bracket.group(1).strip()
    norm = normalize_header(header)
    if norm in exact:
        return exact[norm]
    for name, key in prefixes:
        if norm.startswith(name + " "):
            return key
    return None


# --- cells ----------------------------------------------------------------------------------


class Vocabulary:
    """How a yes/no answer may be written (from rules/social/inputs.yaml)."""

    def __init__(self, yes: Iterable[str], no: Iterable[str]):
        self.yes = {normalize_answer(w) for w in yes}
        self.no = {normalize_answer(w) for w in no}
        self.hint = "/".join(list(yes)[:1] + list(no)[:1] + ["1", "0", "+", "-", "есть"])

    def parse(self, value: object) -> bool | None | str:
        """True / False; None for a blank cell; the original text when it is not understood."""
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = normalize_answer(value)
        if text == "":
            return None
        if text in self.yes:
            return True
        if text in self.no:
            return False
        return str(value).strip()


def parse_decimal(value: object) -> Fraction | None | str:
    """An exact number from a cell (decimal comma accepted); None for blank; the text if not a number."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text == "":
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return str(value).strip()
    if not number.is_finite():
        return str(value).strip()
    return Fraction(number)


def cell_text(value: object) -> str:
    """A text cell (an id, a name): numbers written by Excel as 12.0 come back as "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _cell_text(value)


def parse_count(value: object) -> int | None | str:
    """A whole non-negative number; None for blank; the text when it is anything else."""
    number = parse_decimal(value)
    if number is None:
        return None
    if isinstance(number, str) or number.denominator != 1 or number < 0:
        return cell_text(value)
    return int(number)
