"""`nok`: the command line. Each subcommand lives in its own module with `register(subparsers)`."""
from __future__ import annotations

import argparse
import importlib
import sys

from nok import __version__
from nok.errors import UserError

# modules under nok/ that define subcommands; each has register(subparsers) -> None and sets
# `func` on its parser (func(args) -> int exit code)
COMMAND_MODULES = [
    "check",
    "demo",
    "score",
    "template",
    "evaluate",
    "audit",
    "recheck",
    "diff",
    "demo_farm",
]


class RussianArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages are English; frame them
        self.print_usage(sys.stderr)
        self.exit(2, f"Ошибка в параметрах команды: {message}\nСправка: {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = RussianArgumentParser(
        prog="nok",
        description="Аудит открытости сайтов организаций социальной сферы для НОК "
        "(442-ФЗ ст. 13, приказы Минтруда 886н, 344н).",
    )
    parser.add_argument("--version", action="version", version=f"nok {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА", parser_class=RussianArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"nok.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except UserError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nПрервано пользователем.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
