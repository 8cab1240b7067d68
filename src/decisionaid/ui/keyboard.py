"""Keyboard shortcuts of the main window, and Help > Keyboard shortcuts, which lists them from the actions
themselves (never a hand-written list).

Standard keys where Qt has them (QKeySequence.StandardKey: New, Save, Print, Find, Quit), Ctrl+1 to Ctrl+5 for the
screens. Ctrl+Shift+P is the Patient view, so the clinician record prints with Ctrl+Alt+P.

The keys are given before the window's first paint, so they are given as lists (`setShortcuts`): PySide6's
`setShortcut` would build the Qt namespace's enums (about 20 ms) to choose among its overloads."""

from __future__ import annotations

import functools

from PySide6.QtGui import QAction, QKeySequence

PRINT_RECORD_SHORTCUT = "Ctrl+Alt+P"
COPY_SHORTCUT = "Ctrl+Shift+C"  # File > Copy note for the health record (handoff_actions.py)
EXPORT_SHORTCUT = "Ctrl+Shift+E"  # File > Export FHIR document


def _keys(standard: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    """The platform's main key for a standard action (not the dedicated "New" or "Save" keys some keyboards
    have, which the list would name as words); `fallback` where the platform has none (Quit on Windows)."""
    keys = QKeySequence.keyBindings(standard)
    return keys[:1] or [QKeySequence(fallback)]


def print_handout_keys() -> list[QKeySequence]:
    return _keys(QKeySequence.Print, "Ctrl+P")


def give_print_keys(action_set) -> None:
    """The keys of File > Print handout and Print record (print_actions.ActionSet)."""
    action_set.print_handout.setShortcuts(print_handout_keys())
    action_set.print_record.setShortcuts([QKeySequence(PRINT_RECORD_SHORTCUT)])


def _consultation(window):
    window.show_screen("Consultation")
    view = window.screen("Consultation")
    return view if hasattr(view, "save") else None  # None: locked or not built (no checklist)


def _new_session(window) -> None:
    view = _consultation(window)
    if view is not None:
        view.new_session()


def _save(window) -> None:
    view = _consultation(window)
    if view is not None:
        view.save_soon()  # returns at once: the outcome comes back by signal


def _find(window) -> None:
    window.show_screen("Sessions")
    search = getattr(window.screen("Sessions"), "search", None)
    if search is not None:
        from PySide6.QtCore import Qt

        search.setFocus(Qt.ShortcutFocusReason)
        search.selectAll()


def mnemonic(text: str) -> str | None:
    """The letter Alt presses for `text` ("&Save" -> "s"), None without one ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def with_mnemonic(text: str, taken: set[str]) -> str:
    """`text` with an ampersand before a letter not in `taken` (the first letter of a word if one is free, else
    any letter), which is added to `taken`; unchanged if it already has one or no letter is free."""
    if (have := mnemonic(text)) is not None:
        taken.add(have)
        return text
    starts = [i for i, c in enumerate(text) if c.isalnum() and (i == 0 or not text[i - 1].isalnum())]
    for i in starts + list(range(len(text))):
        c = text[i]
        if c.isalnum() and c.isascii() and c.lower() not in taken:
            taken.add(c.lower())
            return text[:i] + "&" + text[i:]
    return text


def add_mnemonics(root, taken: set[str] | None = None) -> set[str]:
    """Give every push button and check box in `root` that has none a mnemonic unique in `root`: the letters in
    use (buttons, labels of fields, `taken`, e.g. a menu bar's) are kept. Radio buttons are left alone: a question
    is one tab stop whose answers the arrow keys choose. Returns the letters now in use."""
    from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

    taken = set(taken or ())
    buttons = [b for b in root.findChildren(QPushButton) + root.findChildren(QCheckBox) if b.text()]
    for widget in buttons + [lab for lab in root.findChildren(QLabel) if lab.buddy() is not None]:
        if (have := mnemonic(widget.text())) is not None:
            taken.add(have)
    for b in buttons:
        if mnemonic(b.text()) is None:
            b.setText(with_mnemonic(b.text(), taken))
    return taken


def quit_window(window) -> bool:
    """File > Quit: close the window as the clinician's own quit (an unsaved consultation asks first, as when the
    window's close button is pressed). True if it closed."""
    window.setProperty("quitting", True)
    try:
        return window.close()
    finally:
        window.setProperty("quitting", False)


def install(window, file_menu, help_menu, screens) -> None:
    """Add New session, Save, Find and Quit to the File menu, a Go menu for the screens and Help > Keyboard
    shortcuts. The print actions get their keys when they are made (`give_print_keys`)."""
    first = file_menu.actions()[0] if file_menu.actions() else None

    def add(text, keys, slot, name):
        action = QAction(text, window, objectName=name)
        action.setShortcuts(keys)
        action.triggered.connect(functools.partial(slot, window))
        file_menu.insertAction(first, action)
        return action

    window.new_action = add("&New session", _keys(QKeySequence.New, "Ctrl+N"), _new_session, "newSession")
    window.save_action = add("&Save session", _keys(QKeySequence.Save, "Ctrl+S"), _save, "saveSession")
    window.find_action = add("&Find a session\u2026", _keys(QKeySequence.Find, "Ctrl+F"), _find, "findSession")
    file_menu.insertSeparator(first)
    file_menu.addSeparator()
    window.quit_action = QAction("&Quit", window, objectName="quit")
    window.quit_action.setShortcuts(_keys(QKeySequence.Quit, "Ctrl+Q"))
    window.quit_action.triggered.connect(functools.partial(quit_window, window))
    file_menu.addAction(window.quit_action)
    window.menuBar().insertMenu(help_menu.menuAction(), _go_menu(window, screens))
    help_menu.addSeparator()
    shortcuts = help_menu.addAction("&Keyboard shortcuts", functools.partial(show_shortcuts, window))
    shortcuts.setObjectName("keyboardShortcuts")
    shortcuts.setShortcuts(_keys(QKeySequence.HelpContents, "F1"))



def _go_menu(window, screens):
    from PySide6.QtWidgets import QMenu

    menu = QMenu("&Go", window)
    window.screen_actions = []
    for n, name in enumerate(screens, start=1):
        action = menu.addAction(f"&{n} {name}", functools.partial(window.show_screen, name))
        action.setShortcuts([QKeySequence(f"Ctrl+{n}")])
        action.setObjectName(f"goTo{name}")
        action.setProperty("listText", f"Go to the {name} screen")  # in Help > Keyboard shortcuts
        window.screen_actions.append(action)
    return menu


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(what it does, keys) for every action of the window that has a key, in menu order, then any others."""
    getattr(window, "complete_menus", lambda: None)()  # every action made, in the menu where it is listed
    rows, seen = [], set()

    def visit(actions):
        for action in actions:
            if action.menu() is not None:
                visit(action.menu().actions())
            elif action not in seen and not action.shortcut().isEmpty():
                seen.add(action)
                text = action.property("listText") or action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("\u2026")
                keys = ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
                rows.append((text, keys))

    visit(window.menuBar().actions())
    visit(window.findChildren(QAction))
    return rows


def show_shortcuts(window):
    """Help > Keyboard shortcuts: the table of `shortcut_rows` (a QDialog, shown without blocking)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout

    dialog = QDialog(window, objectName="shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    lay = QVBoxLayout(dialog)
    rows = shortcut_rows(window)
    table = QTableWidget(len(rows), 2, dialog, objectName="shortcutsTable")
    table.setHorizontalHeaderLabels(["Action", "Keys"])
    table.setAccessibleName("Keyboard shortcuts")
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.verticalHeader().hide()
    for r, (text, keys) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(text))
        table.setItem(r, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    lay.addWidget(table)
    buttons = QDialogButtonBox(QDialogButtonBox.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    buttons.button(QDialogButtonBox.Close).setText("&Close")
    lay.addWidget(buttons)
    dialog.resize(540, 600)
    window.shortcuts_dialog = dialog
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
