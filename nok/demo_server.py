"""Serve the bundled example site (nok/demo_site) on 127.0.0.1 for `nok demo` and the tests."""
from __future__ import annotations

import mimetypes
import threading
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEMO_ROOT = Path(str(files("nok") / "demo_site"))
TEXT_TYPES = (".html", ".xml", ".txt")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def _handler(root: Path, base_url: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nok-demo"
        wbufsize = 1 << 16  # headers and body in one write: no 40 ms delayed-ACK stalls

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or root.resolve() not in target.parents:
                return self._send(404, "text/html; charset=utf-8", "<h1>Страница не найдена</h1>".encode())
            body = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix in TEXT_TYPES:
                # the example pages carry the current date and the server's own address
                body = body.replace(b"%%TODAY%%", date.today().strftime("%d.%m.%Y").encode())
                body = body.replace(b"http://SITE", base_url.encode())
                if target.suffix == ".html" and b"windows-1251" not in body[:400]:
                    ctype = "text/html; charset=utf-8"  # the 1251 page declares its charset in <meta> only
            self._send(200, ctype, body)

        def _send(self, status: int, ctype: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_demo(host: str = "127.0.0.1", port: int = 0, root: Path = DEMO_ROOT):
    """Yield the base URL of the example site while it is being served."""
    server = _Server((host, port), BaseHTTPRequestHandler)
    base_url = f"http://{host}:{server.server_address[1]}"
    server.RequestHandlerClass = _handler(root, base_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
