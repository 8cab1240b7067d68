"""`decisionaid evidence` and `decisionaid pool`: the trials and pooled estimates, and pooling a CSV of trials.

Neither loads Qt (tests/test_layering.py checks it): the domain modules are imported inside the handlers.
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


def add_parsers(sub) -> None:
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
