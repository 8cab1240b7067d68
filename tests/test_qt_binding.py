"""Guards against a Qt binding that breaks the interpreter.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns nothing;
after a few thousand calls Python aborts ("deallocating None"). pyproject pins below 6.12; this
test fails loudly if a broken binding is ever installed again.
"""

import sys

from PySide6.QtWidgets import QWidget


def test_void_qt_calls_leave_none_refcount_alone(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.update()
        widget.setToolTip("x")
    assert sys.getrefcount(None) >= before - 50
