"""The Consultation screen as a clinician uses it: answers change the status and its reasons at once,
typing is autosaved, a failed save keeps the text on screen, and a session survives a restart.

Expected statuses come from the checklist rules (``assess``) and the bundled checklist data, never from
strings copied off the screen.
"""

from __future__ import annotations

import sqlite3

import pytest

from decisionaid import paths
from decisionaid.checklist.assessment import Status, assess
from decisionaid.checklist.items import load_checklist
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.consultation_view import AUTOSAVE_MS
from window import open_window  # noqa: E402  tests/window.py

HOSTILE = "<b>Smith</b> & Co &amp; \u05e9\u05dc\u05d5\u05dd \U0001F600 e\u0301 \x07"


@pytest.fixture(scope="module")
def checklist():
    return load_checklist()


def consultation(qtbot):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    return w, w.screen("Consultation")


def click_answer(view, item_id: str, value: str) -> None:
    view.form.answer_widget(item_id).buttons[value].click()


def benign_answers(checklist) -> dict[str, str]:
    """For every item, an answer that raises no flag (what a patient with no concerns would give)."""
    answers = {}
    for section in checklist.sections:
        for item in section.items:
            if item.answer_type == "text":
                answers[item.id] = "none"
                continue
            from decisionaid.ui.checklist_form import answer_options

            values = [v for v, _ in answer_options(item) if v not in item.flag_when and v != "unsure"]
            answers[item.id] = values[0]
    return answers


def fill(view, answers: dict[str, str]) -> None:
    for item_id, value in answers.items():
        widget = view.form.answer_widget(item_id)
        if widget.text is not None:
            widget.text.setText(value)
        else:
            widget.buttons[value].click()


def first_item(checklist, severity: str, crisis: bool | None = None):
    for section in checklist.sections:
        for item in section.items:
            if item.severity == severity and item.flag_when and (crisis is None or getattr(item, "crisis", False) == crisis):
                return item
    raise AssertionError(f"no {severity} item in the checklist")


def test_empty_session_is_incomplete_and_names_what_is_left(qtbot, data_dir, checklist):
    _w, view = consultation(qtbot)
    expected = assess(checklist, {}, view.phq9.phq9())
    assert expected.status == Status.INCOMPLETE
    assert view.status.title.text() == Status.INCOMPLETE.value
    missing_text = view.status.missing.text()
    assert expected.missing[0] in missing_text  # the next question to ask, in full
    assert f"Still to answer ({len(expected.missing)})" in missing_text
    assert len(missing_text.splitlines()) <= 6  # a few lines, not every one of the questions
    assert expected.missing[5] not in missing_text
    assert not view.status.crisis.isVisible()


def test_red_flag_stops_and_shows_crisis_pathway(qtbot, data_dir, checklist):
    _w, view = consultation(qtbot)
    fill(view, benign_answers(checklist))
    assert view.status.title.text() == Status.NO_CONCERNS.value
    stop = first_item(checklist, "stop", crisis=True)
    click_answer(view, stop.id, stop.flag_when[0])
    assert view.status.title.text() == Status.NOT_CANDIDATE.value
    assert view.status.crisis.isVisible()
    shown = view.status.crisis.text()
    assert checklist.crisis.clinician_guidance in shown and checklist.crisis.clinician_handout_line in shown
    # the clinician reads guidance for clinicians; the patient's crisis lines are on the patient's handout
    assert view.settings.crisis_text.splitlines()[0] not in shown and "988" not in shown
    reasons = assess(checklist, view.form.answers(), view.phq9.phq9()).reasons
    assert any(r.item_id == stop.id for r in reasons)
    assert [r.text for r in reasons][0] in view.status.reasons.text()


def test_phq9_item_9_above_zero_is_a_safety_stop(qtbot, data_dir, checklist):
    _w, view = consultation(qtbot)
    fill(view, benign_answers(checklist))
    view.phq9.items[8].setValue(1)
    assert view.status.title.text() == Status.NOT_CANDIDATE.value
    assert view.status.crisis.isVisible()
    view.phq9.items[8].setValue(0)
    assert not view.status.crisis.isVisible()


