"""Print, save as PDF and preview, driven through the real window: the Consultation buttons, the File menu and the
Sessions screen, with real SQLite files. PDFs are read back with pypdf.

The file dialog and the print dialog are the only things replaced: `QFileDialog.getSaveFileName` returns a path
under tmp_path, and `QPrintDialog.exec` accepts at once with the printer set to write a PDF file.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog

from decisionaid import paths
from decisionaid.handout.wording import load_wording
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.main_window import MainWindow
from decisionaid.handout.print_job import HANDOUT, RECORD, Document, Subject

from pdf_text import reader, squash, text
from window import open_window  # noqa: E402  tests/window.py

PATIENT = "<Smith> & Co \u4e2d\u6587"
WORDING = load_wording()
TODAY = dt.date.today().isoformat()
BUILD_MS = 20000  # a build takes about half a second; generous for a loaded CI machine


@pytest.fixture
def save_dialog(monkeypatch):
    """Answer the save dialog with `answer["path"]`; what it was asked is kept in `answer`."""
    answer: dict = {}

    def fake(parent, caption, start, filters):
        answer.update(caption=caption, start=start, filters=filters)
        return str(answer["path"]), "PDF (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return answer


@pytest.fixture
def print_dialog(monkeypatch):
    """Accept the print dialog at once; `choose(printer)` (if set) plays the part of the clinician."""
    from PySide6.QtPrintSupport import QPrintDialog

    seen: dict = {"count": 0, "choose": None}

    def fake_exec(dialog):
        seen["count"] += 1
        seen["max"] = dialog.maxPage()
        if seen["choose"]:
            seen["choose"](dialog.printer())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    return seen


def consultation(qtbot):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    return w, w.screen("Consultation")


def pdf_printer(w: MainWindow, path: Path):
    from PySide6.QtPrintSupport import QPrinter

    printer = w.printing._printer()
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def wait_idle(qtbot, w: MainWindow, timeout: int = BUILD_MS) -> None:
    qtbot.waitUntil(lambda: not w.printing.busy, timeout=timeout)


def flat(data: bytes) -> str:
    return " ".join(text(data).split())


def test_save_handout_for_the_consultation_on_screen(qtbot, data_dir, tmp_path, save_dialog):
    w, view = consultation(qtbot)
    view.patient.setText(PATIENT)  # typing non-ASCII with keyClicks aborts the process (STYLE.md)
    view.decision.setCurrentIndex(view.decision.findData("proceed"))
    out = save_dialog["path"] = tmp_path / "chosen.pdf"
    button = view.print_bar.save_handout
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert not button.isEnabled()  # built on a worker thread: the button waits for it
    wait_idle(qtbot, w)
    assert button.isEnabled()
    assert view.session_id is not None  # written first, so the handout is of a real (draft) session
    body = flat(out.read_bytes())
    assert squash(PATIENT) in squash(body)
    assert WORDING.visit["decision"]["proceed"]["text"] in body
    assert "off-label" in body
    assert out.stat().st_mode & 0o777 == 0o600
    start = Path(save_dialog["start"]).name
    assert start == f"handout-session-{view.session_id}-{TODAY}.pdf"
    assert "Smith" not in save_dialog["start"]
    assert "Saved the handout" in w.printing.last_message


def test_general_handout_when_nothing_is_typed_and_large_print(qtbot, data_dir, tmp_path, save_dialog):
    w, view = consultation(qtbot)
    view.print_bar.large_print.setChecked(True)
    assert w.printing.large_print.isChecked()  # the File menu's option follows the checkbox
    out = save_dialog["path"] = tmp_path / "general.pdf"
    w.print_current.save_handout.trigger()  # File > Save handout as PDF...
    wait_idle(qtbot, w)
    assert Path(save_dialog["start"]).name == f"handout-large-print-{TODAY}.pdf"
    assert view.session_id is None  # nothing was typed: no session is made for a general handout
    data = out.read_bytes()
    assert "off-label" in flat(data)
    assert WORDING.visit["decision_heading"] not in flat(data)  # no personal part
    assert "(large print)" in reader(data).metadata.title


def test_record_needs_a_session_and_is_a_draft_until_saved(qtbot, data_dir, tmp_path, save_dialog):
    w, view = consultation(qtbot)
    bar = view.print_bar
    for b in (bar.preview_record, bar.print_record, bar.save_record):
        assert not b.isEnabled()
        assert "session" in b.toolTip()
    for a in w.print_current.record_actions:
        assert not a.isEnabled() and "session" in a.toolTip()
    view.patient.setText(PATIENT)
    assert bar.save_record.isEnabled() and w.print_current.save_record.isEnabled()

    draft = save_dialog["path"] = tmp_path / "draft.pdf"
    qtbot.mouseClick(bar.save_record, Qt.LeftButton)
    wait_idle(qtbot, w)
    sid = view.session_id
    assert Path(save_dialog["start"]).name == f"record-session-{sid}-draft-{TODAY}.pdf"
    body = flat(draft.read_bytes())
    assert "Unsaved draft" in body and squash(PATIENT) in squash(body)

    assert view.save()
    saved = save_dialog["path"] = tmp_path / "saved.pdf"
    qtbot.mouseClick(bar.save_record, Qt.LeftButton)
    wait_idle(qtbot, w)
    assert Path(save_dialog["start"]).name == f"record-session-{sid}-{TODAY}.pdf"
    revision = w.store().get(sid).saved_revision_id
    assert f"Saved revision {revision}" in flat(saved.read_bytes())

    view.new_session()
    assert not bar.save_record.isEnabled()


def test_print_to_a_pdf_file_writes_our_pdf_with_its_text(qtbot, data_dir, tmp_path, print_dialog):
    w, view = consultation(qtbot)
    view.patient.setText(PATIENT)
    view.decision.setCurrentIndex(view.decision.findData("defer"))
    out = tmp_path / "printed.pdf"
    pdf_printer(w, out)
    qtbot.mouseClick(view.print_bar.print_handout, Qt.LeftButton)
    wait_idle(qtbot, w)
    assert print_dialog["count"] == 1
    data = out.read_bytes()
    body = flat(data)
    assert squash(PATIENT) in squash(body) and WORDING.visit["decision"]["defer"]["text"] in body
    assert print_dialog["max"] == len(reader(data).pages)  # the dialog offered exactly the pages there are
    assert out.stat().st_mode & 0o777 == 0o600

    # a page range: only that page, still text
    def second_page_only(printer):
        printer.setPrintRange(printer.PrintRange.PageRange)
        printer.setFromTo(2, 2)

    print_dialog["choose"] = second_page_only
    w.print_current.print_handout.trigger()
    wait_idle(qtbot, w)
    part = out.read_bytes()
    assert len(reader(part).pages) == 1
    assert flat(part) and flat(part) in body


def test_raster_printing_paints_every_page_and_each_copy(qtbot, data_dir, tmp_path):
    w, view = consultation(qtbot)
    view.patient.setText("R-1")
    view.notes.setPlainText("A long note that runs over several pages. " * 600)
    subject = view.print_subject()
    doc = w.printing.document(RECORD, subject)
    expected = len(reader(doc.build()).pages)
    assert expected >= 3

    out = tmp_path / "raster.pdf"
    printer = pdf_printer(w, out)
    printer.setResolution(75)  # pages and copies are what is checked here; at 300 dpi they took 5 s
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    steps = []
    w.printing.progress.connect(lambda message, done, total: steps.append((done, total)))
    w.printing.print_document(doc, ask=False, raster=True)
    wait_idle(qtbot, w, timeout=60000)
    data = out.read_bytes()
    pages = reader(data).pages
    assert len(pages) == 2 * expected  # PDF printers take no copy count: each copy is painted
    assert text(data).strip() == ""  # pictures of the pages, not our text: the raster path was taken
    assert (2 * expected - 1, 2 * expected) in steps
    assert "Sent" in w.printing.last_message


def test_build_runs_off_the_ui_thread_and_a_double_click_builds_once(qtbot, data_dir, tmp_path, save_dialog,
                                                                      monkeypatch):
    import time

    import decisionaid.handout.patient as patient

    w, view = consultation(qtbot)
    real, calls = patient.build_handout, []

    def slow_build(data):
        calls.append(threading.get_ident())
        time.sleep(0.5)
        return real(data)

    monkeypatch.setattr(patient, "build_handout", slow_build)
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    save_dialog["path"] = tmp_path / "slow.pdf"
    button = view.print_bar.save_handout
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.mouseClick(button, Qt.LeftButton)  # disabled by now: ignored
    w.print_current.save_handout.trigger()   # likewise
    assert w.printing.busy and not button.isEnabled()
    with qtbot.waitSignal(w.printing.finished, timeout=BUILD_MS):
        pass
    timer.stop()
    assert calls and calls[0] != threading.main_thread().ident
    assert len(calls) == 1
    assert len(ticks) >= 10  # the UI thread kept running its timers while the PDF was built
    assert button.isEnabled()


@pytest.mark.parametrize("where", ["missing folder", "folder is a file"])
def test_an_unwritable_target_gives_a_message_and_no_file(qtbot, data_dir, tmp_path, save_dialog, where):
    w, view = consultation(qtbot)
    if where == "missing folder":
        target = tmp_path / "unplugged USB stick" / "handout.pdf"
    else:
        (tmp_path / "plain.txt").write_text("not a folder")
        target = tmp_path / "plain.txt" / "handout.pdf"
    save_dialog["path"] = target
    with qtbot.waitSignal(w.printing.failed, timeout=BUILD_MS) as failed:
        view.print_bar.save_handout.click()
    box = w.printing.error_box
    assert box is not None and box.isVisible()
    message = box.text()
    assert str(target) in message and "Nothing was written" in message and "Choose a folder" in message
    assert "Traceback" not in message and failed.args[0] in message
    assert box.textFormat() == Qt.PlainText
    assert not target.exists()
    assert view.print_bar.save_handout.isEnabled()  # ready for another try
    box.close()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores folder modes")
def test_a_read_only_folder_gives_a_message_and_no_file(qtbot, data_dir, tmp_path, save_dialog):
    w, view = consultation(qtbot)
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    save_dialog["path"] = folder / "handout.pdf"
    try:
        with qtbot.waitSignal(w.printing.failed, timeout=BUILD_MS):
            view.print_bar.save_handout.click()
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_write_that_fails_half_way_leaves_no_partial_file(qtbot, data_dir, tmp_path, save_dialog, monkeypatch):
    import decisionaid.files as files

    w, view = consultation(qtbot)
    folder = tmp_path / "out"
    folder.mkdir()
    save_dialog["path"] = folder / "handout.pdf"

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with qtbot.waitSignal(w.printing.failed, timeout=BUILD_MS):
        view.print_bar.save_handout.click()
    assert "No space left on device" in w.printing.error_box.text()
    assert list(folder.iterdir()) == []  # neither the PDF nor its temporary file


def test_a_build_error_is_explained_not_a_traceback(qtbot, data_dir, tmp_path, save_dialog, monkeypatch):
    import decisionaid.handout.patient as patient
    from decisionaid.handout.fonts import FontError

    def broken(data):
        raise FontError("Font file DejaVuSans.ttf is missing from the installation.")

    monkeypatch.setattr(patient, "build_handout", broken)
    w, view = consultation(qtbot)
    save_dialog["path"] = tmp_path / "never.pdf"
    with qtbot.waitSignal(w.printing.failed, timeout=BUILD_MS):
        view.print_bar.save_handout.click()
    message = w.printing.error_box.text()
    assert "DejaVuSans.ttf is missing" in message and "Reinstalling decisionaid" in message
    assert "Traceback" not in message
    assert not (tmp_path / "never.pdf").exists()


def test_preview_shows_every_page_then_prints_and_saves_the_same_document(qtbot, data_dir, tmp_path, save_dialog,
                                                                         print_dialog):
    w, view = consultation(qtbot)
    view.patient.setText(PATIENT)
    qtbot.mouseClick(view.print_bar.preview_handout, Qt.LeftButton)
    qtbot.waitUntil(lambda: w.printing.last_preview is not None, timeout=BUILD_MS)
    dialog = w.printing.last_preview
    qtbot.waitUntil(lambda: all(not p.pixmap().isNull() for p in dialog.page_labels), timeout=BUILD_MS)
    assert len(dialog.page_labels) == dialog.pages.count >= 2
    assert dialog.windowTitle() == f"Preview: Patient handout, session {view.session_id}"
    assert "Smith" not in dialog.windowTitle()

    saved = save_dialog["path"] = tmp_path / "from-preview.pdf"
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    wait_idle(qtbot, w)
    assert saved.read_bytes() == dialog.pages.data  # the bytes previewed, not a rebuild

    printed = tmp_path / "printed-from-preview.pdf"
    pdf_printer(w, printed)
    qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    wait_idle(qtbot, w)
    assert printed.read_bytes() == dialog.pages.data
    dialog.close()


def test_file_menu_lists_the_print_actions(qtbot, data_dir):
    w = open_window(qtbot)
    menu = w.menuBar().actions()[0].menu()
    assert w.menuBar().actions()[0].text() == "&File"
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    for wanted in ("Print handout\u2026", "Save handout as PDF\u2026", "Preview handout\u2026",
                   "Large print handout", "Print record\u2026", "Save record as PDF\u2026"):
        assert wanted in texts
    assert menu.toolTipsVisible()  # so a disabled record action can say why


@pytest.fixture
def one_session(data_dir):
    store = SessionStore.open(paths.database_path())
    sid = store.create(SessionRecord(patient_ref=PATIENT, clinician="Dr Test", held_at="2026-11-20T10:30",
                                     phq9_items=None, phq9_total=11, answers={}, notes="Talked it through.",
                                     decision="decline", follow_up=None, status="Incomplete"), "Dr Test")
    store.close()
    return sid


def test_sessions_screen_prints_the_selected_session(qtbot, one_session, tmp_path, save_dialog):
    w = open_window(qtbot)
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert not view.print_buttons.isEnabled()  # nothing selected
    view.table.selectRow(0)
    assert view.print_buttons.isEnabled() and view.print_set.save_record.isEnabled()

    record = save_dialog["path"] = tmp_path / "record.pdf"
    view.print_set.save_record.trigger()
    wait_idle(qtbot, w)
    assert Path(save_dialog["start"]).name == f"record-session-{one_session}-{TODAY}.pdf"
    body = flat(record.read_bytes())
    assert squash(PATIENT) in squash(body) and "Saved revision" in body

    handout = save_dialog["path"] = tmp_path / "handout.pdf"
    view.print_set.save_handout.trigger()
    wait_idle(qtbot, w)
    assert WORDING.visit["decision"]["decline"]["text"] in flat(handout.read_bytes())

    view.table.clearSelection()
    assert not view.print_buttons.isEnabled() and not view.print_set.save_handout.isEnabled()


def test_document_names_never_hold_the_identifier(data_dir):
    from decisionaid.settings import Settings

    record = SessionRecord(patient_ref="MRN 123456", clinician="", held_at="2026-11-20T10:30")
    made = dt.datetime(2026, 11, 21, 9, 0)
    cases = [(Document(HANDOUT, Subject(), Settings(), made_at=made), "handout-2026-11-21.pdf"),
             (Document(HANDOUT, Subject(7, record), Settings(), True, made),
              "handout-session-7-large-print-2026-11-21.pdf"),
             (Document(HANDOUT, Subject(None, record), Settings(), made_at=made), "handout-2026-11-21.pdf"),
             (Document(RECORD, Subject(7, record, draft=True), Settings(), made_at=made),
              "record-session-7-draft-2026-11-21.pdf"),
             (Document(RECORD, Subject(7, record, revision_id=3), Settings(), made_at=made),
              "record-session-7-2026-11-21.pdf")]
    for doc, name in cases:
        assert doc.file_name() == name
        assert "123456" not in doc.title
    with pytest.raises(ValueError):
        Document(RECORD, Subject(), Settings())


def test_record_of_a_consultation_the_store_would_not_take_is_explained(qtbot, data_dir, monkeypatch):
    w, view = consultation(qtbot)
    view.patient.setText("NO-STORE")
    monkeypatch.setattr(view, "_open_store", lambda: None)  # the sessions file could not be opened
    with qtbot.waitSignal(w.printing.failed, timeout=5000):
        view.print_bar.save_record.click()
    assert "could not be written there yet" in w.printing.error_box.text()
    assert view.patient.text() == "NO-STORE"
    monkeypatch.setattr(view, "_open_store", w.store)  # the file is back: closing saves instead of asking
    assert view.flush()


@pytest.mark.parametrize("percent", [100, 200])
def test_the_consultation_buttons_wrap_and_never_scroll_sideways_at_1280_px(qtbot, qapp, data_dir, percent):
    """At the window's default width every print and hand-off button is wholly in view, at 100 % and at 200 % text
    (Settings > Text size): the row wraps onto more lines instead of scrolling sideways."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QScrollArea

    from decisionaid.ui import appearance

    try:
        appearance.apply(qapp, "light", percent)
        w = open_window(qtbot)
        w.resize(1280, 800)
        w.show_screen("Consultation")
        view = w.screen("Consultation")
        qtbot.wait(20)
        assert w.width() == 1280
        bar = view.print_bar
        buttons = [bar.preview_handout, bar.print_handout, bar.save_handout, bar.large_print, bar.preview_record,
                   bar.print_record, bar.save_record,
                   *(view.findChild(QAbstractButton, n) for n in ("copyNoteButton", "exportFhirButton"))]
        for b in buttons:
            assert b is not None and b.isVisible()
            name = b.objectName()
            assert b.visibleRegion().boundingRect() == b.rect(), f"{percent} %: {name} is cut off or scrolled away"
            assert view.rect().contains(QRect(b.mapTo(view, QPoint(0, 0)), b.size())), f"{percent} %: {name}"
            parent = b.parentWidget()
            while parent is not view:
                if isinstance(parent, QScrollArea):
                    assert not parent.horizontalScrollBar().isVisible(), f"{percent} %: {name} scrolls sideways"
                parent = parent.parentWidget()
    finally:
        appearance.apply(qapp, "light", 100)
