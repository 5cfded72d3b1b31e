"""What a downloaded document is and holds: type by its leading bytes, pages, text layer, date,
the head of its text. Never raises: a broken file is described by `error` (in Russian)."""
from __future__ import annotations

import html
import logging
import re
import struct
import zipfile
from datetime import date
from io import BytesIO, StringIO

import olefile
import xlrd
from pypdf import PdfReader

from crawler.text import clean
from crawler.sitekey import DOCUMENT_EXTENSIONS, extension

logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken PDFs are normal here, not news

TEXT_HEAD_CHARS = 500
PDF_TEXT_PAGES = 5  # pages read for the text layer and the head: scans show up on page one
MEANINGFUL_TEXT = 30  # letters and digits on a page that make a text layer
ZIP_MEMBER_BYTES = 2_000_000  # read cap for one zip member (zip bombs)
XLS_CELLS = 5_000  # cells read from a legacy Excel workbook: enough for its title and dates

CONTENT_TYPE_KINDS = {
    "application/pdf": "pdf", "application/x-pdf": "pdf", "application/msword": "doc",
    "application/vnd.ms-excel": "xls", "application/rtf": "rtf", "text/rtf": "rtf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_FILENAME = re.compile(r"filename\*?\s*=\s*(?:[\w\-]+'[^']*')?\"?([^\";]+)", re.I)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?")
_XML_DATE = re.compile(
    r"<(?:dcterms:created|dcterms:modified|meta:creation-date|dc:date)[^>]*>\s*"
    r"(\d{4}-\d{2}-\d{2})")
_RTF_DATE = re.compile(rb"\\(?:creatim|revtim)\\yr(\d{4})\\mo(\d{1,2})\\dy(\d{1,2})")
_TEXT_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?!\d)")
_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр",
           "ноябр", "декабр")
_TEXT_DATE_WORDS = re.compile(r"(?<!\d)(\d{1,2})[»\"]?\s+(" + "|".join(m + r"\w*" for m in _MONTHS[::-1])
                              + r")\s+((?:19|20)\d{2})", re.I)
TEXT_DATE_CHARS = 3000  # dates are looked for in the beginning of the text (title, approval)
_RTF_SKIP = re.compile(rb"\{\\\*[^{}]*\}|\{\\(?:fonttbl|colortbl|stylesheet|info|pict)[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")
# an RTF token: \'hh, \uN (with its fallback), a paragraph/line/cell break, another control
# word, an escaped \ { }, a control symbol, a group brace or a raw line break
_RTF_TOKEN = re.compile(rb"\\'([0-9a-fA-F]{2})|\\u(-?\d+) ?(?:\\'[0-9a-fA-F]{2}|\?)?"
                        rb"|\\(par|line|tab|cell|row)(?![a-zA-Z])-?\d* ?|\\[a-zA-Z]+-?\d* ?"
                        rb"|\\([\\{}])|\\[^a-zA-Z]|[{}\r\n]")
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH_END = re.compile(r"</(?:w:p|text:p|text:h|si)>")
_WORD_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|</w:p>")


def _iso(year: str, month: str | None, day: str | None) -> str:
    return f"{year}-{month or '01'}-{day or '01'}"


def _zip_member(zf: zipfile.ZipFile, name: str) -> str:
    try:
        with zf.open(name) as member:
            return member.read(ZIP_MEMBER_BYTES).decode("utf-8", "replace")
    except KeyError:
        return ""


