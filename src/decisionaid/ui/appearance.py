"""How the window looks: the palette (light, dark, high contrast, or the system's choice) and the text size, applied
to the whole QApplication at start and at once when the clinician changes them in Settings.

Every palette here passes WCAG 2 contrast: 4.5:1 for text (window text, text in fields, buttons, selected text,
the muted text of source lines, which uses the PlaceholderText role) and 3:1 for the focus ring and selection
(Highlight) against the window. The system's palette is kept when the clinician follows the system, but a muted
text colour that would fall below 4.5:1 is darkened (or lightened) until it passes.

Text size scales the application font and every label given an explicit size by ``common.label`` (which records
that size in the ``decisionaidPointSize`` property), so headings stay larger than body text at every scale.
"""

from __future__ import annotations

from copy import copy

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from decisionaid.look import APPEARANCES as THEMES, TEXT_SIZES

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark", "contrast": "High contrast"}
POINT_SIZE_PROPERTY = "decisionaidPointSize"  # a label's size at 100 %, set by common.label
TEXT_MIN, GRAPHIC_MIN = 4.5, 3.0  # WCAG 2 AA: text, and graphics and focus indicators

_state = {"base_pt": None, "scale": 1.0, "watching": False, "theme": "system"}


# ---- contrast ----------------------------------------------------------------------------------------------

