"""User text reaches PDFs through one escaping function and prints exactly as typed."""

import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from reportlab.platypus import Paragraph

from decisionaid.handout import fonts
from decisionaid.handout.document import Meta, render
from decisionaid.handout.markup import escape
from decisionaid.handout.styles import styles

from pdf_text import embedded_fonts, squash, text

HOSTILE = ["<Smith> & Co", "Łukasz", "Şükrü", "Ωμέγα", "中文", "O'Brien \"Jr\"", "a&amp;b", "&lt;not an entity&gt;",
           "<b>not bold</b>", "</para>", "<br/>", "😀 smile", "שלום", "مرحبا", "Zoë — ½ × ∞", "<font size=40>x</font>"]
MADE = dt.datetime(2026, 11, 21, 9, 0)


def pdf_of(*strings: str) -> bytes:
    body = styles().body
    return render([Paragraph(escape(s), body) for s in strings], Meta("t", "s", "a"), MADE)


def same_text(got: str, typed: str) -> bool:
    """Equal once whitespace is ignored and Arabic presentation forms (how shaped Arabic is stored) unfolded."""
    return unicodedata.normalize("NFKC", squash(got)) == unicodedata.normalize("NFKC", squash(typed))


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_print_exactly_as_typed(name):
    assert same_text(text(pdf_of(name)), name)


def test_right_to_left_text_is_drawn_right_to_left():
    """The first letter of a Hebrew word is drawn rightmost: the content stream holds the reversed string."""
    assert escape("שלום") == "םולש"
    assert escape("Dr שלום Cohen") == "Dr םולש Cohen"


def test_markup_in_user_text_is_never_obeyed_and_never_reads_a_file(tmp_path):
    target = tmp_path / "secret.png"  # does not exist: a real <img> would make reportlab fail to open it
    typed = f'<img src="{target}" width="100" height="100"/> and <a href="http://x">link</a>'
    out = text(pdf_of(typed))
    assert squash(out) == squash(typed)
    assert not target.exists()


def test_fonts_are_embedded_and_chinese_uses_the_fallback_face():
    embedded = embedded_fonts(pdf_of("Łukasz <b>bold</b>", "中文"))
    assert {fonts.REGULAR, fonts.FALLBACK} <= embedded
    assert not any(name.startswith(("Helvetica", "Times", "Courier")) for name in embedded)


def test_every_dejavu_face_is_registered_as_one_family():
    fonts.register()
    from reportlab.lib.fonts import tt2ps

    assert tt2ps(fonts.REGULAR, 1, 0) == fonts.BOLD
    assert tt2ps(fonts.REGULAR, 0, 1) == fonts.OBLIQUE


def test_line_breaks_and_runs_of_spaces_survive():
    out = text(pdf_of("first line\nsecond   line\twith tab"))
    lines = [line.replace("\u00a0", " ") for line in out.splitlines()]
    assert "first line" in lines[0]
    assert "second   line    with tab" in " ".join(lines)


def test_control_characters_print_as_visible_code_points_instead_of_vanishing():
    """No embedded face has the control pictures (U+2400 block), so a control character prints as [U+0007]."""
    out = text(pdf_of("a\x00b\x07"))
    assert "a[U+0000]b[U+0007]" in squash(out)


# Letters, digits, punctuation, symbols and spaces that one of our two faces draws.
_drawable = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u00a0").filter(
    lambda c: (fonts.has_glyph(c) or fonts.has_glyph(c, fonts.FALLBACK))
    and unicodedata.bidirectional(c) not in ("R", "AL", "AN"))  # mixed-direction order is pypdf's guess



@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_drawable, min_size=1, max_size=40))
def test_any_drawable_text_round_trips_through_a_pdf(typed):
    assert same_text(text(pdf_of(typed)), typed)
