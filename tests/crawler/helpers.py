"""Test helpers: crawls in a subprocess, hostile routes, small documents built in memory."""
from __future__ import annotations

import io
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checks.snapshot import SiteSnapshot
from tests.crawler.loopback import MARKER

ROOT = Path(__file__).resolve().parents[2]
# fast and deterministic for local servers; politeness tests set their own
FAST = {"download_delay": 0, "autothrottle": False}
GUARD = {"DOWNLOADER_MIDDLEWARES": {"tests.crawler.loopback.LoopbackOnly": 10}}


@dataclass
class CrawlResult:
    snapshots: dict[str, SiteSnapshot]
    progress: dict[str, int]
    elapsed: float
    peak_rss_mb: float
    stderr: str

    def __getitem__(self, org_id: str) -> SiteSnapshot:
        return self.snapshots[org_id]


def run_crawl(targets: list[tuple[str, str]] | str, *, options: dict | None = None,
              settings: dict | None = None, hints: dict | None = None,
              resume: dict | None = None, skip: list[str] | None = None,
              timeout: float = 60) -> CrawlResult:
    """Crawl in a fresh Python process (the reactor cannot restart); a single URL is org "site".

    Every run carries the loopback guard: a request to a non-127.x host fails the test."""
    if isinstance(targets, str):
        targets = [("site", targets)]
    spec = {"targets": targets, "options": {**FAST, **(options or {})},
            "settings": {**GUARD, **(settings or {})}, "hints": hints,
            "resume": resume or {}, "skip": skip or []}
    with tempfile.TemporaryDirectory() as tmp:
        spec_path, out_path, err_path = (Path(tmp) / n for n in ("spec.json", "out.json", "err"))
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), "utf-8")
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        began = time.monotonic()
        with open(err_path, "w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.crawler.runner", str(spec_path), str(out_path)],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
            try:
                _, status, usage = _wait(proc, timeout)
            finally:
                if proc.poll() is None:
                    proc.kill()
        elapsed = time.monotonic() - began
        stderr = err_path.read_text()
        assert status == 0, stderr[-4000:]
        assert MARKER not in stderr, stderr
        data = json.loads(out_path.read_text("utf-8"))
    snapshots = {org: SiteSnapshot.model_validate(s) for org, s in data["snapshots"].items()}
    return CrawlResult(snapshots, data["progress"], elapsed, usage.ru_maxrss / 1024, stderr)


def _wait(proc: subprocess.Popen, timeout: float):
    """os.wait4 for this child only: its exit status and its own peak memory."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, proc.returncode, usage
        time.sleep(0.05)
    raise TimeoutError(f"crawl still running after {timeout} s")


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def html_page(body: str, title: str = "") -> str:
    return (f"<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body>{body}</body></html>")


def links(*pairs: tuple[str, str]) -> str:
    return "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in pairs)


# ---- hostile routes ------------------------------------------------------------------------
def raw_route(write: Callable) -> Callable:
    """A route that writes the raw HTTP response itself (slow drips, bodies without length).

    LocalSite then writes its own reply into a discarded buffer."""
    def route(handler):
        try:
            write(handler.wfile)
        except OSError:  # the crawler hung up: that is what the test wants
            pass
        handler.wfile = io.BytesIO()
        handler.close_connection = True
        return 200, {}, b""
    return route


def slow_drip(seconds: int = 30) -> Callable:
    """Headers at once, then one byte per second."""
    def write(out):
        out.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(seconds):
            out.write(b"<")
            out.flush()
            time.sleep(1)
    return raw_route(write)


def endless_body(megabytes: int) -> Callable:
    """An HTML body of `megabytes` with no Content-Length (ends when the connection closes)."""
    chunk = b"<p>" + b"x" * 65530 + b"</p>"

    def write(out):
        out.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        for _ in range(megabytes * 16):
            out.write(chunk)
    return raw_route(write)


def gzip_bomb(megabytes: int = 1024) -> bytes:
    """A gzip stream of `megabytes` zeros, ~1 KB per MB: built from one full-flushed block
    repeated (the trailer is left out; nobody should read that far)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    megabyte = b"\0" * (1 << 20)
    head = comp.compress(megabyte) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(megabyte) + comp.flush(zlib.Z_FULL_FLUSH)
    return head + block * (megabytes - 1)


