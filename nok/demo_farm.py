"""`nok demo-farm`: several variants of the example organisation's site served on 127.0.0.x, and
a registry of them, to try the batch audit (`nok audit`) without the internet.

Variants: the example as it is, sites with items removed, one without the low-vision version,
one with broken documents, one slow, one dead address; the registry also has bad rows (no site,
a malformed address, a repeated code) to show how they are reported. `--changed` serves the
sites as they are "a month later" (some items added, some lost, the dead site back), for a
second run and `nok diff`.
"""
from __future__ import annotations

import csv
import shutil
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from checks.evaluation import ServerOptions
from nok.corpus_server import _handler, _Server
from nok.demo_server import DEMO_ROOT
from nok.errors import UserError

FIRST_HOST = 30  # 127.0.0.30, .31, ...
DEFAULT_PORT = 8765
EXAMPLE_NAME = "Рассвет"
LOW_VISION = ('<script src="/js/bvi.min.js"></script>',
              '<a href="#" class="bvi-open" title="Версия сайта для слабовидящих">Версия для слабовидящих</a>')


@dataclass
class Variant:
    """One demo organisation: what its site lacks now (`remove`, `strip`) and after the change."""

    org_id: str
    name: str  # replaces «Рассвет» on the site
    about: str  # Russian, for the farm's listing
    remove: list[str] = field(default_factory=list)  # paths removed from the example site
    strip_low_vision: bool = False
    latency: float = 0.0  # seconds before every answer
    dead: bool = False  # nothing listens at its address
    changed_remove: list[str] | None = None  # after the change (None: as before)
    changed_dead: bool | None = None

    def removed(self, changed: bool) -> list[str]:
        return self.changed_remove if changed and self.changed_remove is not None else self.remove

    def is_dead(self, changed: bool) -> bool:
        return self.changed_dead if changed and self.changed_dead is not None else self.dead


VARIANTS = [
    Variant("demo-01", "Рассвет", "пример как есть"),
    Variant("demo-02", "Заря", "нет страниц руководства и тарифов (после изменений руководство появилось)",
            remove=["rukovodstvo", "tarify"], changed_remove=["tarify"]),
    Variant("demo-03", "Надежда", "нет версии для слабовидящих", strip_low_vision=True),
    Variant("demo-04", "Радуга", "нет страниц обратной связи и получателей (после изменений пропали и документы)",
            remove=["obratnaya-svyaz", "poluchateli"], changed_remove=["obratnaya-svyaz", "poluchateli", "dokumenty"]),
    Variant("demo-05", "Берёзка", "документы по ссылкам не открываются", remove=["files"]),
    Variant("demo-06", "Исток", "медленный сайт: каждый ответ через 1,5 с", latency=1.5),
    Variant("demo-07", "Ольха", "адрес не отвечает (после изменений сайт работает)", dead=True, changed_dead=False),
    Variant("demo-08", "Сосновый бор", "пример как есть (после изменений пропала страница МТО)",
            changed_remove=["mto"]),
]
# registry rows that are wrong on purpose: nok audit names them and goes on
BAD_ROWS = [
    {"Код организации": "demo-09", "Наименование организации": "Дом-интернат «Кедр»", "Адрес сайта": ""},
    {"Код организации": "demo-10", "Наименование организации": "ЦСО «Ивушка»", "Адрес сайта": "htp:/ivushka"},
    {"Код организации": "demo-03", "Наименование организации": "КЦСОН «Надежда» (повтор)",
     "Адрес сайта": "http://127.0.0.99/"},
]


def build_site(variant: Variant, changed: bool, target: Path) -> Path:
    """A copy of the example site with the variant's changes."""
    shutil.copytree(DEMO_ROOT, target)
    for rel in variant.removed(changed):
        path = target / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in target.rglob("*"):
        if path.suffix not in (".html", ".txt", ".xml"):
            continue
        body = path.read_bytes()
        for encoding in ("utf-8", "cp1251"):  # the documents page is in windows-1251
            body = body.replace(EXAMPLE_NAME.encode(encoding), variant.name.encode(encoding))
            for marker in LOW_VISION if variant.strip_low_vision else ():
                body = body.replace(marker.encode(encoding), b"")
        path.write_bytes(body)
    return target


def _logged(handler: type, seconds: float, log: list[str]) -> type:
    """The handler, recording each request path, answering after `seconds`."""
    class Site(handler):
        def do_GET(self, head: bool = False):
            log.append(self.path)
            if seconds:
                time.sleep(seconds)
            super().do_GET(head)
    return Site


