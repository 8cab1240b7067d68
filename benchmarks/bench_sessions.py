"""The sessions store against raw SQLite on the same file, in one run: listing, search, the UI's first page,
autosave and open, over 1,000,000 generated sessions.

    .venv/bin/python benchmarks/bench_sessions.py [--sessions N] [--runs N] [--dir DIR] [--quick]

The store file is generated once through the real SessionStore API and cached in --dir (default
~/.cache/decisionaid-bench; name carries schema and generator versions). Each line times a store call and its raw
counterpart alternately (median of --runs), checks that both return the same sessions in the same order, and prints
the ratio. Targets: every ratio <= 2x; the list's first page and the UI's first page <= 50 ms. Use --dir to measure
on the disk the clinicians use (fsync cost differs a lot). --quick: 20,000 sessions, a smoke run.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from decisionaid.checklist.assessment import assess  # noqa: E402
from decisionaid.checklist.items import load_checklist  # noqa: E402
from decisionaid.checklist.phq9 import Phq9  # noqa: E402
from decisionaid.sessions import schema  # noqa: E402
from decisionaid.sessions.connection import connect  # noqa: E402
from decisionaid.sessions.listing import Filters, fts_query  # noqa: E402
from decisionaid.sessions.record import SessionRecord  # noqa: E402
from decisionaid.sessions.store import SessionStore  # noqa: E402

GENERATOR = 1  # bump whenever the generated records change, so a stale cached file is not reused
BATCH = 10_000
# Words of consultation notes, most frequent first (drawn with Zipf weights: the first ~20 appear in most notes).
WORDS = """patient discussed the and with to of reports mood sleep treatment botox injection today risks benefits
    she he partner work low plan follow review weeks months frown lines symptoms anxiety depression current
    medication sertraline dose effect side effects explained evidence trial small off label agreed wants think
    about time family support history previous therapy counselling improved worse stable appetite energy
    concentration motivation interest tearful irritable headaches bruising ptosis eyebrow muscle corrugator
    procerus units repeat every three four cost private pay understands questions answered leaflet given read
    decision defer until next visit gp letter referral psychiatry psychology team crisis plan safety no thoughts
    self harm denies alcohol drinks weekly smoking stopped exercise walking runs gym diet weight stable bmi
    pregnancy test negative contraception breastfeeding allergy none known bleeding warfarin aspirin clopidogrel
    neuromuscular myasthenia aminoglycoside antibiotics infection site clear skin expression matters values
    injections needles nervous fainted before vasovagal lay down husband wife daughter son mother father carer
    job unemployed student retired shift night lonely isolated bereavement grief divorce stress debt housing
    insomnia early waking nightmares fatigue exhausted slowed agitated restless hopeless guilty worthless
    escitalopram fluoxetine mirtazapine venlafaxine duloxetine citalopram bupropion lithium quetiapine
    aripiprazole cbt ipt mindfulness waitlist declined accepted proceed booked consent signed photographs taken
    baseline phq9 repeated scores improved dropped rose unchanged""".split()
DECISIONS = (("proceed", 30), ("defer", 20), ("decline", 15), ("refer", 10), (None, 25))
CLINICIANS = [f"Dr {name}" for name in """Okafor Lindqvist Haddad Moreau Tanaka Novak Osei Fischer Rossi Kowalski
    Nguyen Silva Murphy Jansen Costa Dubois Petrov Ahmed Larsen Schmidt Garcia Ito Mensah Horvat Kaur""".split()]


def rare_words() -> list[str]:
    """2,000 made-up names (a place, a drug, a surname); one note in ten holds one, ~50 notes each per million."""
    rng = random.Random(GENERATOR)
    syllables = "ka lo ve ri tan mo zel du pra shi gor fen ba lun tio mar quo res wen dal".split()
    words = {"".join(rng.choice(syllables) for _ in range(4)) + "x" for _ in range(3000)}
    return sorted(words)[:2000]


RARE = rare_words()
TERMS = {"rare": RARE[7], "medium": "insomnia", "common": "discussed"}


class Generator:
    def __init__(self, n: int):
        self.rng, self.n = random.Random(GENERATOR), n
        self.checklist = load_checklist()
        self.cum = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))
        self.start = datetime(2020, 1, 1, 8)

    def answer(self, item) -> str | None:
        rng, allowed = self.rng, item.allowed_answers()
        if allowed is None:  # free text
            return " ".join(rng.choices(WORDS, k=rng.randint(3, 12))) if rng.random() < 0.2 else None
        if item.answer_type == "discussed":
            return "discussed" if rng.random() < 0.85 else "not yet"
        if item.id.startswith(("safety_", "ci_")):
            return rng.choices(allowed, weights=(4, 90, 6)[:len(allowed)] if len(allowed) == 3 else (3, 97))[0]
        if item.id.startswith("sure_"):
            return "yes" if rng.random() < 0.85 else "no"
        return rng.choice(allowed)

    def notes(self) -> str:
        words = self.rng.choices(WORDS, cum_weights=self.cum, k=self.rng.randint(40, 80))
        if self.rng.random() < 0.1:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(RARE))
        sentences = [" ".join(words[i:i + 10]) for i in range(0, len(words), 10)]
        return ". ".join(s.capitalize() for s in sentences) + "."

    def record(self, i: int) -> SessionRecord:
        rng = self.rng
        when = self.start + timedelta(days=6 * 365 * i / self.n - (rng.random() * 20 if rng.random() < 0.1 else 0))
        when = when.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 15, 30, 45)))
        items = self.checklist.items
        answered = items if rng.random() < 0.85 else items[:rng.randrange(len(items))]
        answers = {item.id: value for item in answered if (value := self.answer(item)) is not None}
        phq9_items, phq9_total = None, None
        if (kind := rng.random()) < 0.7:
            phq9_items = tuple(rng.choices(range(4), (30, 35, 25, 10))[0] for _ in range(8)) + (
                0 if rng.random() < 0.95 else 1,)
        elif kind < 0.9:
            phq9_total = rng.randint(3, 24)
        decision = rng.choices([d for d, _ in DECISIONS], [w for _, w in DECISIONS])[0]
        follow_up = (when + timedelta(weeks=rng.randint(2, 12))).date().isoformat() if decision in (
            "proceed", "defer") else None
        status = assess(self.checklist, answers, Phq9(phq9_items, phq9_total)).status.value
        return SessionRecord(patient_ref=f"MRN-{rng.randrange(self.n // 3 + 1):07d}", clinician=rng.choice(CLINICIANS),
                             held_at=when.strftime("%Y-%m-%dT%H:%M"), phq9_items=phq9_items, phq9_total=phq9_total,
                             answers=answers, notes=self.notes(), decision=decision, follow_up=follow_up,
                             status=status)


def generate(path: Path, n: int) -> None:
    """Fill through the real API: most sessions saved once; some never-saved drafts, later drafts and amendments."""
    gen, partial = Generator(n), path.with_name(path.name + ".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    store = SessionStore.open(partial, backup_dir=path.parent / "backups")
    start = time.perf_counter()
    for first in range(0, n, BATCH):
        with store.db.atomic():
            for i in range(first, min(first + BATCH, n)):
                rec, roll = gen.record(i), gen.rng.random()
                sid = store.create(rec, rec.clinician, kind="autosave" if roll < 0.02 else "save")
                if roll > 0.97:
                    store.autosave(sid, dataclasses.replace(rec, notes=rec.notes + " Unsaved addition."), rec.clinician)
                elif roll > 0.95:
                    store.amend(sid, dataclasses.replace(rec, decision="defer"), rec.clinician, "Patient changed mind")
        print(f"\r  generated {min(first + BATCH, n):,} / {n:,} sessions", end="", flush=True)
    store.close()
    store = SessionStore.open(partial, backup_dir=path.parent / "backups")  # indexes the never-saved drafts
    store.close()
    partial.rename(path)
    print(f"\nfilled {n:,} sessions in {time.perf_counter() - start:.0f} s")


def _timed_ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


RESULTS: list[tuple[str, float, float, str]] = []


def pair(name: str, store_fn, raw_fn, runs: int, same=None, limit_ms: float | None = None, info=False,
         before=lambda: None) -> None:
    """Time store_fn and raw_fn alternately (order swapped every run) after one warm-up call each; `same(result)`
    gives the store's session ids, which must equal the first column of the raw rows. `before` runs before each."""
    timed_ms = lambda fn: before() or _timed_ms(fn)  # noqa: E731
    got, want = store_fn(), raw_fn()
    if same is not None:
        assert same(got) == [row[0] for row in want], f"{name}: the store and the raw query disagree"
    store_ms, raw_ms = [], []
    for run in range(runs):
        if run % 2:
            raw_ms.append(timed_ms(raw_fn))
        store_ms.append(timed_ms(store_fn))
        if not run % 2:
            raw_ms.append(timed_ms(raw_fn))
    s, r = statistics.median(store_ms), statistics.median(raw_ms)
    target = "none, for information" if info else "≤ 2x" + (f", ≤ {limit_ms:.0f} ms" if limit_ms else "")
    verdict = "info" if info else "met" if s <= 2 * r and s <= (limit_ms or s) else "MISSED"
    print(f"{name}: store {s:.2f} ms, raw {r:.2f} ms, ratio {s / r:.2f}x (target {target}) {verdict}", flush=True)
    RESULTS.append((name, s, r, verdict))


