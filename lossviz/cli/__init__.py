"""The command-line tools: ``python -m lossviz COMMAND ...``.

Each command is a module of this package with ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int`` (the exit code). The CLI sits beside the pages, above analysis: it never imports Streamlit
or Plotly. Bad input prints one clear line on stderr and exits with 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys


def _commands() -> dict[str, object]:
    mods = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            mods[info.name] = importlib.import_module(f"{__name__}.{info.name}")
    return mods


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lossviz", description="lossviz command-line tools")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, mod in _commands().items():
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