class Farm:
    """The demo sites, each on its own loopback address; `changed` switches every site to its
    state after the change. `requests` records the paths asked of each site; `slow` overrides
    the slow site's latency (tests)."""

    def __init__(self, workdir: Path, port: int = DEFAULT_PORT, changed: bool = False, slow: float | None = None):
        self.workdir = workdir
        self.port = port
        self.slow = slow
        self.urls: dict[str, str] = {}
        self.requests: dict[str, list[str]] = {v.org_id: [] for v in VARIANTS}
        self._servers: dict[str, _Server] = {}
        self._handlers: dict[tuple[str, bool], type] = {}
        self._changed = changed

    def start(self, stack: ExitStack) -> None:
        options = ServerOptions(charset="")  # as the example: charset from <meta>
        for i, variant in enumerate(VARIANTS):
            host = f"127.0.0.{FIRST_HOST + i}"
            for changed in (False, True):
                root = build_site(variant, changed, self.workdir / ("after" if changed else "before") / variant.org_id)
                latency = self.slow if variant.latency and self.slow is not None else variant.latency
                self._handlers[variant.org_id, changed] = _logged(_handler(root, options), latency,
                                                                  self.requests[variant.org_id])
            if variant.is_dead(False) and variant.is_dead(True):
                self.urls[variant.org_id] = f"http://{host}:{self.port or 9}/"
                continue
            try:
                server = _Server((host, self.port), self._handlers[variant.org_id, self._changed])
            except OSError as exc:
                raise UserError(f"Не удалось занять адрес {host}:{self.port}: {exc}. Укажите другой порт (--port).") from None
            server.base_url = f"http://{host}:{server.server_address[1]}"
            self.urls[variant.org_id] = server.base_url + "/"
            self._servers[variant.org_id] = server
            threading.Thread(target=server.serve_forever, daemon=True).start()
        stack.callback(self._stop)
        self.set_changed(self._changed)

    def _stop(self) -> None:
        """Stop every server at once (each waits up to half a second for its loop)."""
        threads = [threading.Thread(target=s.shutdown) for s in self._servers.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for server in self._servers.values():
            server.server_close()

    def set_changed(self, changed: bool) -> None:
        self._changed = changed
        for variant in VARIANTS:
            server = self._servers.get(variant.org_id)
            if server is None:
                continue
            server.RequestHandlerClass = self._handlers[variant.org_id, changed]
            if variant.is_dead(changed):  # hang up on every connection
                server.RequestHandlerClass = _Refuse

    def write_registry(self, path: Path) -> Path:
        """The registry of the demo organisations (UTF-8 CSV, `;` as Excel in Russia writes it)."""
        headers = ["Код организации", "Наименование организации", "Сфера", "Адрес сайта", "Субъект РФ",
                   "Муниципальное образование", "ИНН"]
        rows = [{"Код организации": v.org_id, "Наименование организации": f"ГБУ СО «КЦСОН «{v.name}»",
                 "Сфера": "социальное обслуживание", "Адрес сайта": self.urls[v.org_id], "Субъект РФ": "Энская область",
                 "Муниципальное образование": f"Энский район № {i % 3 + 1}", "ИНН": f"77{i:02d}123456"}
                for i, v in enumerate(VARIANTS, start=1)]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=headers, delimiter=";")
            writer.writeheader()
            writer.writerows(rows[:4] + BAD_ROWS[:2] + rows[4:] + BAD_ROWS[2:])
        return path


class _Refuse:
    """A handler that hangs up at once: the address answers like a dead server."""

    def __init__(self, request, client_address, server):
        request.close()


@contextmanager
def serve_farm(port: int = DEFAULT_PORT, changed: bool = False, slow: float | None = None):
    """Yield a started Farm; its sites are built in a temporary folder, removed afterwards."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nok-farm-")))
        farm = Farm(workdir, port, changed, slow)
        farm.start(stack)
        yield farm


def register(sub) -> None:
    p = sub.add_parser("demo-farm", help="запустить несколько примеров сайтов и реестр для nok audit",
                       description="Запускает на адресах 127.0.0.30–37 восемь вариантов сайта вымышленной "
                       "организации (полный, без части пунктов, без версии для слабовидящих, с битыми документами, "
                       "медленный, недоступный) и пишет их реестр. Работает, пока не нажмёте Ctrl+C.")
    p.add_argument("--registry", type=Path, default=Path("demo-registry.csv"), metavar="ФАЙЛ",
                   help="куда записать реестр (demo-registry.csv)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"порт всех сайтов ({DEFAULT_PORT})")
    p.add_argument("--changed", action="store_true",
                   help="сайты «месяц спустя»: часть пунктов появилась, часть пропала (для второго прогона и nok diff)")
    p.set_defaults(func=run)


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UserError("Порт — число от 1 до 65535")
    with serve_farm(args.port, args.changed) as farm:
        farm.write_registry(args.registry)
        state = "после изменений" if args.changed else "исходные"
        print(f"Сайты ({state}):")
        for variant in VARIANTS:
            dead = variant.is_dead(args.changed)
            print(f"  {variant.org_id}  {farm.urls[variant.org_id]:<28} КЦСОН «{variant.name}»: "
                  + ("адрес не отвечает" if dead else variant.about))
        print(f"\nРеестр: {args.registry} (в нём и три строки с ошибками — nok audit их покажет)")
        print(f"В другом окне: nok audit {args.registry} --out run1\n"
              "Остановить сайты: Ctrl+C", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nСайты остановлены.")
    return 0