def test_caution_without_stop_gives_candidate_with_cautions(qtbot, data_dir, checklist):
    _w, view = consultation(qtbot)
    fill(view, benign_answers(checklist))
    caution = first_item(checklist, "caution")
    click_answer(view, caution.id, caution.flag_when[0])
    assert view.status.title.text() == Status.CAUTIONS.value
    assert not view.status.crisis.isVisible()


def test_typing_is_autosaved_and_found_after_restart(qtbot, data_dir, checklist):
    w, view = consultation(qtbot)
    view.patient.setText("RN-1234")
    view.notes.setPlainText("Patient worried about eyelid droop before a wedding.")
    qtbot.waitUntil(lambda: not view.dirty, timeout=AUTOSAVE_MS * 4)
    sid = view.session_id
    assert sid is not None
    w.close()

    w2 = open_window(qtbot)
    w2.show_screen("Sessions")
    sessions = w2.screen("Sessions")
    sessions.search.setText("wedding")
    qtbot.waitUntil(lambda: sessions.model.rowCount() == 1, timeout=3000)
    assert sessions.model.session_at(0).patient_ref == "RN-1234"


def test_save_amend_and_history(qtbot, data_dir, checklist, monkeypatch):
    from PySide6.QtWidgets import QInputDialog
    from decisionaid.ui.sessions_view import HistoryDialog

    w, view = consultation(qtbot)
    view.patient.setText("P-77")
    view.notes.setPlainText("first version")
    assert view.save()
    sid = view.session_id
    w.open_session(sid)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert view.mode == "readonly" and view.notes.isReadOnly()
    view.amend_button.click()
    view.notes.setPlainText("second version")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("PHQ-9 corrected", True)))
    assert view.save()
    history = w.store().history(sid)
    assert [r.kind for r in history][:2] == ["amend", "save"]
    assert history[0].reason == "PHQ-9 corrected" and "notes" in history[0].changes
    dialog = HistoryDialog(w.store(), sid)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=5000)  # read on the owner thread, shown by signal
    assert "PHQ-9 corrected" in dialog.revisions.item(0).text()
    dialog.revisions.setCurrentRow(1)
    assert "first version" in dialog.viewer.toPlainText()


def test_hostile_text_round_trips_through_the_screen_and_store(qtbot, data_dir):
    w, view = consultation(qtbot)
    big = ("Line with <img src=x> & \u202eRTL\u202c \U0001F9EA\n" * 20000)[:1_000_000]
    view.patient.setText(HOSTILE)
    view.notes.setPlainText(big)
    assert view.save()
    stored = w.store().get(view.session_id).record
    assert stored.patient_ref == HOSTILE.strip()
    assert stored.notes == view.notes.toPlainText()
    w.open_session(view.session_id)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert view.notes.toPlainText() == stored.notes
    assert view.patient.text() == HOSTILE.strip()


