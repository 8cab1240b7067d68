"""Every picture of numbers has a text alternative a screen reader reads (QAccessible name and description),
with the numbers in words taken from the figure model the drawing uses: the icon arrays of the Evidence and
Options screens and the patient view, the forest plot, and the follow-up course chart."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

from decisionaid.evidence import figures
from window import open_window


def spoken(widget) -> tuple[str, str]:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Name), iface.text(QAccessible.Description)


def test_benefit_arrays_say_their_numbers_range_and_certainty(qtbot, data_dir):
    w = open_window(qtbot)
    w.show_screen("Evidence")
    evidence = w.screen("Evidence")
    analysis = w.summary.outcome(evidence.outcome_box.currentData())
    b = figures.benefit(analysis)
    name, text = spoken(evidence.botox_icons)
    assert name == f"Picture of 100 people: Botox: about {b.botox} in 100 (could be {b.botox_low} to {b.botox_high})"
    assert text.startswith(f"Picture of 100 people: {b.botox} filled in ({b.plain}, {b.time_frame}), "
                           f"{100 - b.botox} outlined.")
    assert f"could be {b.botox_low} to {b.botox_high}" in text
    assert text.endswith(f"{analysis.certainty.level.capitalize()} certainty.")
    name, text = spoken(evidence.placebo_icons)
    assert f"{b.comparison} filled in" in text and f"about {b.comparison} in 100" in name


def test_every_icon_array_on_every_screen_reads_its_own_figure(qtbot, data_dir):
    w = open_window(qtbot)
    arrays = []
    for screen in ("Evidence", "Options"):
        w.show_screen(screen)
        QApplication.processEvents()
        view = w.screen(screen)
        arrays += getattr(view, "glance", []) + getattr(view, "harm_icons", [])
        arrays += [a for a in (getattr(view, "placebo_icons", None), getattr(view, "botox_icons", None)) if a]
    view = w.show_patient_view("options")
    arrays += view.arrays
    assert len(arrays) >= 6
    for a in arrays:
        name, text = spoken(a)
        assert name == f"Picture of 100 people: {a.caption()}"
        assert text.startswith(f"Picture of 100 people: {a.count()} filled in (") and a.caption() in text


def test_harm_arrays_say_what_a_filled_person_means(qtbot, data_dir):
    w = open_window(qtbot)
    w.show_screen("Evidence")
    evidence = w.screen("Evidence")
    harms = [h for h, _p, _b in figures.harm_arrays(w.summary.pack)]
    texts = [spoken(a)[1] for a in evidence.harm_icons]
    for h in harms:
        assert any(f"{h.botox} filled in ({h.label.lower()}, {h.time_frame})" in t for t in texts), h.label


def test_forest_plot_reads_every_row(qtbot, data_dir):
    w = open_window(qtbot)
    w.show_screen("Evidence")
    forest = w.screen("Evidence").forest
    fig = forest._data
    name, text = spoken(forest)
    assert name == f"Forest plot, pooled {fig.pooled.ci_text}"
    for row in fig.rows:
        assert fig.row_sentence(row) in text
    assert "Pooled: " + fig.row_sentence(fig.pooled) in text


def test_course_chart_is_named_and_reads_its_points(qtbot, data_dir):
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.ui.followup_view import FollowUpDialog

    w = open_window(qtbot)
    store = w.store()
    sid = store.create(SessionRecord("TA-1", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")
    dialog = FollowUpDialog(store, sid, load_checklist(), load_pack(), parent=w)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=5000)  # read on the owner thread, shown by signal
    name, text = spoken(dialog.chart)
    assert name == f"Chart: {dialog.chart.figure.title}"
    assert text == dialog.chart.figure.summary_text() and "PHQ-9 16" in text
