"""Document inspection: type by leading bytes, PDF pages and text layer, dates, broken files."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlwt
from hypothesis import given, settings, strategies as st

from crawler.documents import detect_kind, inspect_document, response_kind, text_date
from tests.crawler.helpers import doc_bytes, docx_bytes, pdf_bytes


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content><text:p>Отчёт об исполнении</text:p>"
                           "<text:p>плана &amp; сметы</text:p></office:document-content>",
            "meta.xml": "<office:meta><meta:creation-date>2022-11-30T09:00:00</meta:creation-date>"
                        "</office:meta>"})
XLSX = _zip({"[Content_Types].xml": "<Types>spreadsheetml.sheet.main+xml</Types>",
             "xl/sharedStrings.xml": "<sst><si><t>Тариф</t></si><si><t>Уборка</t></si></sst>"})
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "WordDocument".encode("utf-16-le")


@pytest.mark.parametrize("body, kind", [
    (pdf_bytes(), "pdf"), (docx_bytes(), "docx"), (ODT, "odt"), (XLSX, "xlsx"),
    (OLE_DOC, "doc"), (b"{\\rtf1\\ansi text}", "rtf"), (b"  <!DOCTYPE html><html>", "html"),
    (b"PK\x03\x04 broken zip", "zip"), (b"GIF89a", ""),
])
def test_detect_kind(body, kind):
    assert detect_kind(body) == kind


def test_pdf_with_text():
    info = inspect_document(pdf_bytes(pages=3))
    assert info == {"detected_kind": "pdf", "pages": 3, "text_layer": True,
                    "text_head": info["text_head"], "date": "2024-03-15"}
    assert info["text_head"].startswith("Annual report of the social service centre")


def test_date_written_in_the_text_beats_older_metadata():
    info = inspect_document(pdf_bytes("Approved by order of 12.03.2025 No 5"))
    assert info["date"] == "2025-03-12"  # metadata says 2024-03-15
    assert text_date("утверждено «15» марта 2023 г., изменения от 01.02.2024") == "2024-02-01"
    assert text_date("31.02.2024; 01.01.2999; 1.1.1850") == ""  # impossible, future, too old


def test_pdf_without_text_layer():
    info = inspect_document(pdf_bytes(text=""))
    assert info["pages"] == 1 and info["text_layer"] is False


def test_broken_pdf_reported_not_raised():
    info = inspect_document(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    assert info["detected_kind"] == "pdf" and "повреждён" in info["error"]


def test_office_and_opendocument_text_and_dates():
    docx = inspect_document(docx_bytes())
    assert docx["date"] == "2024-02-10" and docx["text_layer"] is True
    assert docx["text_head"] == ("Положение о порядке предоставления социальных услуг "
                                 "Утверждено приказом")
    odt = inspect_document(ODT)
    assert odt["date"] == "2022-11-30" and odt["text_head"] == "Отчёт об исполнении плана & сметы"
    assert inspect_document(XLSX)["text_head"] == "Тариф Уборка"


def _xls(rows: list[list]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Тарифы")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_legacy_word_and_excel_text_and_dates():
    doc = inspect_document(doc_bytes('Положение о порядке\r\x13 HYPERLINK "http://kcson.ru/" \x14приёма'
                                     '\x15 граждан\x07утверждено 12.03.2024\r'))
    assert doc == {"detected_kind": "doc", "text_head": "Положение о порядке приёма граждан утверждено 12.03.2024",
                   "text_layer": True, "date": "2024-03-12"}
    assert inspect_document(doc_bytes("\x01\r"))["text_layer"] is False  # only a picture: a scan
    xls = inspect_document(_xls([["Тарифы на социальные услуги на 01.01.2025"], ["Уборка", 125.5]]))
    assert xls["detected_kind"] == "xls" and xls["text_layer"] is True and xls["date"] == "2025-01-01"
    assert xls["text_head"] == "Тарифы на социальные услуги на 01.01.2025 Уборка 125.5"


def test_legacy_files_that_do_not_read():
    truncated = doc_bytes("Устав учреждения, утверждённый учредителем")[:1500]
    assert "повреждён" in inspect_document(truncated)["error"]
    # a Word 6/95 file (another FIB) opens, its text is unknown rather than missing
    old = bytearray(doc_bytes("Устав учреждения"))
    fib = old.index(b"\xec\xa5")  # wIdent of Word 97 and later
    old[fib:fib + 2] = b"\x00\x00"
    info = inspect_document(bytes(old))
    assert info["detected_kind"] == "doc" and "text_layer" not in info and "error" not in info


LEGACY = [doc_bytes("Положение о порядке предоставления социальных услуг, утверждено 01.02.2024"),
          _xls([["Тарифы на социальные услуги"], ["Уборка", 125]])]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(which=st.sampled_from([0, 1]),
       spots=st.lists(st.tuples(st.integers(512, 20_000), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6))
def test_corrupted_legacy_files_are_described_not_raised(which, spots):
    """Junk written over a .doc or .xls: never an exception or a hang, only the known fields."""
    body = bytearray(LEGACY[which])
    for at, junk in spots:
        at %= len(body)
        body[at:at + len(junk)] = junk
    info = inspect_document(bytes(body))
    assert set(info) <= {"detected_kind", "date", "text_head", "text_layer", "error"}
    assert isinstance(info["detected_kind"], str) and len(info.get("text_head", "")) <= 500


REAL_DOCS = Path(__file__).resolve().parents[3] / "shared/corpus/real/skolkovskiy/files/docs"


@pytest.mark.skipif(not REAL_DOCS.is_dir(), reason="../shared/corpus/real is not beside this checkout")
def test_real_word_documents():
    agreement = inspect_document((REAL_DOCS / "collective-agreement.doc").read_bytes())
    assert agreement["text_head"].startswith("Представитель работников Государственного казенного учреждения")
    inspections = inspect_document((REAL_DOCS / "inspections_2016-2019.doc").read_bytes())
    assert "Информация о результатах проведенных проверок" in inspections["text_head"]
    assert inspections["date"] >= "2019-04-22"


def test_rtf_date_text_and_unknown_files():
    rtf = inspect_document(b"{\\rtf1{\\info{\\creatim\\yr2021\\mo3\\dy9}}text}")
    assert rtf == {"detected_kind": "rtf", "date": "2021-03-09", "text_head": "text", "text_layer": False}
    cyrillic = inspect_document(
        b"{\\rtf1\\ansi\\ansicpg1251{\\fonttbl{\\f0 Times New Roman;}}{\\*\\generator Word;}\\pard "
        + b"\\'cf\\'ee\\'eb\\'ee\\'e6\\'e5\\'ed\\'e8\\'e5 \\u1086?\\u1090? 01.09.2023\\par }")
    assert cyrillic["text_head"] == "Положение от 01.09.2023" and cyrillic["date"] == "2023-09-01"
    assert inspect_document(b"")["error"] == "пустой файл"
    assert inspect_document(b"GIF89a...")["error"] == "неизвестный формат файла"
    assert inspect_document(b"<html><body>login</body></html>")["detected_kind"] == "html"


def test_response_kind():
    assert response_kind("application/pdf; charset=binary") == "pdf"
    assert response_kind("application/octet-stream",
                         'attachment; filename="Приказ.DOCX"') == "docx"
    assert response_kind("text/html", 'inline; filename="x.pdf"') == ""
    assert response_kind("text/html") == ""
