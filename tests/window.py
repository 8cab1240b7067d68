"""The main window as the tests open it: shown, exposed, and with the evidence loaded."""

from decisionaid.ui.main_window import MainWindow


def open_window(qtbot, **kw) -> MainWindow:
    w = MainWindow(**kw)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.ready, timeout=5000):
        w.load_evidence()
    return w
