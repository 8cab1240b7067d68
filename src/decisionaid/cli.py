"""Command line: with no command it opens the window; the headless commands share the domain code.

Imports are deferred into each command so `decisionaid` with no arguments reaches the window fast.
"""

from __future__ import annotations

import argparse
import json
import sys



def _cmd_pool(args: argparse.Namespace) -> int:
    from decisionaid.evidence.pooling import PoolingError, pool, result_to_dict, result_to_text
    from decisionaid.evidence.trials_csv import TrialsFileError, read_trials_csv

    try:
        studies = read_trials_csv(args.file)
        result = pool(studies, measure=args.measure, method=args.method)
    except (TrialsFileError, PoolingError) as exc:
        print(f"decisionaid pool: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result_to_dict(result), indent=2) if args.json else result_to_text(result))
    return 0


def _cmd_evidence(args: argparse.Namespace) -> int:
    from decisionaid.evidence.pack import PackError, load_pack
    from decisionaid.evidence.summary import summary_to_dict, summary_to_text, summarise

    try:
        summary = summarise(load_pack())
    except PackError as exc:
        print(f"decisionaid evidence: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary_to_dict(summary), indent=2, ensure_ascii=False) if args.json
          else summary_to_text(summary))
    return 0


def _cmd_screenshot(args: argparse.Namespace) -> int:
    from decisionaid.app import run

    return run(screenshot=args.out, screen=args.screen)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decisionaid",
        description="Decision aid for glabellar botulinum toxin A (Botox) in depression (off-label). "
                    "With no command, opens the window.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ev = sub.add_parser("evidence", help="print the trials, pooled estimates and certainty")
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.set_defaults(handler=_cmd_evidence)

    po = sub.add_parser("pool", help="pool a CSV of two-arm trials (risk or odds ratio)",
                        description="Pool trials from a CSV with the header "
                                    "study,events_treatment,total_treatment,events_control,total_control")
    po.add_argument("file", help="CSV file of trials")
    po.add_argument("--measure", choices=("rr", "or"), default="rr", help="risk ratio or odds ratio (default rr)")
    po.add_argument("--method", choices=("dl", "fixed"), default="dl",
                    help="DerSimonian-Laird random effects or inverse-variance fixed effect (default dl)")
    po.add_argument("--json", action="store_true", help="machine-readable output")
    po.set_defaults(handler=_cmd_pool)
    sh = sub.add_parser("screenshot", help="save a picture of the main window (for documentation)")
    sh.add_argument("out", help="PNG file to write")
    sh.add_argument("--screen", choices=("Evidence", "Options", "Caveats"), default="Evidence")
    sh.set_defaults(handler=_cmd_screenshot)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        from decisionaid import __version__

        print(f"decisionaid {__version__}")
        return 0
    if args.command is None:
        from decisionaid.app import run

        return run()
    return args.handler(args)
