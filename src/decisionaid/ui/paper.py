"""The paper documents are laid out on, for the app: the Paper setting, and for "Automatic" the default
printer's page size when Qt reports A4 or Letter, else the region's usual paper (settings.region_paper, from
QLocale().name(); QLocale's measurement system is not a reliable guide to paper)."""

from __future__ import annotations

from decisionaid.settings import resolve_paper


def printer_paper() -> str | None:
    """"a4" or "letter" for the default printer's page size; None when there is no printer or another size."""
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinterInfo

    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    return {QPageSize.PageSizeId.A4: "a4", QPageSize.PageSizeId.Letter: "letter"}.get(info.defaultPageSize().id())


def locale_territory() -> str:
    """The two-letter code of the system locale's region ("US", "GB"), or "" when Qt does not know it."""
    from PySide6.QtCore import QLocale

    name = QLocale().name()  # "en_US" (language_territory), "C" when neither is known
    return name.split("_")[-1].upper() if "_" in name else ""


def paper_for(settings, printing: bool = False) -> str:
    """"a4" or "letter": what handouts and records are laid out on, and what printing presets. The default
    printer is asked only when `printing` (asking it opens a socket to the print system, CUPS, which may be on
    another machine: saving or previewing a PDF connects to nothing)."""
    setting = getattr(settings, "paper", "auto")
    if setting in ("a4", "letter"):
        return setting
    return resolve_paper("auto", printer_paper() if printing else None, locale_territory())
