"""Sessions store timings: autosave against a raw INSERT+COMMIT with the same durability, and first pages.

    .venv/bin/python benchmarks/bench_sessions.py [--runs N] [--sessions N] [--dir DIR]

The autosave target is <= 2x the raw insert (both WAL + synchronous=FULL, one fsync each). The listing part
fills a file with --sessions consultations, then times the first page, a page deep in the list, filtered pages,
a search and a count. Use --dir to measure on the disk the clinicians use (fsync cost differs a lot).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import tempfile
import time
from pathlib import Path

from decisionaid.sessions.connection import connect
from decisionaid.sessions.listing import Filters
from decisionaid.sessions.record import SessionRecord
from decisionaid.sessions.store import SessionStore

WORDS = "mood sleep appetite botox frown injection discussed risks benefits follow review partner work".split()


def record(rng: random.Random, i: int) -> SessionRecord:
    day = f"20{rng.randint(20, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 17):02d}:00"
    return SessionRecord(
        patient_ref=f"MRN-{i:06d}", clinician=rng.choice(["Dr Okafor", "Dr Lindqvist", "Dr Haddad"]), held_at=day,
        phq9_items=tuple(rng.randint(0, 3) for _ in range(9)), phq9_total=None,
        answers={f"item_{k}": rng.choice(["yes", "no", "unsure"]) for k in range(30)},
        notes=" ".join(rng.choice(WORDS) for _ in range(300)),
        decision=rng.choice(["proceed", "defer", "decline", "refer", None]), status="Candidate with cautions")


def ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_autosave(folder: Path, runs: int) -> None:
    """Raw inserts and autosaves alternate, so both see the same disk at the same moment."""
    rng = random.Random(1)
    store = SessionStore.open(folder / "autosave.sqlite3")
    rec = record(rng, 1)
    sid = store.create(rec, "Dr Okafor")
    raw = connect(folder / "raw.sqlite3")
    raw.isolation_level = None
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    payload = rec.to_json()

    def raw_insert():
        raw.execute("BEGIN")
        raw.execute("INSERT INTO t (payload) VALUES (?)", [payload])
        raw.execute("COMMIT")

    typed = iter(range(10**9))
    cases = {"raw": raw_insert, "same": lambda: store.autosave(sid, rec, "Dr Okafor"),
             "edited": lambda: store.autosave(sid, dataclasses.replace(rec, notes=f"{rec.notes} {next(typed)}"),
                                              "Dr Okafor")}
    times = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            times[name].append(ms(fn, 1))
    base, same, edited = (statistics.median(times[name]) for name in cases)
    print(f"raw INSERT+COMMIT {base:.2f} ms; autosave {same:.2f} ms ({same / base:.2f}x), "
          f"autosave with edited notes {edited:.2f} ms ({edited / base:.2f}x)  [{len(payload)} byte record]")
    store.close()
    raw.close()


def bench_listing(folder: Path, n: int) -> None:
    rng = random.Random(2)
    store = SessionStore.open(folder / "many.sqlite3")
    start = time.perf_counter()
    with store.db.atomic():
        for i in range(n):
            store.create(record(rng, i), "Dr Okafor")
    print(f"filled {n} sessions in {time.perf_counter() - start:.1f} s; "
          f"file {(folder / 'many.sqlite3').stat().st_size / 1e6:.0f} MB")
    store.close()
    start = time.perf_counter()
    store = SessionStore.open(folder / "many.sqlite3")
    print(f"open (quick_check): {(time.perf_counter() - start) * 1000:.0f} ms")
    middle = store.list_page(limit=1, after=("2023-06-15T12:00", 0))[0].key
    cases = {
        "first page": lambda: store.list_page(),
        "page from the middle": lambda: store.list_page(after=middle),
        "first page, 2024 only": lambda: store.list_page(filters=Filters(date_from="2024-01-01",
                                                                         date_to="2024-12-31")),
        "first page, decision refer": lambda: store.list_page(filters=Filters(decisions=("refer",))),
        "first page, decisions proceed/none": lambda: store.list_page(filters=Filters(decisions=("proceed", None))),
        "search 'MRN-00012'": lambda: store.search("MRN-00012"),
        "search 'botox partner' (matches most)": lambda: store.search("botox partner"),
        "count all": lambda: store.count(),
    }
    for name, fn in cases.items():
        print(f"{name}: {ms(fn, 5):.1f} ms")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        bench_autosave(Path(tmp), args.runs)
        if args.sessions:
            bench_listing(Path(tmp), args.sessions)


if __name__ == "__main__":
    main()
