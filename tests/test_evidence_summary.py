"""Pooled estimates, natural frequencies, NNT and certainty as the Evidence screen and CLI show them."""

import datetime as dt
import json

import pytest

from decisionaid.cli import main
from decisionaid.evidence.certainty import rate
from decisionaid.evidence.frequencies import natural_frequencies
from decisionaid.evidence.pack import Downgrade, load_pack
from decisionaid.evidence.summary import summarise


@pytest.fixture(scope="module")
def summary():
    return summarise(load_pack(), dt.date(2026, 11, 21))


def test_pooled_response_odds_ratio_agrees_with_the_published_pool(summary):
    analysis = summary.outcome("response")
    published = analysis.outcome.published_check
    assert published.measure == "or"
    assert round(analysis.result("or", "dl").pooled.estimate, 1) == published.value


def test_only_complete_placebo_controlled_counts_are_pooled(summary):
    response = summary.outcome("response")
    assert [t.id for t in response.included] == ["wollmer2012", "finzi2014", "magid2014"]
    remission = summary.outcome("remission")
    excluded = {e.trial.id: e.reason for e in remission.excluded}
    assert "wollmer2012" in excluded and "not reported" in excluded["wollmer2012"]
    assert "onadep2024" in excluded and "brin2020" in excluded


def test_continuity_correction_only_for_the_zero_cell_trial(summary):
    result = summary.outcome("response").result("or", "dl")
    assert [s.label for s in result.studies if s.corrected] == ["Magid 2014"]


def test_natural_frequencies_use_the_placebo_arms_and_pooled_rr(summary):
    analysis = summary.outcome("response")
    rr = analysis.result("rr", "dl").pooled
    f = analysis.frequencies
    assert (f.control_events, f.control_total) == (2 + 6 + 0, 15 + 41 + 19)
    assert f.control_per_100 == pytest.approx(100 * 8 / 75)
    assert f.treatment_per_100 == pytest.approx(100 * 8 / 75 * rr.estimate)
    assert f.treatment_low < f.treatment_per_100 < f.treatment_high
    assert f.nnt == pytest.approx(1 / (f.treatment_per_100 / 100 - 8 / 75))


def test_no_nnt_when_the_interval_includes_no_effect():
    f = natural_frequencies(10, 100, 1.3, 0.8, 2.1)
    assert f.nnt is None
    assert f.treatment_per_100 == pytest.approx(13.0)


def test_per_100_never_exceeds_100():
    f = natural_frequencies(60, 100, 2.5, 1.5, 4.0)
    assert f.treatment_high == 100.0 and f.nnt_low == pytest.approx(1 / 0.4)


def test_certainty_drops_one_level_per_downgrade_and_floors_at_very_low():
    g = Downgrade("risk_of_bias", 1, "unblinding", "x")
    assert rate(()).level == "high"
    assert rate((g,)).level == "moderate"
    assert rate((g, g)).level == "low"
    assert rate((g, g, g, g)).level == "very low"
    assert rate((g, g, g, g)).levels_removed == 4


def test_pack_certainty_is_tied_to_named_caveats(summary):
    caveats = {c.id for c in summary.pack.caveats}
    for analysis in summary.outcomes:
        assert analysis.certainty.downgrades
        assert {g.caveat for g in analysis.certainty.downgrades} <= caveats


def test_stale_summary_after_policy_period():
    pack = load_pack()
    assert summarise(pack, pack.review_due() + dt.timedelta(days=1)).stale
    assert not summarise(pack, pack.last_reviewed).stale


def test_evidence_command_json(capsys):
    assert main(["evidence", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    pack = load_pack()
    assert data["pack_version"] == pack.version and data["last_reviewed"] == pack.last_reviewed.isoformat()
    response = next(o for o in data["outcomes"] if o["outcome"] == "response")
    assert round(response["pooled"]["or_dl"]["pooled"]["estimate"], 1) == 8.3
    assert response["certainty"]["level"] == "very low"
    assert {t["study"] for t in data["trials"]} >= {"Wollmer 2012", "Brin 2020 (Allergan)"}
    finzi = next(t for t in data["trials"] if t["id"] == "finzi2014")
    assert finzi["response"]["treatment"]["provenance"] == "calculated by decisionaid"
    assert finzi["response"]["treatment"]["source"].startswith("Calculated by decisionaid from ")


def test_evidence_command_text_states_off_label_and_review_date(capsys):
    assert main(["evidence"]) == 0
    out = capsys.readouterr().out
    pack = load_pack()
    assert "off-label" in out and pack.version in out and pack.last_reviewed.isoformat() in out
    assert "Certainty: VERY LOW" in out


def test_evidence_command_bad_pack_is_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "pack.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("DECISIONAID_RESOURCES", str(tmp_path))
    assert main(["evidence"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
