"""Any contrast, any text size: the status title, a source line and the icon arrays are measured on their rendered
pixels in the light, dark and high-contrast palettes (4.5:1 for text, 3:1 for icon graphics); the Settings
choices Appearance and Text size apply at once and at the next start (a real settings file)."""

from collections import Counter

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from decisionaid import settings
from decisionaid.checklist.assessment import assess
from decisionaid.checklist.items import load_checklist
from decisionaid.evidence.figures import IconArrayFigure
from decisionaid.evidence.pack import load_pack
from decisionaid.settings import Settings
from decisionaid.ui import appearance
from decisionaid.ui.appearance import contrast_ratio

THEMES = ("light", "dark", "contrast")


@pytest.fixture
def themed(qapp):
    """Restores the application's palette and text size after the test."""
    yield qapp
    appearance.apply(qapp, "light", 100)
    qapp.setPalette(qapp.style().standardPalette())


def _pixels(image, rect=None):
    rect = rect or image.rect()
    return [QColor(image.pixel(x, y)) for y in range(rect.top(), rect.bottom() + 1)
            for x in range(rect.left(), rect.right() + 1)]


def measured_contrast(widget, rect=None) -> tuple[float, QColor, QColor]:
    """(ratio, foreground, background) on the rendered pixels: the background is the commonest colour, the
    foreground the colour that stands out most from it (a glyph's or an outline's solid core)."""
    image = widget.grab().toImage()
    pixels = _pixels(image, rect)
    background = QColor(Counter(c.rgb() for c in pixels).most_common(1)[0][0])
    foreground = max(pixels, key=lambda c: contrast_ratio(c, background))
    return contrast_ratio(foreground, background), foreground, background


def _show(qtbot, widget, width=420):
    qtbot.addWidget(widget)
    widget.resize(width, widget.heightForWidth(width) if widget.hasHeightForWidth() else 120)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("theme", THEMES)
def test_status_title_is_readable_on_its_colour_in_every_palette(qtbot, themed, theme):
    from decisionaid.ui.consultation_view import StatusPanel

    appearance.apply(themed, theme)
    checklist = load_checklist()
    panel = _show(qtbot, StatusPanel(), 360)
    panel.show_assessment(assess(checklist, {}), "", checklist)  # "Incomplete", on its grey
    qtbot.wait(10)
    ratio, fg, bg = measured_contrast(panel.title)
    assert ratio >= 4.5, f"{theme}: status title {fg.name()} on {bg.name()} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", THEMES + ("system",))  # "system" here: Fusion's own, muted text at half alpha
def test_source_line_is_readable_in_every_palette(qtbot, themed, theme):
    from decisionaid.ui.common import citation_label

    appearance.apply(themed, theme)
    pack = load_pack()
    line = _show(qtbot, citation_label(pack, pack.options.intro_sources), 500)
    ratio, fg, bg = measured_contrast(line)
    assert bg == themed.palette().color(QPalette.Window)  # on the window, as on the screens
    assert ratio >= 4.5, f"{theme}: source line {fg.name()} on {bg.name()} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", THEMES)
def test_empty_icons_stand_out_from_the_paper_in_every_palette(qtbot, themed, theme):
    from decisionaid.ui.icon_array import IconArray

    appearance.apply(themed, theme)
    array = _show(qtbot, IconArray(), 320)
    array.set_figure(IconArrayFigure(count=40, caption="40 out of 100 people felt better"))
    qtbot.wait(10)
    ratio, fg, bg = measured_contrast(array, array.icon_rect(99))  # an outlined (empty) person
    assert ratio >= 3.0, f"{theme}: empty icon {fg.name()} on {bg.name()} is {ratio:.2f}:1"
    ratio, fg, bg = measured_contrast(array, array.icon_rect(0))  # a filled one
    assert ratio >= 3.0, f"{theme}: filled icon {fg.name()} on {bg.name()} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", THEMES)
