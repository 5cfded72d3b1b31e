"""Serve labelled corpus sites (static folders) on loopback addresses for `nok eval`.

Each site gets its own address 127.0.0.N, so that the crawler treats them as different sites
(politeness slots and same-site tests go by host). `/path/` serves `path/index.html`; a file
without an extension, `.php` or `.htm` is served as HTML. `%%DATE-N%%` in a text file becomes
the date N days before today, so a site's news stay as fresh as when it was written, and
`http://SITE` becomes the site's own base URL (for sitemap.xml and robots.txt, which need
absolute URLs).
"""
from __future__ import annotations

import re
import threading
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from checks.evaluation import ServerOptions

HTML_SUFFIXES = {"", ".html", ".htm", ".php", ".shtml", ".asp", ".aspx"}
TYPES = {
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text", ".rtf": "application/rtf",
    ".txt": "text/plain", ".xml": "application/xml", ".js": "text/javascript", ".json": "application/json",
    ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".svg": "image/svg+xml", ".tif": "image/tiff",
}
TEXT_SUFFIXES = HTML_SUFFIXES | {".txt", ".xml", ".js", ".json", ".css"}
_DATE_TOKEN = re.compile(rb"%%DATE-(\d{1,4})%%")
FIRST_HOST = 10  # 127.0.0.10, .11, ...: clear of 127.0.0.1, which other local services use


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def _filled(body: bytes, today: date, base_url: str) -> bytes:
    body = _DATE_TOKEN.sub(lambda m: (today - timedelta(days=int(m.group(1)))).strftime("%d.%m.%Y").encode(), body)
    return body.replace(b"http://SITE", base_url.encode())


def _handler(root: Path, options: ServerOptions):
    root = root.resolve()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nok-corpus"
        wbufsize = 1 << 16  # headers and body in one write: no 40 ms delayed-ACK stalls

        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head: bool = False):
            path = unquote(urlsplit(self.path).path)
            forced = options.status.get(path)
            if forced:
                return self._send(forced, "text/html; charset=utf-8",
                                  f"<h1>Ошибка {forced}</h1>".encode(), head)
            target = (root / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or (target != root and root not in target.parents):
                return self._send(404, "text/html; charset=utf-8", "<h1>Страница не найдена</h1>".encode(), head)
            body = target.read_bytes()
            suffix = target.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                body = _filled(body, date.today(), self.server.base_url)
            if suffix in HTML_SUFFIXES:
                ctype = "text/html" + (f"; charset={options.charset}" if options.charset else "")
            else:
                ctype = TYPES.get(suffix, "application/octet-stream")
            self._send(200, ctype, body, head)

        def _send(self, status: int, ctype: str, body: bytes, head: bool):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

    return Handler


@contextmanager
def serve_folder(root: Path, options: ServerOptions | None = None, host: str = "127.0.0.1"):
    """Yield the base URL (no trailing slash) of `root` served on `host` while the block runs."""
    server = _Server((host, 0), _handler(root, options or ServerOptions()))
    server.base_url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_sites(sites: list[tuple[str, Path, ServerOptions]]):
    """Serve several folders at once, each on its own loopback address; yield {name: base URL}."""
    if len(sites) > 240:
        raise ValueError("не больше 240 сайтов за один запуск")
    with ExitStack() as stack:
        urls = {name: stack.enter_context(serve_folder(root, options, f"127.0.0.{FIRST_HOST + i}"))
                for i, (name, root, options) in enumerate(sites)}
        yield urls