def evict(path: Path) -> None:
    """Drop the file's pages from the OS cache (Linux; the file must be closed, so nothing is dirty)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def ids(summaries) -> list[int]:
    return [s.session_id for s in summaries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--dir", type=Path, default=Path.home() / ".cache" / "decisionaid-bench")
    parser.add_argument("--quick", action="store_true", help="20,000 sessions and 7 runs: a smoke run")
    args = parser.parse_args()
    n, runs = (20_000, 7) if args.quick else (args.sessions, args.runs)
    args.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = args.dir / f"sessions-schema{schema.CURRENT}-gen{GENERATOR}-{n}.sqlite3"
    if path.exists():
        print(f"using the cached store generated earlier (delete it to regenerate)")
    else:
        generate(path, n)
    print(f"store: {path}, {path.stat().st_size / 1e9:.2f} GB, {n:,} sessions")

    def raw_open():
        conn = connect(path)
        conn.execute("SELECT 1").fetchone()
        conn.close()

    pair("open (quick_check) vs connect + SELECT 1", lambda: SessionStore.open(path, args.dir / "backups").close(),
         raw_open, max(3, runs // 4), info=True)
    if hasattr(os, "posix_fadvise"):  # as after a reboot: the file is read from disk
        pair("open, file not in the OS cache", lambda: SessionStore.open(path, args.dir / "backups").close(),
             raw_open, 3, info=True, before=lambda: evict(path))
    store, raw = SessionStore.open(path, args.dir / "backups"), connect(path)
    q = raw.execute

    cols = ("s.id, s.patient_ref, s.clinician, s.held_at, s.decision, s.status, s.follow_up, "
            "s.draft_revision IS NOT NULL, s.updated_at")
    order = "ORDER BY s.held_at DESC, s.id DESC LIMIT"
    pair("first page", lambda: store.list_page(), lambda: q(f"SELECT {cols} FROM sessions s {order} 50").fetchall(),
         runs, ids, limit_ms=50)
    middle = q(f"SELECT held_at, id FROM sessions s {order} 1 OFFSET ?", [n // 2]).fetchone()
    pair("page in the middle (keyset)", lambda: store.list_page(after=tuple(middle)),
         lambda: q(f"SELECT {cols} FROM sessions s WHERE (s.held_at, s.id) < (?, ?) {order} 50", middle).fetchall(),
         runs, ids)
    pair("first page, 2023 only", lambda: store.list_page(filters=Filters("2023-01-01", "2023-12-31")),
         lambda: q(f"SELECT {cols} FROM sessions s WHERE s.held_at >= '2023-01-01' AND s.held_at < '2024-01-01' "
                   f"{order} 50").fetchall(), runs, ids)
    pair("first page, decision refer", lambda: store.list_page(filters=Filters(decisions=("refer",))),
         lambda: q(f"SELECT {cols} FROM sessions s WHERE s.decision = 'refer' {order} 50").fetchall(), runs, ids)
    pair("first page, no decision yet", lambda: store.list_page(filters=Filters(decisions=(None,))),
         lambda: q(f"SELECT {cols} FROM sessions s WHERE s.decision IS NULL {order} 50").fetchall(), runs, ids)

    for kind, term in TERMS.items():
        matches = q("SELECT count(*) FROM sessions_fts WHERE sessions_fts MATCH ?", [fts_query(term)]).fetchone()[0]
        pair(f"search {kind} '{term}' ({matches:,} matches)", lambda: store.search(term),
             lambda: q(f"SELECT {cols} FROM sessions_fts f JOIN sessions s ON s.id = f.rowid "
                       f"WHERE sessions_fts MATCH ? {order} 50", [fts_query(term)]).fetchall(), runs, ids)

    from PySide6.QtWidgets import QApplication
    from decisionaid.ui.session_list_model import PAGE, SessionListModel

    app, model = QApplication.instance() or QApplication([]), SessionListModel()  # noqa: F841
    shown = lambda: [model.session_at(row) for row in range(model.rowCount())]  # noqa: E731
    pair(f"UI first page ({PAGE} rows)", lambda: model.set_query(store, ""),
         lambda: q(f"SELECT {cols} FROM sessions s {order} {PAGE}").fetchall(), runs, lambda _: ids(shown()),
         limit_ms=50)

    bench_autosave(store, args.dir, runs * 5)
    store.close()
    raw.close()
    summary()


def bench_autosave(store: SessionStore, folder: Path, runs: int) -> None:
    """Autosave an edited note into the newest session of the big file vs INSERT+COMMIT of the same payload into a
    WAL + synchronous=FULL table in a file beside it. The session is saved afterwards, so the draft is not left."""
    newest = store.list_page(limit=1)[0].session_id
    rec = store.get(newest).record
    raw_path = folder / "raw-insert.sqlite3"
    for leftover in folder.glob(raw_path.name + "*"):
        leftover.unlink()
    raw = connect(raw_path)
    raw.isolation_level = None
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    typed = iter(range(10**9))
    edited = lambda: dataclasses.replace(rec, notes=f"{rec.notes} {next(typed)}")  # noqa: E731

    def raw_insert():
        payload = edited().to_json()  # the store builds its payload too
        raw.execute("BEGIN")
        raw.execute("INSERT INTO t (payload) VALUES (?)", [payload])
        raw.execute("COMMIT")

    pair("autosave (edited notes)", lambda: store.autosave(newest, edited(), rec.clinician), raw_insert, runs)
    store.save(newest, rec, rec.clinician)
    raw.close()
    for leftover in folder.glob(raw_path.name + "*"):
        leftover.unlink()


def summary() -> None:
    print(f"\n{'benchmark':<52} {'store ms':>10} {'raw ms':>9} {'ratio':>7}  target")
    for name, s, r, ok in RESULTS:
        print(f"{name:<52} {s:>10.2f} {r:>9.2f} {s / r:>6.2f}x  {ok}")


if __name__ == "__main__":
    main()
