"""Benchmark of the batch audit (`nok audit`) over a farm of generated sites on loopback.

Each of N sites has its own address in 127.0.0.0/8 (so each is its own domain and politeness
slot), between P/4 and P pages (site 0 has P; a home page linking to the others, about 10 KB of
Russian text each; `--uniform`: all P) and a response latency. For each N the script runs
`nok audit` twice over the same farm, with checks and with `--no-check` (bare fetching and
storing of the same pages), and prints:

- wall time against the politeness lower bound: the slowest site's pages × the per-domain delay
  (no crawl of a site can be faster, whatever the machine);
- sites/min and pages/s;
- the overhead of checking over bare fetching (wall and CPU);
- peak memory of the whole process tree (crawler + check workers; PSS, so shared pages count
  once) and the largest single process (RSS), sampled every 0.2 s.

    python bench/batch_bench.py                       # N = 10, 100, 500; 30 pages; delay 3 s
    python bench/batch_bench.py --sites 10 --pages 10 --delay 0.5

The random spread of the per-site delay (DOWNLOAD_DELAY_JITTER) is switched off so that the lower
bound is exact; everything else is `nok audit` as an operator runs it (AutoThrottle on, robots.txt
and sitemap requested, every page stored in SQLite and every site checked in a worker process).
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import multiprocessing
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from proc_memory import run_sampled

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("Учреждение предоставляет социальные услуги гражданам пожилого возраста и инвалидам в форме "
         "социального обслуживания на дому, в полустационарной форме и срочные социальные услуги. ")
SECTIONS = ["Основные сведения", "Структура и органы управления", "Руководство", "Документы", "Социальные услуги",
            "Тарифы", "Материально-техническое обеспечение", "Обратная связь", "Контакты", "Новости"]


def host(i: int) -> str:
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def page(i: int, pages: int) -> bytes:
    """Page i of a site: the menu, links to every page from the home page, ~10 KB of text."""
    menu = "".join(f'<li><a href="/p{k}/">{SECTIONS[k % len(SECTIONS)]} {k}</a></li>' for k in range(1, min(pages, 11)))
    more = "".join(f'<p><a href="/p{k}/">Материал {k}</a></p>' for k in range(1, pages)) if i == 0 else ""
    title = "Главная" if i == 0 else f"{SECTIONS[i % len(SECTIONS)]} {i}"
    text = "".join(f"<p>{WORDS * 2}Телефон: +7 (8452) 12-34-{i:02d}. Адрес: г. Энск, ул. Садовая, д. {i}.</p>"
                   for _ in range(25))
    return (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<nav><ul>{menu}</ul></nav><main><h1>{title}</h1>{text}{more}</main>'
            f"<footer><p>© ГБУ СО «КЦСОН»</p></footer></body></html>").encode()


def site_pages(i: int, pages: int, uniform: bool) -> int:
    """How many pages site i has: P for site 0, else spread evenly over P/4 … P."""
    low = max(1, pages // 4)
    return pages if uniform or i == 0 else low + (i * 37) % (pages - low + 1)


async def _serve(sites: int, pages: int, port: int, latency: float, uniform: bool, ready) -> None:
    sizes = {host(i): site_pages(i, pages, uniform) for i in range(sites)}
    bodies = {size: [page(k, size) for k in range(size)] for size in set(sizes.values())}
    not_found = b"<h1>404</h1>"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        site = bodies[sizes[writer.get_extra_info("sockname")[0]]]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1")
                if latency:
                    await asyncio.sleep(latency)
                number = path.strip("/").removeprefix("p")
                index = 0 if path == "/" else int(number) if number.isdigit() and 0 < int(number) < len(site) else -1
                body, status = (site[index], b"200 OK") if index >= 0 else (not_found, b"404 Not Found")
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host(i), port, backlog=1024) for i in range(sites)]
    ready.set()
    await asyncio.gather(*(s.serve_forever() for s in servers))


def serve(sites: int, pages: int, port: int, latency: float, uniform: bool, ready) -> None:
    asyncio.run(_serve(sites, pages, port, latency, uniform, ready))


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_audit(registry: Path, out: Path, args, check: bool) -> dict:
    cmd = [sys.executable, "-m", "nok.cli", "audit", str(registry), "--out", str(out), "--delay", str(args.delay),
           "--sites-at-once", str(args.sites_at_once or args.n), "--max-pages", str(args.pages + 5),
           "--check-workers", str(args.check_workers), "-s", "DOWNLOAD_DELAY_JITTER=0",
           *(() if check else ("--no-check",)), *args.extra]
    result, wall, tree_mb, proc_mb = run_sampled(cmd, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"nok audit failed ({result.returncode}):\n{result.stderr[-3000:]}")
    data = json.loads((out / "summary.json").read_text(encoding="utf-8")) if check else None
    with sqlite3.connect(out / "run.sqlite") as conn:
        pages = conn.execute("select count(*) from nok_pages").fetchone()[0]
        done = conn.execute("select count(*) from nok_sites where state in ('crawled', 'checked')").fetchone()[0]
    checked = sum(o["status"] == "ok" for o in data["organizations"]) if data else 0
    return {"wall": wall, "pages": pages, "sites": done, "checked": checked, "tree_mb": tree_mb, "proc_mb": proc_mb}


def cpu_seconds() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def bench(n: int, args) -> dict:
    args.n = n
    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(n, args.pages, port, args.latency, args.uniform, ready),
                                     daemon=True)
    server.start()
    if not ready.wait(60):
        raise SystemExit("the farm did not start")
    try:
        with tempfile.TemporaryDirectory(prefix="nok-bench-") as tmp:
            registry = Path(tmp) / "registry.csv"
            with registry.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, delimiter=";")
                writer.writerow(["Код организации", "Наименование организации", "Адрес сайта"])
                writer.writerows([f"b{i:04d}", f"Организация {i}", f"http://{host(i)}:{port}/"] for i in range(n))
            results = {}
            for mode, check in (("bare", False), ("check", True)):
                cpu = cpu_seconds()
                results[mode] = run_audit(registry, Path(tmp) / mode, args, check)
                results[mode]["cpu"] = cpu_seconds() - cpu
    finally:
        server.terminate()
        server.join()
    bound = args.pages * args.delay
    full = results["check"]
    return {"n": n, "bound": bound, "wall": full["wall"], "ratio": full["wall"] / bound if bound else float("nan"),
            "sites_min": n / full["wall"] * 60, "pages_s": full["pages"] / full["wall"], "pages": full["pages"],
            "checked": full["checked"], "bare_wall": results["bare"]["wall"],
            "overhead": full["wall"] / results["bare"]["wall"] - 1,
            "cpu_overhead": full["cpu"] / results["bare"]["cpu"] - 1 if results["bare"]["cpu"] else float("nan"),
            "tree_mb": full["tree_mb"], "proc_mb": full["proc_mb"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, nargs="+", default=[10, 100, 500], metavar="N")
    parser.add_argument("--pages", type=int, default=30, help="pages per site (30)")
    parser.add_argument("--delay", type=float, default=3.0, help="per-domain delay, s (3)")
    parser.add_argument("--latency", type=float, default=0.05, help="response latency, s (0.05)")
    parser.add_argument("--uniform", action="store_true", help="every site has P pages (all finish together)")
    parser.add_argument("--sites-at-once", type=int, default=0, help="default: all N")
    parser.add_argument("--check-workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    parser.add_argument("extra", nargs="*", help="more nok audit arguments (after --)")
    args = parser.parse_args()
    print(f"pages/site {'' if args.uniform else f'{max(1, args.pages // 4)}…'}{args.pages}, "
          f"per-domain delay {args.delay} s, latency {args.latency} s, check workers {args.check_workers}, "
          f"{os.cpu_count()} CPUs", flush=True)
    header = (f"{'N':>5} {'pages':>7} {'bound s':>8} {'wall s':>8} {'wall/bound':>10} {'sites/min':>10} "
              f"{'pages/s':>8} {'bare s':>7} {'check +%':>9} {'cpu +%':>7} {'PSS MB':>7} {'max proc':>8}")
    rows = []
    for n in args.sites:
        r = bench(n, args)
        rows.append(r)
        print(header if len(rows) == 1 else "", end="\n" if len(rows) == 1 else "")
        print(f"{r['n']:>5} {r['pages']:>7} {r['bound']:>8.1f} {r['wall']:>8.1f} {r['ratio']:>10.2f} "
              f"{r['sites_min']:>10.1f} {r['pages_s']:>8.1f} {r['bare_wall']:>7.1f} {100 * r['overhead']:>8.1f}% "
              f"{100 * r['cpu_overhead']:>6.0f}% {r['tree_mb']:>7.0f} {r['proc_mb']:>8.0f}", flush=True)
        if r["checked"] != n:
            print(f"  warning: {n - r['checked']} sites not fully checked", flush=True)


if __name__ == "__main__":
    main()
