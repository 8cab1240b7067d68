"""`decisionaid handout` and `decisionaid record`: PDFs from the terminal, owner-only, clear errors."""

from __future__ import annotations

import stat

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.handout.wording import WordingError, load_wording
from decisionaid.sessions.store import SessionStore

from handout_data import PATIENT, record
from pdf_text import reader, squash, text


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        sid = store.create(record(), "Dr Łukasz Nowak")
    yield folder, sid
    paths.set_data_dir(None)


def test_generic_and_large_print_handouts(tmp_path, capsys):
    out = tmp_path / "handout.pdf"
    assert main(["handout", "--out", str(out)]) == 0
    assert "off-label" in text(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    big = tmp_path / "big.pdf"
    assert main(["handout", "--out", str(big), "--large-print"]) == 0
    assert len(reader(big.read_bytes()).pages) > len(reader(out.read_bytes()).pages)
    assert "(large print)" in reader(big.read_bytes()).metadata.title


def test_handout_and_record_for_a_stored_session(data_dir, tmp_path):
    folder, sid = data_dir
    h, r = tmp_path / "h.pdf", tmp_path / "r.pdf"
    assert main(["--data-dir", str(folder), "handout", "--session", str(sid), "--out", str(h)]) == 0
    assert main(["--data-dir", str(folder), "record", "--session", str(sid), "--out", str(r)]) == 0
    assert squash(PATIENT) in squash(text(h.read_bytes()))
    body = squash(text(r.read_bytes()))
    assert squash(PATIENT) in body and squash("Revision history") in body


def test_unknown_session_and_unwritable_target_are_one_line_errors(data_dir, tmp_path, capsys):
    folder, _ = data_dir
    assert main(["--data-dir", str(folder), "record", "--session", "999", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "no session 999" in capsys.readouterr().err
    assert main(["handout", "--out", str(tmp_path / "missing" / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_record_needs_a_session(capsys):
    with pytest.raises(SystemExit):
        main(["record", "--out", "x.pdf"])


def test_a_broken_wording_file_names_file_field_and_problem(tmp_path):
    raw = load_wording().path.read_text(encoding="utf-8")
    bad = tmp_path / "handout.json"
    bad.write_text(raw.replace("{response_botox}", "{response_botx}", 1), encoding="utf-8")
    with pytest.raises(WordingError, match=r"handout.json, field sections\[2\].*unknown placeholder \{response_botx\}"):
        load_wording(bad)
    bad.write_text(raw.replace('"Incomplete":', '"Unfinished":'), encoding="utf-8")
    with pytest.raises(WordingError, match="visit.status"):
        load_wording(bad)
    bad.write_text(raw.replace('"kind": "harms",', '"kind": "harm",'), encoding="utf-8")
    with pytest.raises(WordingError, match="sections"):
        load_wording(bad)
