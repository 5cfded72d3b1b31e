"""Document inspection: type by leading bytes, PDF pages and text layer, dates, broken files."""
from __future__ import annotations

import io
import zipfile

import pytest

from crawler.documents import detect_kind, inspect_document, response_kind, text_date
from tests.crawler.helpers import docx_bytes, pdf_bytes


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