@dataclass
class InFlight:
    """Counts concurrent requests at a server; `route()` answers after `delay` seconds."""
    delay: float = 0.05
    current: int = 0
    peak: int = 0
    times: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, body: Callable[[str], str]) -> Callable:
        def handle(handler):
            with self.lock:
                self.current += 1
                self.peak = max(self.peak, self.current)
                self.times.append(time.monotonic())
            try:
                time.sleep(self.delay)
                return 200, {"Content-Type": "text/html; charset=utf-8"}, body(handler.path)
            finally:
                with self.lock:
                    self.current -= 1
        return handle


# ---- documents -----------------------------------------------------------------------------
def pdf_bytes(text: str = "Annual report of the social service centre for 2024 year",
              pages: int = 1) -> bytes:
    """A small valid PDF with a text layer (Latin text in Helvetica) and a CreationDate."""
    stream = f"BT /F1 12 Tf 50 750 Td ({text}) Tj ET".encode()
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                       f"<< /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /CreationDate (D:20240315120000+03'00') /Title (Report) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref))
    return bytes(out)


def docx_bytes(text: str = "Положение о порядке предоставления социальных услуг") -> bytes:
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxml'
        'formats.org/package/2006/content-types"><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
        'document.main+xml"/></Types>',
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
        'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        f'{text}</w:t></w:r></w:p><w:p><w:r><w:t>Утверждено приказом</w:t></w:r></w:p>'
        '</w:body></w:document>',
        "docProps/core.xml": '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas'
        '.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dcterms="http://purl'
        '.org/dc/terms/"><dcterms:created>2023-09-01T10:00:00Z</dcterms:created>'
        '<dcterms:modified>2024-02-10T08:00:00Z</dcterms:modified></cp:coreProperties>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (CFB v3, 512-byte sectors) holding `streams`, each padded to 4 KB so
    that none goes to the mini stream: the container of Word and Excel 97–2003 files."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    names = list(streams)
    data = [streams[n].ljust(max(4096, -(-len(streams[n]) // 512) * 512), b"\0") for n in names]
    fat, sector = [0xFFFFFFFD, end], 2  # sector 0: the FAT, sector 1: the directory
    starts = []
    for body in data:
        count = len(body) // 512
        starts.append(sector)
        fat += list(range(sector + 1, sector + count)) + [end]
        sector += count
    assert len(fat) <= 128

    def entry(name: str, kind: int, child: int, left: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, left, free, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))
    # the root's child is the last stream; each stream's left sibling is the one before it
    # (names of growing length sort in that order, as the red-black tree wants)
    directory = entry("Root Entry", 5, len(names), free, end, 0) + b"".join(
        entry(n, 2, free, i if i else free, starts[i], len(data[i])) for i, n in enumerate(names))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *[free] * 108))
    return (header + struct.pack("<128I", *fat, *[free] * (128 - len(fat)))
            + directory.ljust(512, b"\0") + b"".join(data))


def doc_bytes(text: str) -> bytes:
    """A Word 97–2003 .doc: a FIB naming the 1Table stream and a one-piece table of UTF-16 text."""
    fib = bytearray(2048)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0xC1)
    struct.pack_into("<H", fib, 0x0A, 0x0200)  # fWhichTblStm: 1Table
    struct.pack_into("<H", fib, 32, 14)  # csw, FibRgW (28 bytes) follows
    struct.pack_into("<H", fib, 62, 22)  # cslw, FibRgLw (88 bytes) follows
    struct.pack_into("<i", fib, 64 + 12, len(text))  # ccpText
    struct.pack_into("<H", fib, 152, 93)  # cbRgFcLcb
    clx = b"\x02" + struct.pack("<IiiHIH", 16, 0, len(text), 0, 2048, 0)  # Pcdt: CPs, one PCD
    struct.pack_into("<II", fib, 154 + 33 * 8, 0, len(clx))  # fcClx, lcbClx
    word = bytes(fib) + text.encode("utf-16-le")
    return _compound_file({"1Table": clx, "WordDocument": word})
