"""Reading a CSV of trials: good files parse; every bad file gives one line naming the file and row."""

from __future__ import annotations

import os
import sys

import pytest

from decisionaid.evidence.pooling import Study
from decisionaid.evidence.trials_csv import TrialsFileError, read_trials_csv

HEADER = "study,events_treatment,total_treatment,events_control,total_control"
GOOD_ROWS = "Wollmer 2012,9,15,2,15\nFinzi 2014,17,33,6,41\nMagid 2014,6,11,0,19\n"


def write(tmp_path, content: str | bytes, name: str = "trials.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def error_for(path) -> str:
    with pytest.raises(TrialsFileError) as info:
        read_trials_csv(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, message
    assert str(path) in message
    return message


def test_good_file_parses_in_order(tmp_path):
    studies = read_trials_csv(write(tmp_path, HEADER + "\n" + GOOD_ROWS))
    assert studies == [Study("Wollmer 2012", 9, 15, 2, 15), Study("Finzi 2014", 17, 33, 6, 41),
                       Study("Magid 2014", 6, 11, 0, 19)]


def test_excel_style_file_with_bom_whitespace_crlf_reordered_columns_and_blank_lines(tmp_path):
    content = ("\ufeff Total_Control , study,events_treatment , total_treatment,events_control\r\n"
               "\r\n"
               "15, Wollmer 2012 , 9 ,15,2\r\n"
               ",,,,\r\n"
               "41,Finzi 2014,17,33,6\r\n\r\n")
    path = write(tmp_path, content.encode("utf-8"))
    assert read_trials_csv(path) == [Study("Wollmer 2012", 9, 15, 2, 15), Study("Finzi 2014", 17, 33, 6, 41)]


def test_accepts_str_path(tmp_path):
    assert len(read_trials_csv(str(write(tmp_path, HEADER + "\n" + GOOD_ROWS)))) == 3


def test_missing_file(tmp_path):
    assert "no such file" in error_for(tmp_path / "absent.csv")


def test_folder_instead_of_file(tmp_path):
    assert "folder" in error_for(tmp_path)


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="file permissions are not enforced here")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, HEADER + "\n" + GOOD_ROWS)
    path.chmod(0)
    try:
        assert "not allowed to read" in error_for(path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("content,fragment", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "PNG"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "Excel workbook"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "not a text file"),
    ("study,events_treatment,total_treatment,events_control,total_control\nM\xfcller,1,2,1,2\n"
     .encode("latin-1"), "not UTF-8"),
    (b'{"studies": [{"study": "A", "events_treatment": 1}]}', "JSON"),
    (b'[1, 2, 3]', "JSON"),
])
def test_files_that_are_not_csv_text(tmp_path, content, fragment):
    assert fragment in error_for(write(tmp_path, content))


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff"])
def test_empty_file(tmp_path, content):
    message = error_for(write(tmp_path, content))
    assert "empty" in message and HEADER in message


def test_header_only(tmp_path):
    message = error_for(write(tmp_path, HEADER + "\n"))
    assert "no trials" in message and "at least 2 studies" in message


def test_single_study(tmp_path):
    message = error_for(write(tmp_path, HEADER + "\nWollmer 2012,9,15,2,15\n"))
    assert "only one study" in message and "at least 2 studies" in message


def test_missing_columns_are_named(tmp_path):
    message = error_for(write(tmp_path, "study,events_treatment,total_treatment\nA,1,2\nB,1,2\n"))
    assert "row 1" in message
    assert "missing column(s) events_control, total_control" in message


def test_extra_columns_are_named(tmp_path):
    message = error_for(write(tmp_path, HEADER + ",notes,\nA,1,2,1,2,x,\nB,1,2,1,2,y,\n"))
    assert "row 1" in message and "unexpected column(s) 'notes', (unnamed)" in message


def test_duplicate_column(tmp_path):
    message = error_for(write(tmp_path, HEADER + ",study\n"))
    assert "row 1" in message and "'study' appears more than once" in message


def test_semicolon_separated_file(tmp_path):
    message = error_for(write(tmp_path, HEADER.replace(",", ";") + "\nA;1;2;1;2\nB;1;2;1;2\n"))
    assert "row 1" in message and "semicolons" in message


def test_arbitrary_text_file(tmp_path):
    message = error_for(write(tmp_path, "Dear colleague,\nplease find the trials attached.\n"))
    assert "row 1" in message and "missing column(s)" in message


@pytest.mark.parametrize("row,fragment", [
    ("A,12,10,2,15", "row 3: events_treatment (12) is larger than total_treatment (10)"),
    ("A,2,10,16,15", "row 3: events_control (16) is larger than total_control (15)"),
    ("A,-1,10,2,15", "row 3: events_treatment cannot be negative (-1)"),
    ("A,1,10,2,-15", "row 3: total_control cannot be negative (-15)"),
    ("A,3.5,10,2,15", "row 3: events_treatment must be a whole number, found '3.5'"),
    ("A,abc,10,2,15", "row 3: events_treatment must be a whole number, found 'abc'"),
    ("A,1,1e3,2,15", "row 3: total_treatment must be a whole number, found '1e3'"),
    ("A,1,10,,15", "row 3: events_control is empty"),
    ("A,0,0,2,15", "row 3: total_treatment is 0"),
    ("A,0,10,0,0", "row 3: total_control is 0"),
    (",1,10,2,15", "row 3: the study name is empty"),
    ("   ,1,10,2,15", "row 3: the study name is empty"),
    ("A,1,10,2", "row 3: expected 5 values, found 4"),
    ("A,1,10,2,15,7", "row 3: expected 5 values, found 6"),
    ('"A\nB",1,10,2,15', "row 3: the study name runs over more than one line"),
])
def test_bad_row_is_reported_with_spreadsheet_row_number(tmp_path, row, fragment):
    content = HEADER + "\nGood 1,1,10,2,10\n" + row + "\nGood 2,1,10,2,10\n"
    assert fragment in error_for(write(tmp_path, content))


def test_row_numbers_count_blank_lines_like_a_spreadsheet(tmp_path):
    content = HEADER + "\n\nGood 1,1,10,2,10\n\nBad,9,5,1,5\n"
    assert "row 5: events_treatment (9) is larger than total_treatment (5)" in error_for(write(tmp_path, content))


def test_duplicate_study_names(tmp_path):
    content = HEADER + "\nFinzi 2014,17,33,6,41\nWollmer 2012,9,15,2,15\n Finzi 2014 ,1,2,1,2\n"
    message = error_for(write(tmp_path, content))
    assert "row 4" in message and "'Finzi 2014' is already on row 2" in message


def test_long_junk_values_are_shortened(tmp_path):
    content = HEADER + "\nA," + "x" * 500 + ",10,2,15\nB,1,2,1,2\n"
    message = error_for(write(tmp_path, content))
    assert "row 2" in message and len(message) < len(str(tmp_path)) + 150


def test_error_names_the_file_as_given(tmp_path):
    path = write(tmp_path, HEADER + "\nA,12,10,2,15\nB,1,2,1,2\n", name="my trials.csv")
    assert error_for(path).startswith(f"{path} row 2: ")