def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    c = colour if isinstance(colour, QColor) else QColor(colour)
    return 0.2126 * _channel(c.redF()) + 0.7152 * _channel(c.greenF()) + 0.0722 * _channel(c.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours, 1.0 to 21.0."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _readable(colour: QColor, backgrounds: tuple[QColor, ...], towards: QColor, minimum: float) -> QColor:
    """`colour`, moved in steps towards `towards` until it reaches `minimum` contrast on every background."""
    c = copy(colour)  # (copies, not QColor(colour) or QPalette(pal): before the first paint, PySide6 would build
    c.setAlpha(255)  # the Qt namespace's enums to choose among those constructors' overloads)
    for step in range(21):
        t = step / 20
        mixed = QColor.fromRgbF(c.redF() + (towards.redF() - c.redF()) * t,
                                c.greenF() + (towards.greenF() - c.greenF()) * t,
                                c.blueF() + (towards.blueF() - c.blueF()) * t)
        if all(contrast_ratio(mixed, b) >= minimum for b in backgrounds):
            return mixed
    return copy(towards)


def _flatten(colour: QColor, background: QColor) -> QColor:
    """A translucent colour (Qt's placeholder text is black at half alpha) as painted on `background`."""
    a = colour.alphaF()
    return QColor.fromRgbF(*(getattr(colour, f)() * a + getattr(background, f)() * (1 - a)
                             for f in ("redF", "greenF", "blueF")))


def make_readable(pal: QPalette) -> QPalette:
    """`pal` with its muted text (PlaceholderText) passing 4.5:1 on the window and in fields."""
    pal = copy(pal)
    window, base, text = pal.color(QPalette.Window), pal.color(QPalette.Base), pal.color(QPalette.WindowText)
    for group in (QPalette.Active, QPalette.Inactive):
        muted = _flatten(pal.color(group, QPalette.PlaceholderText), window)
        pal.setColor(group, QPalette.PlaceholderText, _readable(muted, (window, base), text, TEXT_MIN))
    return pal


# ---- palettes ----------------------------------------------------------------------------------------------

_ROLES = ("Window", "WindowText", "Base", "AlternateBase", "Text", "Button", "ButtonText", "PlaceholderText",
          "Highlight", "HighlightedText", "ToolTipBase", "ToolTipText", "Link", "LinkVisited", "BrightText",
          "Light", "Midlight", "Mid", "Dark", "Shadow")
_SCHEMES = {
    # Window, WindowText, Base, AlternateBase, Text, Button, ButtonText, PlaceholderText, Highlight,
    # HighlightedText, ToolTipBase, ToolTipText, Link, LinkVisited, BrightText, Light, Midlight, Mid, Dark, Shadow
    "light": ("#efefef", "#000000", "#ffffff", "#f5f5f5", "#000000", "#efefef", "#000000", "#595959", "#0b5cad",
              "#ffffff", "#ffffdc", "#000000", "#0645ad", "#5a2d82", "#ffffff", "#ffffff", "#cacaca", "#a0a0a0",
              "#767676", "#000000"),
    "dark": ("#2b2b2b", "#f0f0f0", "#1e1e1e", "#333333", "#f0f0f0", "#3a3a3a", "#f0f0f0", "#b4b4b4", "#4da3ff",
             "#000000", "#3a3a3a", "#f0f0f0", "#8ab4f8", "#c58af9", "#ffffff", "#5a5a5a", "#474747", "#8a8a8a",
             "#1a1a1a", "#000000"),
    "contrast": ("#ffffff", "#000000", "#ffffff", "#ffffff", "#000000", "#ffffff", "#000000", "#333333",
                 "#0000a8", "#ffffff", "#ffffff", "#000000", "#0000c8", "#551a8b", "#ffffff", "#000000",
                 "#000000", "#000000", "#000000", "#000000"),
}
_DISABLED = {"light": "#6e6e6e", "dark": "#9a9a9a", "contrast": "#595959"}


def palette(theme: str) -> QPalette:
    """The palette of a named scheme: "light", "dark" or "contrast" (black on white, black frames)."""
    pal = QPalette()
    for role, colour in zip(_ROLES, _SCHEMES[theme]):
        pal.setColor(getattr(QPalette, role), QColor(colour))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        pal.setColor(QPalette.Disabled, role, QColor(_DISABLED[theme]))
    return pal


def resolved_theme(setting: str) -> str:
    """What "system" means now: the system's high-contrast preference, else its dark or light scheme; "system"
    when the system expresses neither (its own palette is then used)."""
    if setting in ("light", "dark", "contrast"):
        return setting
    app = QGuiApplication.instance()
    if app is None:
        return "system"
    from PySide6.QtCore import Qt  # the Qt namespace: about 20 ms to make, so never before the first paint

    hints = app.styleHints()
    accessibility = getattr(hints, "accessibility", None)  # Qt 6.10 and later
    if accessibility is not None and accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast:
        return "contrast"
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "system"


def palette_for(setting: str) -> QPalette:
    return _palette_of(resolved_theme(setting))


def _palette_of(theme: str) -> QPalette:
    """The palette of a resolved theme (resolved_theme): a named scheme, or the system's own made readable."""
    if theme == "system":
        app = QGuiApplication.instance()
        style = app.style() if hasattr(app, "style") else None
        return make_readable(style.standardPalette() if style is not None else QPalette())
    return palette(theme)


# ---- text size ---------------------------------------------------------------------------------------------

def text_scale() -> float:
    """The text size chosen in Settings as a factor (1.0 at 100 %)."""
    return _state["scale"]


def scaled(point_size: float) -> float:
    return point_size * _state["scale"]


def _apply_text_size(app, percent: int) -> None:
    if _state["base_pt"] is None:
        _state["base_pt"] = app.font().pointSizeF()
    scale = (percent if percent in TEXT_SIZES else 100) / 100
    if scale == _state["scale"] and app.font().pointSizeF() == _state["base_pt"] * scale:
        return
    _state["scale"] = scale
    font = QFont(app.font())
    font.setPointSizeF(_state["base_pt"] * scale)
    app.setFont(font)
    for widget in app.allWidgets():  # labels with their own size (headings, small print) keep their proportion
        size = widget.property(POINT_SIZE_PROPERTY)
        if size:
            f = QFont(widget.font())
            f.setPointSizeF(float(size) * scale)
            widget.setFont(f)


# ---- applying ----------------------------------------------------------------------------------------------

def apply_first(app, theme: str = "system", text_size: int = 100, seen_system: str = "system") -> None:
    """The look for the window's first paint, without asking the system for its scheme: asking makes PySide6
    build the Qt namespace's enums (about 20 ms, most of what the first paint would wait for). A named theme is
    exact; "system" is drawn as `seen_system`, what it meant at the last start (look.load_seen_system), and
    `apply` then asks the system itself, after the first paint, changing the palette only if the system's choice
    changed since (as when it changes while the window is open)."""
    _state["theme"] = theme if theme in THEMES else "system"
    if _state["theme"] != "system":
        pal = palette(_state["theme"])
    elif seen_system in ("dark", "contrast"):
        pal = palette(seen_system)
    else:  # before any palette is set, the application's is the system's (the style's standard palette)
        pal = make_readable(app.palette())
    app.setPalette(pal)
    _apply_text_size(app, text_size)


def apply(app, theme: str = "system", text_size: int = 100) -> str:
    """Give `app` the palette of `theme` and the text size `text_size` (per cent). With "system", a later change
    of the system's scheme or contrast preference is followed. Returns what the theme means now ("light",
    "dark", "contrast", or "system" for the system's own palette)."""
    _state["theme"] = theme if theme in THEMES else "system"
    now = resolved_theme(_state["theme"])
    pal = _palette_of(now)
    if pal != app.palette():  # the first paint's look (apply_first) is most often the one: nothing to redo
        app.setPalette(pal)
    _apply_text_size(app, text_size)
    if not _state["watching"]:
        _state["watching"] = True
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(lambda *_: _follow_system(app))
        accessibility = getattr(hints, "accessibility", None)
        if accessibility is not None:
            accessibility().contrastPreferenceChanged.connect(lambda *_: _follow_system(app))
    return now


def apply_settings(app, settings) -> None:
    apply(app, getattr(settings, "appearance", "system"), getattr(settings, "text_size", 100))


def _follow_system(app) -> None:
    if _state["theme"] == "system":
        app.setPalette(palette_for("system"))
