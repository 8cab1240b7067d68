"""A TrueType face read as reportlab reads it, its character map, widths and glyph places in whole arrays.

reportlab reads the character map (cmap), the widths (hmtx) and the glyph places (loca) of a face one number at a
time, a method call each: about 20 000 calls, 7 to 12 ms a DejaVu face, and the first PDF of a process reads two
faces. `QuickFace` (about 4 ms a face) reads each table with one `struct.unpack_from` and builds the same
dictionaries and lists, in the same order, as reportlab's `TTFontFile.extractInfo`; a face whose character map is in
a format other than 4 or 12, or whose glyph data format is not 0, is read by reportlab.
tests/test_handout_drawing.py checks every face we ship against reportlab's reading.
"""

from __future__ import annotations

from struct import unpack_from

from reportlab.pdfbase.ttfonts import TTFontFace


class QuickFace(TTFontFace):
    """reportlab's TrueType face, its tables read whole (see the module)."""

    def extractInfo(self, charInfo=1):
        super().extractInfo(0)  # the names, head, OS/2, post, hhea and maxp tables: a few numbers each
        if not charInfo:
            return
        data = self._ttf_data
        head = self.get_table_pos("head")[0]
        index_to_loc, glyph_data_format = unpack_from(">HH", data, head + 50)
        char_to_glyph = (_char_to_glyph(data, self.get_table_pos("cmap")[0])
                         if glyph_data_format == 0 and index_to_loc in (0, 1) else None)
        if char_to_glyph is None:  # a format we do not read, or an error reportlab words
            super().extractInfo(charInfo)
            return
        self.charToGlyph = char_to_glyph
        self.glyphToChar = glyph_to_char = {}
        for char, glyph in char_to_glyph.items():
            glyph_to_char.setdefault(glyph, []).append(char)
        self._widths(data, glyph_to_char)
        self._glyph_places(data, index_to_loc)
        if 0x20 in char_to_glyph:
            char_to_glyph[0xA0] = char_to_glyph[0x20]
            self.charWidths[0xA0] = self.charWidths[0x20]
        elif 0xA0 in char_to_glyph:
            char_to_glyph[0x20] = char_to_glyph[0xA0]
            self.charWidths[0x20] = self.charWidths[0xA0]

    def _widths(self, data, glyph_to_char) -> None:
        """hmtx: `hmetrics` (advance, left side bearing) of every glyph, `defaultWidth` and `charWidths` in
        thousandths of the size, as reportlab has them (a glyph past the table's advances has the last advance,
        scaled: reportlab's own quirk, kept)."""
        scale = self._pdfScale
        metrics = unpack_from(">H", data, self.get_table_pos("hhea")[0] + 34)[0]
        start = self.get_table_pos("hmtx")[0]
        pairs = unpack_from(">%dH" % (2 * metrics), data, start)
        rest = unpack_from(">%dH" % max(0, self.numGlyphs - metrics), data, start + 4 * metrics)
        advances = pairs[::2]
        scaled = list(map(scale, advances))
        self.defaultWidth = scaled[0]
        last = scaled[-1]
        self.hmetrics = list(zip(advances, pairs[1::2])) + [(last, lsb) for lsb in rest]
        per_glyph = scaled + [last] * len(rest)
        glyphs = len(per_glyph)
        self.charWidths = {char: per_glyph[glyph] for glyph in sorted(glyph_to_char) if glyph < glyphs
                           for char in glyph_to_char[glyph]}

    def _glyph_places(self, data, index_to_loc: int) -> None:
        """loca: where each glyph starts in the glyf table (`glyphPos`), and the read position reportlab leaves."""
        start = self.get_table_pos("loca")[0]
        count = self.numGlyphs + 1
        if index_to_loc == 0:
            self.glyphPos = [n << 1 for n in unpack_from(">%dH" % count, data, start)]
            self._pos = start + 2 * count
        else:
            self.glyphPos = list(unpack_from(">%dL" % count, data, start))
            self._pos = start + 4 * count


def _char_to_glyph(data, cmap: int) -> dict[int, int] | None:
    """The character map reportlab chooses (the last Unicode one of the table) as {character: glyph}, in
    reportlab's order; None when its format is neither 4 nor 12, or when a character is mapped twice (reportlab
    then lists it twice among its glyph's characters): reportlab then reads it, or says what is wrong."""
    version, count = unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    chosen, enc = None, 0
    for n in range(count):
        platform, encoding, offset = unpack_from(">HHL", data, cmap + 4 + 8 * n)
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            chosen, enc = offset, 1
        elif platform == 1 and encoding == 0 and enc != 1:
            chosen, enc = offset, 2
    if chosen is None:
        return None
    at = cmap + chosen
    fmt = unpack_from(">H", data, at)[0]
    out: dict[int, int] = {}
    mapped = 0
    if fmt == 12:
        groups = unpack_from(">L", data, at + 12)[0]
        numbers = unpack_from(">%dL" % (3 * groups), data, at + 16)
        for n in range(0, 3 * groups, 3):
            start, end, glyph = numbers[n:n + 3]
            out.update(zip(range(start, end + 1), range(glyph, glyph + end + 1 - start)))
            mapped += max(0, end + 1 - start)
        return out if len(out) == mapped else None
    if fmt == 4:
        length = unpack_from(">H", data, at + 2)[0]
        limit = at + length
        segments = unpack_from(">H", data, at + 6)[0] // 2
        ends = unpack_from(">%dH" % segments, data, at + 14)
        starts = unpack_from(">%dH" % segments, data, at + 16 + 2 * segments)
        deltas = unpack_from(">%dh" % segments, data, at + 16 + 4 * segments)
        ranges_at = at + 16 + 6 * segments
        ranges = unpack_from(">%dH" % segments, data, ranges_at)
        for n in range(segments):
            start, delta, range_offset = starts[n], deltas[n], ranges[n]
            mapped += max(0, ends[n] + 1 - start)
            for char in range(start, ends[n] + 1):
                if range_offset == 0:
                    out[char] = (char + delta) & 0xFFFF
                    continue
                offset = ranges_at + 2 * n + (char - start) * 2 + range_offset
                glyph = 0 if offset >= limit else unpack_from(">H", data, offset)[0]
                out[char] = (glyph + delta) & 0xFFFF if glyph else 0
        return out if len(out) == mapped else None
    return None