def test_locked_database_keeps_text_and_retries(qtbot, data_dir):
    w, view = consultation(qtbot)
    view.patient.setText("LOCK-1")
    assert view.save()
    blocker = sqlite3.connect(paths.database_path(), timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        view.notes.setPlainText("typed while another program held the file")
        assert not view.autosave()
        assert view.error_banner.isVisible()
        assert "typed while another program" in view.notes.toPlainText()
        assert view.dirty
    finally:
        blocker.rollback()
        blocker.close()
    assert view.autosave()
    assert not view.error_banner.isVisible()
    assert w.store().get(view.session_id).draft.notes == "typed while another program held the file"


def test_closing_flushes_unsaved_typing(qtbot, data_dir):
    w, view = consultation(qtbot)
    view.patient.setText("CLOSE-1")
    view.notes.setPlainText("last words before closing")
    w.close()  # before the autosave timer fires
    store = SessionStore.open(paths.database_path())
    try:
        page = store.list_page(limit=5)
        assert page and page[0].patient_ref == "CLOSE-1"
        assert store.get(page[0].session_id).draft.notes == "last words before closing"
    finally:
        store.close()


def test_full_name_is_discouraged(qtbot, data_dir):
    _w, view = consultation(qtbot)
    view.patient.setText("Jane Smith")
    assert view.name_warning.isVisible()
    view.patient.setText("JS-42")
    assert not view.name_warning.isVisible()


def damage(path, table: str, offset: int = 8) -> None:
    """Overwrite part of `table`'s root page from `offset` (0: its type too), as a failing disk would (the WAL
    folded in first)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    finally:
        conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size + offset)
        f.write(b"\xff\x00\xee" * 300)


@pytest.mark.parametrize("with_backup", [True, False], ids=["backup restored", "no backup"])
def test_damage_found_by_the_background_check_keeps_the_typed_text(qtbot, data_dir, monkeypatch, with_backup):
    import threading

    from PySide6.QtWidgets import QMessageBox
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.sessions.store import QuickCheck

    path = paths.database_path()
    with SessionStore.open(path) as store:
        first = store.create(SessionRecord(patient_ref="FIRST-1", clinician="Dr Test", held_at="2026-03-14T09:30",
                                           notes="saved before the damage", status="Incomplete"), "Dr Test")
        if with_backup:
            store.automatic_backup()
    damage(path, "sessions_fts_data")  # autosaves never touch the search index's table: they go on working
    release = threading.Event()
    real_run = QuickCheck.run
    monkeypatch.setattr(QuickCheck, "run", lambda self: (release.wait(10), real_run(self))[1])  # a slow check
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.Yes)

    w, view = consultation(qtbot)  # the file opens at once; its check waits on a worker thread
    w.open_session(first)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    view.start_amend()
    view.notes.setPlainText("amended while the check ran")
    assert view.autosave()  # autosaves carry on into the file while it is being checked
    view.notes.setPlainText("amended while the check ran, and more")  # typed after the last autosave
    with qtbot.waitSignal(w.store_replaced, timeout=10000):
        release.set()
    assert "damaged" in shown[0]
    assert ("Restore the latest backup" in shown[0]) == with_backup
    assert view.notes.toPlainText() == "amended while the check ran, and more"
    assert view.error_banner.isVisible() and "Your text is still here" in view.error_banner.text()
    assert view.session_id is None and view.mode == "new" and view.dirty  # never written into the old session id
    moved = [p for p in data_dir.glob("sessions.sqlite3.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(moved) == 1
    qtbot.waitUntil(lambda: not view.dirty, timeout=AUTOSAVE_MS * 4)  # then saved as a new session
    assert not view.error_banner.isVisible()
    with SessionStore.open(path) as store:  # with quick_check: the file in place is sound
        assert store.get(view.session_id).record.notes == "amended while the check ran, and more"
        if with_backup:
            assert view.session_id != first and store.count() == 2
            kept = store.get(first)
            assert kept.draft is None and kept.record.notes == "saved before the damage"
        else:
            assert store.count() == 1


def test_damage_found_by_an_autosave_goes_through_the_same_flow(qtbot, data_dir, monkeypatch):
    import threading

    from PySide6.QtWidgets import QMessageBox
    from decisionaid.sessions.store import QuickCheck

    path = paths.database_path()
    SessionStore.open(path).close()  # no sessions yet, so no backup
    damage(path, "revisions", offset=0)
    release = threading.Event()
    real_run = QuickCheck.run
    monkeypatch.setattr(QuickCheck, "run", lambda self: (release.wait(10), real_run(self))[1])  # still running
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.Yes)
    try:
        w, view = consultation(qtbot)
        view.patient.setText("WRITE-1")
        view.notes.setPlainText("typed into a damaged file")
        assert not view.autosave()  # the write finds the damage: the file is moved aside, the text stays
        assert "damaged" in view.error_banner.text() and view.dirty
        with qtbot.waitSignal(w.store_replaced, timeout=10000):
            assert view.autosave()  # the retry: no backup, so a new empty file, and the text a new session in it
        assert not view.dirty and w.store().get(view.session_id).draft.notes == "typed into a damaged file"
        assert len([p for p in data_dir.glob("sessions.sqlite3.damaged-*") if p.suffix != ".sqlite3"]) >= 1
    finally:
        release.set()


def test_the_crisis_guidance_names_the_configured_emergency_number(qtbot, data_dir, checklist):
    w, view = consultation(qtbot)
    view.settings = type(view.settings)(emergency_number="112 or the Riverside crisis team 0123 456")
    click_answer(view, "safety_suicidal_thoughts", "yes")
    assert "Local emergency number: 112 or the Riverside crisis team 0123 456." in view.status.crisis.text()


def _inside_window(w, widget) -> bool:
    from PySide6.QtCore import QRect

    top_left = widget.mapTo(w, widget.rect().topLeft())
    return w.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size, points", [
    ((683, 384), None),    # 1366 x 768 at QT_SCALE_FACTOR=2
    ((1366, 768), 18.0),   # 1366 x 768 with text about twice the usual size
    ((1024, 600), 13.0)])  # a small laptop with large text
def test_the_crisis_box_stays_in_view_in_a_small_window_with_large_text(qtbot, data_dir, checklist, size, points):
    from PySide6.QtGui import QFont

    w, view = consultation(qtbot)
    if points:
        font = QFont(w.font())
        font.setPointSizeF(points)  # about twice the usual text size, as with QT_SCALE_FACTOR=2
        w.setFont(font)
    w.resize(*size)
    fill(view, benign_answers(checklist))
    view.phq9.items[8].setValue(2)
    box = view.status.crisis
    qtbot.waitUntil(box.isVisible)
    qtbot.wait(50)
    assert w.width() <= size[0] and w.height() <= size[1]  # the window did not grow past the screen
    assert _inside_window(w, box)  # wholly on screen, above the scrolling form: not scrolled away
    assert box.height() >= box.layout().totalHeightForWidth(box.width())  # no line clipped
    assert not box.visibleRegion().isEmpty()
    assert _inside_window(w, view.status.title)


def test_the_window_never_opens_larger_than_the_screen(qtbot, data_dir):
    w = open_window(qtbot)
    room = w.screen("Consultation").screen().availableGeometry()
    assert w.width() <= room.width() and w.height() <= room.height()


def test_phq9_items_show_the_questionnaire_wording_and_its_permission(qtbot, data_dir, checklist):
    _w, view = consultation(qtbot)
    texts = [t.text() for t in view.phq9.item_texts]
    assert texts[0] == f"1. {checklist.phq9.item_labels[0]}"
    assert texts[8].startswith("9. Thoughts that you would be better off dead")
    assert not any(t.endswith(("Item 1", "Item 2")) for t in texts)
    permission = view.phq9.findChild(type(view.phq9.item_texts[0]), "phq9Permission")
    assert "No permission required to reproduce" in permission.text()


def test_checklist_tooltips_cite_in_a_clinicians_words(qtbot, data_dir, checklist):
    from decisionaid.ui.checklist_form import item_tooltip

    _w, view = consultation(qtbot)
    for item in checklist.items:
        tip = view.form.question_labels[item.id].toolTip()
        assert tip and "Facts sheet" not in tip and "\u00a7" not in tip, item.id
        text = item_tooltip(item)
        assert "Reported in: " in text or "Based on: " in text or "Clinical judgement (not from a published source)" \
            in text, item.id
    assert "Clinical judgement (not from a published source)" in item_tooltip(checklist.item("ci_bleeding"))
    assert "Reported in: Health Quality Ontario" in item_tooltip(checklist.item("safety_suicidal_thoughts"))


@pytest.mark.parametrize("size, points", [((683, 384), None), ((1366, 768), 18.0)])
def test_every_screen_built_the_window_still_fits_a_small_screen(qtbot, data_dir, size, points):
    """Visiting Sessions (a row of filters, a row of eight buttons, the health-record buttons) must not make the window
    wider than a 1366 x 768 screen at 200 % text: the rows scroll sideways instead."""
    from PySide6.QtGui import QFont

    from decisionaid.ui.main_window import SCREENS

    w = open_window(qtbot)
    if points:
        font = QFont(w.font())
        font.setPointSizeF(points)
        w.setFont(font)
    for name in SCREENS:
        w.show_screen(name)
        qtbot.wait(10)
    w.resize(*size)
    qtbot.wait(50)
    assert w.width() <= size[0] and w.height() <= size[1], (w.width(), w.height())
    assert w.minimumSizeHint().width() <= size[0]
