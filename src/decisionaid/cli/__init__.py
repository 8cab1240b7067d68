"""Command line: with no command it opens the window; the headless commands share the domain code.

One module per command group: cli/evidence.py (evidence, pool), cli/sessions.py (sessions ...), cli/handoff.py
(sessions note, FHIR export), cli/followup.py (sessions followup ...), cli/pdf.py (handout, record); cli/common.py
holds what they share. Imports of the domain are deferred into each command so `decisionaid` with no arguments
reaches the window fast, and `decisionaid evidence` never loads Qt.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from decisionaid.cli.common import DataDirError, check_data_dir, guard_output, no_log_on_stderr

if TYPE_CHECKING:  # the window's start (no arguments) builds no parser: argparse and the commands load only here
    import argparse


def _cmd_screenshot(args: argparse.Namespace) -> int:
    from decisionaid.app import run

    try:
        guard_output(args.out)
    except DataDirError as exc:
        print(f"decisionaid screenshot: {exc}", file=sys.stderr)
        return 2
    return run(screenshot=args.out, screen=args.screen)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from decisionaid.cli import evidence, pdf, sessions

    parser = argparse.ArgumentParser(
        prog="decisionaid",
        description="Decision aid for glabellar botulinum toxin A (Botox) in depression (off-label). "
                    "With no command, opens the window.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation headlessly (content, pooling, storage, handout, window); "
                             "uses a temporary folder, never your data; exit 0 if all is well")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep consultation records in DIR (default: DECISIONAID_DATA_DIR or the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    evidence.add_parsers(sub)
    sh = sub.add_parser("screenshot", help="save a picture of the main window (for documentation)")
    sh.add_argument("out", help="PNG file to write")
    sh.add_argument("--screen", choices=("Evidence", "Options", "Caveats", "Consultation", "Sessions",
                                         "patient-team", "patient-options", "patient-decision"),
                    default="Evidence")
    sh.set_defaults(handler=_cmd_screenshot)
    sessions.add_parser(sub)
    pdf.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):  # the window: no parser to build (about 12 ms at start-up)
        return _open_window(data_dir=None)
    args = build_parser().parse_args(argv)
    if args.version:
        from decisionaid import __version__

        print(f"decisionaid {__version__}")
        return 0
    if args.self_test:
        from decisionaid.selftest import run as self_test

        return self_test()
    if args.data_dir:
        from decisionaid import paths

        paths.set_data_dir(args.data_dir)
    if args.command is None:
        return _open_window(args.data_dir)
    no_log_on_stderr()
    return args.handler(args)


def _open_window(data_dir: str | None) -> int:
    import os

    from decisionaid import paths
    from decisionaid.app import run

    if data_dir or os.environ.get(paths.ENV_VAR):  # a folder chosen by hand: one line if it cannot be one
        try:                                       # (a read-only folder opens, and says so)
            check_data_dir(strict=False)
        except DataDirError as exc:
            print(f"decisionaid: {exc}", file=sys.stderr)
            return 2
    return run()