def test_every_palette_passes_for_text_selection_and_focus(theme):
    pal = appearance.palette(theme)
    c = pal.color
    for fg, bg in ((QPalette.WindowText, QPalette.Window), (QPalette.Text, QPalette.Base),
                   (QPalette.ButtonText, QPalette.Button), (QPalette.PlaceholderText, QPalette.Window),
                   (QPalette.PlaceholderText, QPalette.Base), (QPalette.HighlightedText, QPalette.Highlight),
                   (QPalette.Text, QPalette.AlternateBase), (QPalette.ToolTipText, QPalette.ToolTipBase),
                   (QPalette.Link, QPalette.Base)):
        assert contrast_ratio(c(fg), c(bg)) >= 4.5, (theme, fg, bg)
    for bg in (QPalette.Window, QPalette.Base):  # the focus ring and the selection are drawn in Highlight
        assert contrast_ratio(c(QPalette.Highlight), c(bg)) >= 3.0, (theme, bg)


def test_a_system_palette_with_faint_muted_text_is_made_readable():
    pal = appearance.palette("light")
    pal.setColor(QPalette.PlaceholderText, QColor(0, 0, 0, 128))  # Qt's own: black at half alpha, 3.9:1 here
    fixed = appearance.make_readable(pal).color(QPalette.PlaceholderText)
    assert fixed.alpha() == 255  # painted as it is measured
    assert contrast_ratio(fixed, pal.color(QPalette.Window)) >= 4.5
    assert contrast_ratio(fixed, pal.color(QPalette.Base)) >= 4.5


def test_settings_keep_appearance_and_text_size(tmp_path):
    path = tmp_path / "settings.json"
    settings.save(Settings(appearance="dark", text_size=150), path)
    loaded = settings.load(path)
    assert (loaded.appearance, loaded.text_size) == ("dark", 150)
    assert settings.load_look(path) == ("dark", 150)
    path.write_text('{"appearance": "purple", "text_size": 333}', encoding="utf-8")
    assert settings.load_look(path) == ("system", 100)
    loaded = settings.load(path)
    assert (loaded.appearance, loaded.text_size) == ("system", 100)


def test_settings_dialog_applies_the_look_at_once_and_at_the_next_start(qtbot, themed, tmp_path):
    from decisionaid.ui.common import heading, label
    from decisionaid.ui.settings_dialog import SettingsDialog

    body, title = label("Body text"), heading("A heading")
    for w in (body, title):
        qtbot.addWidget(w)
    body_pt, title_pt = body.font().pointSizeF(), title.font().pointSizeF()
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.appearance.setCurrentIndex(dialog.appearance.findData("dark"))
    dialog.text_size.setCurrentIndex(dialog.text_size.findData(150))
    dialog.accept()
    window = QApplication.palette().color(QPalette.Window)
    assert window.lightness() < 80  # dark, at once
    assert body.font().pointSizeF() == pytest.approx(body_pt * 1.5)
    assert title.font().pointSizeF() == pytest.approx(title_pt * 1.5)  # headings stay larger than body text
    path = tmp_path / "settings.json"
    settings.save(dialog.result_settings(), path)
    # the next start: app.py applies what the file says before the window is built
    appearance.apply(themed, "light", 100)
    assert QApplication.palette().color(QPalette.Window).lightness() > 200
    appearance.apply(themed, *settings.load_look(path))
    assert QApplication.palette().color(QPalette.Window).lightness() < 80
    assert QApplication.font().pointSizeF() == pytest.approx(appearance._state["base_pt"] * 1.5)
    assert label("New", size=9).font().pointSizeF() == pytest.approx(13.5)


@pytest.mark.parametrize("width", (620, 700, 800, 900, 1100))
def test_the_crisis_box_shows_every_line_of_its_guidance_at_any_width(qtbot, data_dir, width):
    """A small screen, a large scale factor or a large text size: the box grows to its text when it opens."""
    from window import open_window

    checklist = load_checklist()
    w = open_window(qtbot)
    w.resize(width, 380)
    w.show_screen("Consultation")
    view = w._built_screen("Consultation")
    item = next(i for s in checklist.sections for i in s.items
                if i.severity == "stop" and i.flag_when and getattr(i, "crisis", False))
    view.form.answer_widget(item.id).buttons[item.flag_when[0]].click()
    qtbot.wait(50)
    body = view.status.crisis.body
    assert body.isVisible()
    assert body.height() >= body.heightForWidth(body.width()), "the last lines of the crisis guidance are cut off"