def _zip_kind(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "mimetype" in names:
        mimetype = _zip_member(zf, "mimetype")
        if "opendocument.text" in mimetype:
            return "odt"
        if "opendocument.spreadsheet" in mimetype:
            return "ods"
    if "[Content_Types].xml" in names:
        types = _zip_member(zf, "[Content_Types].xml")
        for marker, kind in (("wordprocessingml", "docx"), ("spreadsheetml", "xlsx"),
                             ("presentationml", "pptx")):
            if marker in types:
                return kind
    return "zip"


def _markup_text(xml: str) -> str:
    """Text of Office/OpenDocument XML (possibly truncated), paragraph per line."""
    if "<w:t" in xml:
        xml = "".join(m.group(1) if m.group(1) is not None else "\n"
                      for m in _WORD_TEXT.finditer(xml))
    else:
        xml = _TAG.sub(" ", _PARAGRAPH_END.sub("\n", xml))
    return clean(html.unescape(xml))


def _inspect_zip(body: bytes) -> dict:
    with zipfile.ZipFile(BytesIO(body)) as zf:
        kind = _zip_kind(zf)
        info: dict = {"detected_kind": kind}
        meta = _zip_member(zf, "docProps/core.xml") + _zip_member(zf, "meta.xml")
        dates = _XML_DATE.findall(meta)
        if dates:
            info["date"] = max(dates)
        text_member = {"docx": "word/document.xml", "xlsx": "xl/sharedStrings.xml",
                       "odt": "content.xml", "ods": "content.xml"}.get(kind)
        if text_member:
            text = _markup_text(_zip_member(zf, text_member))
            info["text_head"] = text[:TEXT_HEAD_CHARS]
            info["text_layer"] = _meaningful(text)
            _dated(info, text)
        return info


def text_date(text: str, today: date | None = None) -> str:
    """The latest date written in the beginning of a document's text (an approval date, «от
    12.03.2024», «12 марта 2024 г.»), ISO; "" when there is none. Dates in the future are not
    the document's."""
    today = today or date.today()
    found = []
    head = text[:TEXT_DATE_CHARS]
    for d, m, y in _TEXT_DATE.findall(head):
        found.append((int(y), int(m), int(d)))
    for d, month, y in _TEXT_DATE_WORDS.findall(head):
        number = next(i for i, stem in enumerate(_MONTHS, 1) if month.lower().startswith(stem))
        found.append((int(y), number, int(d)))
    days = []
    for y, m, d in found:
        try:
            day = date(y, m, d)
        except ValueError:
            continue
        if day <= today:
            days.append(day)
    return max(days).isoformat() if days else ""


def _dated(info: dict, text: str) -> dict:
    """The document's date: the latest of its metadata's and the one in its text."""
    dates = [d for d in (info.get("date", ""), text_date(text)) if d]
    if dates:
        info["date"] = max(dates)
    return info


def _rtf_text(body: bytes) -> str:
    """Plain text of an RTF file (\\'hh escapes as windows-1251, \\uN as Unicode): good enough
    for its title and dates; tables and fields are flattened, hidden groups left out."""
    body = _RTF_SKIP.sub(b"", body[:ZIP_MEMBER_BYTES])
    parts: list[str] = []
    raw = bytearray()
    pos = 0
    for m in _RTF_TOKEN.finditer(body):
        raw += body[pos:m.start()]
        pos = m.end()
        hexed, code, breaks, escaped = m.group(1), m.group(2), m.group(3), m.group(4)
        if hexed:
            raw.append(int(hexed, 16))
        elif code:
            parts.append(raw.decode("cp1251", "replace"))
            raw.clear()
            parts.append(chr(int(code) % 65536))
        elif breaks or m.group(0) in (b"\r", b"\n"):
            raw += b" "
        elif escaped:
            raw += escaped
    raw += body[pos:]
    parts.append(raw.decode("cp1251", "replace"))
    return clean("".join(parts))


def _meaningful(text: str) -> bool:
    return sum(ch.isalnum() for ch in text) >= MEANINGFUL_TEXT


def _inspect_pdf(body: bytes) -> dict:
    reader = PdfReader(BytesIO(body), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")  # most "protected" PDFs only restrict printing/copying
    info: dict = {"detected_kind": "pdf", "pages": len(reader.pages)}
    texts = [clean(page.extract_text() or "") for page in reader.pages[:PDF_TEXT_PAGES]]
    info["text_layer"] = any(_meaningful(t) for t in texts)
    info["text_head"] = " ".join(t for t in texts if t)[:TEXT_HEAD_CHARS]
    meta = reader.metadata or {}
    dates = []
    for key in ("/CreationDate", "/ModDate"):
        match = _PDF_DATE.match(str(meta.get(key) or ""))
        if match:
            dates.append(_iso(*match.groups()))
    if dates:
        info["date"] = max(dates)
    return _dated(info, " ".join(texts))


_WORD_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*(?:\x14|(?=\x15))")  # field instructions
_WORD_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _stream(ole: olefile.OleFileIO, name: str) -> bytes:
    """A stream of the container; OSError when the file ends before it does (a cut download)."""
    data = ole.openstream(name).read()
    if len(data) < ole.get_size(name):
        raise OSError(f"stream {name} truncated")
    return data


def _word_text(ole: olefile.OleFileIO) -> str:
    """The main text of a Word 97–2003 document: the pieces of its piece table ([MS-DOC] Clx).
    Raises ValueError for what it cannot read (encrypted, Word 6/95)."""
    word = _stream(ole, "WordDocument")
    ident, _, _, _, _, flags = struct.unpack_from("<6H", word, 0)
    if ident != 0xA5EC or flags & 0x0100:  # not Word 97+, or encrypted
        raise ValueError("Word document not readable")
    table = _stream(ole, "1Table" if flags & 0x0200 else "0Table")
    at = 34 + 2 * struct.unpack_from("<H", word, 32)[0]  # after FibRgW: cslw, FibRgLw
    text_chars = struct.unpack_from("<i", word, at + 2 + 12)[0]  # ccpText
    pairs = at + 2 + 4 * struct.unpack_from("<H", word, at)[0] + 2  # FibRgFcLcb: (fc, lcb) pairs
    fc_clx, lcb_clx = struct.unpack_from("<II", word, pairs + 33 * 8)
    clx, pos = table[fc_clx:fc_clx + lcb_clx], 0
    while clx[pos] == 1:  # Prc: formatting, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if clx[pos] != 2:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, pos + 1)[0]
    plc, pieces = clx[pos + 5:pos + 5 + size], (size - 4) // 12
    cps = struct.unpack_from(f"<{pieces + 1}i", plc)
    parts, left = [], min(text_chars, ZIP_MEMBER_BYTES // 2)
    for i in range(pieces):
        count = min(cps[i + 1] - cps[i], left)
        if count <= 0:
            break
        left -= count
        fc = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * i + 2)[0]
        if fc & 0x40000000:  # 8-bit piece
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(word[start:start + count].decode("cp1252", "replace"))
        else:
            parts.append(word[fc:fc + 2 * count].decode("utf-16-le", "replace"))
    text = _WORD_FIELD_CODE.sub("", "".join(parts)).replace("\r", "\n").replace("\x07", "\n")
    return clean(_WORD_CONTROLS.sub(" ", text))


def _excel_text(ole: olefile.OleFileIO) -> str:
    """Cell text of an Excel 97–2003 workbook, a row per line, up to XLS_CELLS cells."""
    stream = _stream(ole, "Workbook" if ole.exists("Workbook") else "Book")
    book = xlrd.open_workbook(file_contents=stream, on_demand=True, logfile=StringIO())  # its warnings
    lines, cells = [], 0
    for index in range(book.nsheets):  # sheets load one by one (on_demand)
        sheet = book.sheet_by_index(index)
        for row in range(sheet.nrows):
            values = [str(v).strip() for v in sheet.row_values(row) if str(v).strip()]
            lines.append(" ".join(values))
            cells += len(values)
            if cells >= XLS_CELLS:
                return clean("\n".join(lines))
    return clean("\n".join(lines))


def _inspect_ole(body: bytes, kind: str) -> dict:
    """doc/xls: the text (when it can be read: an unknown layout is not an error, a cut file is)
    and the dates of the summary information."""
    ole = olefile.OleFileIO(BytesIO(body))
    info: dict = {"detected_kind": kind}
    meta = ole.get_metadata()
    dates = [d.date().isoformat() for d in (meta.create_time, meta.last_saved_time) if d]
    if dates:
        info["date"] = max(dates)
    try:
        text = _word_text(ole) if kind == "doc" else _excel_text(ole)
    except (ValueError, IndexError, AssertionError, struct.error, xlrd.XLRDError):
        return info  # an old or odd layout: the file opens, its text is unknown
    info["text_head"] = text[:TEXT_HEAD_CHARS]
    info["text_layer"] = _meaningful(text)
    return _dated(info, text)


def _ole_kind(body: bytes) -> str:
    if "WordDocument".encode("utf-16-le") in body:
        return "doc"
    if "Workbook".encode("utf-16-le") in body or "Book".encode("utf-16-le") in body:
        return "xls"
    return "ole"


def response_kind(content_type: str, disposition: str = "") -> str:
    """Document kind a response declares (Content-Type, or the attachment's file name)."""
    mime = content_type.split(";")[0].strip().lower()
    if mime in CONTENT_TYPE_KINDS:
        return CONTENT_TYPE_KINDS[mime]
    match = _FILENAME.search(disposition or "")
    if match and mime not in ("text/html", "application/xhtml+xml"):
        return DOCUMENT_EXTENSIONS.get(extension("/" + match.group(1).strip()), "")
    return ""


def detect_kind(body: bytes) -> str:
    """Document type by leading bytes: pdf, docx, xlsx, odt, ods, doc, xls, rtf, html, zip…"""
    head = body[:1024].lstrip()
    if body.startswith(b"%PDF") or b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(body)) as zf:
                return _zip_kind(zf)
        except (zipfile.BadZipFile, OSError, EOFError):
            return "zip"
    if body.startswith(_OLE):
        return _ole_kind(body)
    if body.startswith(b"{\\rtf"):
        return "rtf"
    if head[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return ""


def inspect_document(body: bytes) -> dict:
    """Document fields read from the file: detected_kind, pages, text_layer, date, text_head,
    error. Keys absent = not determined."""
    if not body:
        return {"error": "пустой файл"}
    kind = detect_kind(body)
    try:
        if kind == "pdf":
            return _inspect_pdf(body)
        if kind in ("docx", "xlsx", "odt", "ods"):
            return _inspect_zip(body)
        if kind in ("doc", "xls"):
            return _inspect_ole(body, kind)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "broken file"
        name = {"pdf": "PDF"}.get(kind, kind.upper())
        return {"detected_kind": kind,
                "error": f"файл {name} повреждён или не читается ({type(exc).__name__})"}
    info: dict = {"detected_kind": kind}
    if kind == "rtf":
        dates = [_iso(y.decode(), m.decode().zfill(2), d.decode().zfill(2))
                 for y, m, d in _RTF_DATE.findall(body[:65536])]
        if dates:
            info["date"] = max(dates)
        text = _rtf_text(body)
        info["text_head"] = text[:TEXT_HEAD_CHARS]
        info["text_layer"] = _meaningful(text)
        _dated(info, text)
    elif kind == "html":
        info["error"] = "вместо документа получена веб-страница"
    elif not kind:
        info["error"] = "неизвестный формат файла"
    return info
