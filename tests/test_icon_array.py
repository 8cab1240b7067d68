"""The 10 x 10 icon array: which icons are painted filled, and the caption shown literally."""

import pytest
from PySide6.QtGui import QColor, QFontMetricsF, qGray
from PySide6.QtWidgets import QLabel

from decisionaid.ui.icon_array import IconArray


def show(qtbot, count, caption="", width=400, height=460):
    arr = IconArray()
    qtbot.addWidget(arr)
    arr.set_count(count, caption=caption)
    arr.resize(width, height)
    arr.show()
    return arr


def centre_colours(arr) -> list[str]:
    img = arr.grab().toImage()
    return [img.pixelColor(arr.icon_rect(i).center()).name() for i in range(100)]


def test_thirty_filled_row_by_row(qtbot):
    arr = show(qtbot, 30, "Botox added to usual care: 30 out of 100 improved")
    filled = QColor("#00574f").name()
    centres = centre_colours(arr)
    assert centres.count(filled) == 30
    assert centres[:30] == [filled] * 30 and filled not in centres[30:]


def test_filled_and_empty_differ_in_grayscale(qtbot):
    arr = show(qtbot, 47)
    img = arr.grab().toImage()
    filled_grey = qGray(img.pixel(arr.icon_rect(0).center()))
    empty_grey = qGray(img.pixel(arr.icon_rect(99).center()))
    assert empty_grey - filled_grey > 120
    r = arr.icon_rect(99)  # the empty icon is an outline: some ink inside its cell, not none
    inked = sum(qGray(img.pixel(x, y)) < 230 for x in range(r.left(), r.right()) for y in range(r.top(), r.bottom()))
    assert 20 < inked < r.width() * r.height() // 3


def test_set_colors(qtbot):
    arr = show(qtbot, 11)
    arr.set_colors(QColor("#7a1f1f"), QColor("#cccccc"))
    centres = centre_colours(arr)
    assert centres.count("#7a1f1f") == 11 and "#00574f" not in centres


@pytest.mark.parametrize(("count", "shown"), [(-5, 0), (0, 0), (100, 100), (150, 100)])
def test_count_is_clamped(qtbot, count, shown):
    arr = show(qtbot, count)
    assert arr.count() == shown
    assert centre_colours(arr).count(QColor("#00574f").name()) == shown
    assert arr.accessibleDescription() == f"{shown} out of 100 people"


def test_only_100_people_supported(qtbot):
    arr = show(qtbot, 3)
    with pytest.raises(ValueError, match="100"):
        arr.set_count(3, total=1000)
    assert arr.count() == 3


def test_caption_is_plain_text(qtbot):
    caption = "<b>x</b> & y"
    arr = show(qtbot, 5, caption)
    assert arr.accessibleName() == caption and arr.accessibleDescription() == "5 out of 100 people"
    assert arr.findChildren(QLabel) == []
    # Measure the painted caption's ink: the literal string is far wider than "x & y" rendered as markup.
    img = arr.grab().toImage()
    top = arr.icon_rect(0).top()
    cols = [x for x in range(img.width()) if any(qGray(img.pixel(x, y)) < 128 for y in range(top))]
    ink_width = cols[-1] - cols[0] + 1
    fm = QFontMetricsF(arr.font())
    assert abs(ink_width - fm.horizontalAdvance(caption)) < 8
    assert ink_width > fm.horizontalAdvance("x & y") + 20


def test_empty_caption_falls_back_to_the_count(qtbot):
    arr = show(qtbot, 9)
    assert arr.accessibleName() == "9 out of 100 people"


def test_icon_rects_form_a_grid(qtbot):
    arr = show(qtbot, 0, "caption")
    r0, r1, r10 = arr.icon_rect(0), arr.icon_rect(1), arr.icon_rect(10)
    assert r1.left() > r0.left() and r1.top() == r0.top()
    assert r10.top() > r0.top() and r10.left() == r0.left()
    assert arr.rect().contains(arr.icon_rect(99))
    with pytest.raises(IndexError):
        arr.icon_rect(100)


def test_height_for_width_keeps_icons_square_and_whole(qtbot):
    arr = show(qtbot, 20, "A caption that is long enough to wrap onto a second line in a narrow widget")
    arr.resize(220, arr.heightForWidth(220))
    last = arr.icon_rect(99)
    assert arr.rect().contains(last) and abs(last.width() - last.height()) <= 1
