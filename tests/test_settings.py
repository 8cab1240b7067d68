"""Settings: defaults from the checklist, an owner-only file written atomically, and damaged files kept aside."""

import json
import os
import stat
import sys

import pytest

from decisionaid import paths, settings
from decisionaid.checklist.items import load_checklist
from decisionaid.settings import Settings

DEFAULT_CRISIS = load_checklist().crisis.default_text
HOSTILE = "<b>Dr Ng</b> & \u05e9\u05dc\u05d5\u05dd \U0001F600 e\u0301 \u202eRTL\u202c"


@pytest.fixture
def data_dir(data_dir):
    return paths.data_dir()  # created, owner-only


def test_defaults_take_the_crisis_text_from_the_checklist():
    s = Settings()
    assert (s.clinician_name, s.emergency_number) == ("", "")
    assert s.crisis_text == DEFAULT_CRISIS
    assert "988" in s.crisis_text  # the sheet's suggested default, not a copy in code


def test_missing_file_gives_defaults(data_dir):
    assert settings.load() == Settings()
    assert not (data_dir / "settings.json").exists()


def test_round_trip_through_the_default_path(data_dir):
    s = Settings(clinician_name=HOSTILE, crisis_text="Call the crisis team on 0000.\nSecond line",
                 emergency_number="112")
    written = settings.save(s)
    assert written == data_dir / "settings.json" == paths.settings_path()
    assert settings.load() == s


def test_explicit_path_is_used_and_its_folder_created(tmp_path):
    target = tmp_path / "elsewhere" / "my-settings.json"
    settings.save(Settings(clinician_name="A"), target)
    assert settings.load(target).clinician_name == "A"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_is_owner_only(data_dir):
    old = os.umask(0o022)
    try:
        path = settings.save(Settings(clinician_name="B"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    settings.save(Settings(clinician_name="C"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_leaves_no_temporary_files(data_dir):
    settings.save(Settings(clinician_name="D"))
    settings.save(Settings(clinician_name="E"))
    assert sorted(p.name for p in data_dir.iterdir()) == ["settings.json"]


def test_failed_write_keeps_the_old_file_and_cleans_up(data_dir, monkeypatch):
    settings.save(Settings(clinician_name="kept"))

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(settings.os, "replace", boom)
        with pytest.raises(OSError, match="No space"):
            settings.save(Settings(clinician_name="lost"))
    assert settings.load().clinician_name == "kept"
    assert sorted(p.name for p in data_dir.iterdir()) == ["settings.json"]


def test_the_default_crisis_text_is_not_frozen_into_the_file(data_dir):
    path = settings.save(Settings(clinician_name="F"))
    assert "crisis_text" not in json.loads(path.read_text(encoding="utf-8"))
    assert settings.load().crisis_text == DEFAULT_CRISIS


def test_a_changed_crisis_text_is_kept(data_dir):
    path = settings.save(Settings(crisis_text="Local crisis team: 0123 456"))
    assert json.loads(path.read_text(encoding="utf-8"))["crisis_text"] == "Local crisis team: 0123 456"
    assert settings.load().crisis_text == "Local crisis team: 0123 456"


@pytest.mark.parametrize("blank", ["", "   \n"])
def test_a_blank_crisis_text_falls_back_to_the_default(data_dir, blank):
    (data_dir / "settings.json").write_text(json.dumps({"format": 1, "crisis_text": blank}), encoding="utf-8")
    assert settings.load().crisis_text == DEFAULT_CRISIS
    settings.save(Settings(crisis_text=blank))
    assert settings.load().crisis_text == DEFAULT_CRISIS


def test_unknown_fields_from_a_newer_version_are_ignored(data_dir):
    (data_dir / "settings.json").write_text(json.dumps({"format": 2, "clinician_name": "G", "theme": "dark"}),
                                            encoding="utf-8")
    assert settings.load() == Settings(clinician_name="G")


@pytest.mark.parametrize("content", [
    b"{ not json", b"\xff\xfe\x00", b"", b"[1, 2]", b'"text"', b"null",
    json.dumps({"clinician_name": 42}).encode(),
    json.dumps({"clinician_name": "H", "crisis_text": ["a"]}).encode(),
])
def test_damaged_file_gives_defaults(data_dir, content):
    (data_dir / "settings.json").write_bytes(content)
    loaded = settings.load()
    assert loaded.crisis_text == DEFAULT_CRISIS and loaded.emergency_number == ""


def test_readable_fields_of_a_partly_damaged_file_are_kept(data_dir):
    (data_dir / "settings.json").write_text(json.dumps({"clinician_name": "I", "emergency_number": 999}),
                                            encoding="utf-8")
    assert settings.load() == Settings(clinician_name="I")


def test_damaged_file_is_moved_aside_not_overwritten(data_dir):
    path = data_dir / "settings.json"
    path.write_bytes(b"{ damaged")
    settings.save(Settings(clinician_name="J"))
    assert (data_dir / "settings.json.damaged-1").read_bytes() == b"{ damaged"
    assert settings.load().clinician_name == "J"
    path.write_bytes(b"also damaged")
    settings.save(Settings(clinician_name="K"))
    assert (data_dir / "settings.json.damaged-1").read_bytes() == b"{ damaged"
    assert (data_dir / "settings.json.damaged-2").read_bytes() == b"also damaged"
    assert settings.load().clinician_name == "K"


def test_a_good_file_is_replaced_without_a_copy_aside(data_dir):
    settings.save(Settings(clinician_name="L"))
    settings.save(Settings(clinician_name="M"))
    assert not list(data_dir.glob("*.damaged-*"))


def test_settings_is_frozen():
    with pytest.raises(Exception):
        Settings().clinician_name = "x"  # type: ignore[misc]


def test_settings_dialog_keeps_no_break_spaces_in_the_crisis_text(qtbot):
    """A number such as "116\u00a0123" must not be split across lines on the handout: the dialog keeps the NBSP."""
    from decisionaid import settings as settings_module
    from decisionaid.ui.settings_dialog import SettingsDialog

    text = "Samaritans 116\u00a0123, day and night"
    dialog = SettingsDialog(settings_module.Settings(crisis_text=text))
    qtbot.addWidget(dialog)
    assert dialog.result_settings().crisis_text == text
    odd = SettingsDialog(settings_module.Settings(crisis_text="\ufeffCall 999\u00a0now"))  # Qt reads U+FEFF as a BOM
    qtbot.addWidget(odd)
    assert odd.result_settings().crisis_text == "\ufeffCall 999\u00a0now"


def test_the_clinic_contact_is_kept_and_reread(data_dir):
    path = settings.save(Settings(clinic_contact="Riverside clinic <Mon-Fri> & nights: 0123 456"))
    assert json.loads(path.read_text(encoding="utf-8"))["clinic_contact"] == "Riverside clinic <Mon-Fri> & nights: 0123 456"
    assert settings.load().clinic_contact == "Riverside clinic <Mon-Fri> & nights: 0123 456"
    assert Settings().clinic_contact == ""


def test_settings_dialog_edits_the_clinic_contact(qtbot):
    from decisionaid import settings as settings_module
    from decisionaid.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings_module.Settings(clinic_contact="Old clinic"))
    qtbot.addWidget(dialog)
    assert dialog.clinic.text() == "Old clinic"
    dialog.clinic.setText("  Riverside clinic, 0123 456  ")
    assert dialog.result_settings().clinic_contact == "Riverside clinic, 0123 456"