def test_the_window_opens_inside_the_screen_frame_and_all(qtbot, data_dir):
    from PySide6.QtWidgets import QWidget

    from decisionaid.ui.main_window import MainWindow, fit_on_screen

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(20)
    room = QWidget.screen(w).availableGeometry()
    assert room.contains(w.frameGeometry()), f"window {w.frameGeometry()} outside the screen's {room}"
    w.move(room.right() - 100, room.bottom() - 50)  # e.g. dragged half off the screen: the next fit brings it in
    fit_on_screen(w)
    assert room.contains(w.frameGeometry())


def test_the_screen_list_shows_whole_names_at_every_text_size(qtbot, themed, data_dir):
    from window import open_window

    w = open_window(qtbot)
    for percent in appearance.TEXT_SIZES:
        appearance.apply(themed, "light", percent)
        qtbot.wait(5)
        nav = w.nav
        need = max(nav.fontMetrics().horizontalAdvance(nav.item(i).text()) for i in range(nav.count()))
        assert nav.viewport().width() >= need, f"{percent} %: a screen name is cut off"


@pytest.mark.parametrize("theme", THEMES)
def test_the_patient_views_answer_circles_are_empty_until_chosen_in_every_palette(qtbot, themed, data_dir, theme):
    """The patient view is ink on paper whatever the theme: in a dark palette its empty answer circles were filled
    dark, so every answer looked chosen, and the hint in the text field was grey on white at 2:1."""
    from PySide6.QtWidgets import QLineEdit, QRadioButton, QStyle, QStyleOptionButton

    from window import open_window

    appearance.apply(themed, theme)
    w = open_window(qtbot)
    view = w.show_patient_view("decision")
    qtbot.addWidget(view)
    qtbot.waitExposed(view)
    radios = [r for r in view.findChildren(QRadioButton) if r.isVisible()]
    chosen, empty = radios[1], radios[4]
    chosen.click()
    qtbot.wait(10)

    def centre(radio) -> QColor:
        opt = QStyleOptionButton()
        opt.initFrom(radio)
        rect = radio.style().subElementRect(QStyle.SE_RadioButtonIndicator, opt, radio)
        return QColor(radio.grab().toImage().pixel(rect.center()))

    paper = QColor("#ffffff")
    assert centre(empty) == paper, f"{theme}: an unchosen answer's circle is filled {centre(empty).name()}"
    assert contrast_ratio(centre(chosen), paper) >= 3.0, f"{theme}: the chosen answer does not stand out"
    field = next(e for e in view.findChildren(QLineEdit) if e.isVisible() and e.placeholderText())
    field.clear()
    ratio, fg, bg = measured_contrast(field)
    assert ratio >= 4.5, f"{theme}: the hint {fg.name()} on {bg.name()} is {ratio:.2f}:1"


def test_the_settings_dialog_fits_the_screen_at_200_percent_text(qtbot, themed):
    from PySide6.QtWidgets import QDialogButtonBox, QWidget

    from decisionaid.ui.settings_dialog import SettingsDialog

    appearance.apply(themed, "light", 200)
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    room = QWidget.screen(dialog).availableGeometry()
    assert dialog.frameGeometry().height() <= room.height(), (dialog.frameGeometry(), room)
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Save)
    top_left = save.mapTo(dialog, save.rect().topLeft())
    assert dialog.rect().contains(top_left) and save.isVisible()  # Save stays in view; the settings scroll
    # 1366 x 768 at a scale factor of 2 leaves 384 logical pixels, less a title bar: the dialog can shrink to that
    appearance.apply(themed, "light", 100)
    assert dialog.minimumSizeHint().height() <= 384 - 48, dialog.minimumSizeHint()
