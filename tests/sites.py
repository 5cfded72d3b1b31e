"""Local test web sites: a real threaded HTTP server on 127.0.0.1 serving files or routes."""
from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

# A route returns (status, headers, body); body may be bytes or str (encoded as UTF-8).
Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes | str]]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text", ".rtf": "application/rtf",
    ".txt": "text/plain; charset=utf-8", ".xml": "application/xml", ".js": "text/javascript",
    ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg",
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


class LocalSite:
    """Serve `root` (a directory: /about/ -> about/index.html) and/or `routes` (path -> Route).

    Routes take precedence; `pages` (path -> html str) is a shortcut for static in-memory pages.
    Records every request path in `requests` (thread-safe append)."""

    def __init__(self, root: Path | None = None, routes: dict[str, Route] | None = None,
                 pages: dict[str, str | bytes] | None = None, host: str = "127.0.0.1"):
        self.root = Path(root) if root else None
        self.routes = dict(routes or {})
        for path, body in (pages or {}).items():
            self.routes[path] = _static(path, body)
        self.requests: list[str] = []
        self.methods: list[tuple[str, str]] = []  # (method, path) of every request, POST included
        self.user_agents: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # headers and body in one write: no 40 ms delayed-ACK stalls

            def log_message(self, *args):  # quiet
                pass

            def do_HEAD(self):
                self.do_GET(head=True)

            def do_POST(self):  # recorded (tests assert nothing is ever sent) and refused
                site.methods.append(("POST", self.path))
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self, head: bool = False):
                site.methods.append(("HEAD" if head else "GET", self.path))
                site.requests.append(self.path)
                site.user_agents.append(self.headers.get("User-Agent", ""))
                status, headers, body = site.respond(self)
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        self.server = _Server((host, 0), Handler)
        self.host, self.port = self.server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def respond(self, handler: BaseHTTPRequestHandler):
        path = urlsplit(handler.path).path
        route = self.routes.get(handler.path) or self.routes.get(path)
        if route:
            return route(handler)
        if self.root:
            target = (self.root / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if target.is_file() and self.root.resolve() in target.parents:
                ctype = CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream")
                return 200, {"Content-Type": ctype}, target.read_bytes()
        return 404, {"Content-Type": "text/html; charset=utf-8"}, "<h1>404 Не найдено</h1>"

    def __enter__(self) -> "LocalSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _static(path: str, body: str | bytes) -> Route:
    suffix = Path(urlsplit(path).path).suffix.lower() or ".html"
    ctype = CONTENT_TYPES.get(suffix, "text/html; charset=utf-8")
    return lambda handler: (200, {"Content-Type": ctype}, body)
