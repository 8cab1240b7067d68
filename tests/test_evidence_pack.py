"""The evidence pack loads, is internally consistent, and a malformed pack gets a message naming file, field, problem."""

import copy
import datetime as dt
import json

import pytest

from decisionaid.evidence.pack import PackError, default_pack_path, load_pack

RAW = json.loads(default_pack_path().read_text(encoding="utf-8"))


def write(tmp_path, data, name="pack.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def broken(tmp_path, change):
    data = copy.deepcopy(RAW)
    change(data)
    return write(tmp_path, data)


def test_shipped_pack_loads_with_version_and_review_date():
    pack = load_pack()
    assert pack.version == RAW["pack_version"]
    assert pack.last_reviewed == dt.date.fromisoformat(RAW["last_reviewed"])
    assert {t.id for t in pack.trials} >= {"wollmer2012", "finzi2014", "magid2014", "brin2020"}


def test_every_trial_has_a_citation_with_pmid_or_doi_except_the_case_series():
    pack = load_pack()
    for t in pack.trials:
        src = pack.sources[t.source]
        assert src.citation
        if t.kind != "case_series":
            assert src.pmid or src.doi, t.id


def test_every_derived_figure_says_how_and_unverified_figures_hold_no_number():
    pack = load_pack()
    for t in pack.trials:
        for o in filter(None, (t.response, t.remission)):
            for count in (o.treatment, o.control):
                for fig in (count.events, count.total):
                    if fig.provenance == "derived":
                        assert fig.method, t.id
                    if fig.provenance == "unverified":
                        assert fig.value is None, t.id
                    else:
                        assert fig.sources, t.id


def test_review_due_and_stale_follow_the_update_policy():
    pack = load_pack()
    due = pack.review_due()
    assert due.year == pack.last_reviewed.year + pack.review_every_months // 12
    assert not pack.is_stale(due)
    assert pack.is_stale(due + dt.timedelta(days=1))


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d["trials"][0]["randomized"].__setitem__("value", "thirty"), "trials[0].randomized.value", "thirty"),
    (lambda d: d.pop("last_reviewed"), "(top level)", "last_reviewed"),
    (lambda d: d["trials"][1].__setitem__("kind", "anecdote"), "trials[1].kind", "anecdote"),
    (lambda d: d["trials"][0]["response"]["control"]["events"].pop("method"),
     "trials[0].response.control.events", "method"),
    (lambda d: d["sources"]["wollmer2012"].__setitem__("pmid", "abc"), "sources.wollmer2012.pmid", "abc"),
    (lambda d: d["outcomes"][0]["trials"].append("nosuchtrial"), "outcomes[0].trials[3]", "nosuchtrial"),
    (lambda d: d["caveats"][0]["sources"].append("nosuchsource"), "caveats[0].sources[", "nosuchsource"),
    (lambda d: d["outcomes"][0]["certainty"]["downgrades"][0].__setitem__("caveat", "nosuchcaveat"),
     "outcomes[0].certainty.downgrades[0].caveat", "nosuchcaveat"),
    (lambda d: d["harms"]["items"][0].__setitem__("certainty", {"plain": "Unsure.", "downgrades": [
        {"domain": "indirectness", "levels": 1, "caveat": "nosuchcaveat", "reason": "Frown-line trials."}]}),
     "harms.items[0].certainty.downgrades[0].caveat", "nosuchcaveat"),
    (lambda d: d["trials"][0]["response"]["treatment"]["events"].__setitem__("value", 99),
     "trials[0].response.treatment.events.value", "99"),
    (lambda d: d.__setitem__("last_reviewed", "2026-02-30"), "last_reviewed", "2026-02-30"),
])
def test_malformed_pack_names_file_field_and_problem(tmp_path, change, field, words):
    with pytest.raises(PackError) as info:
        load_pack(broken(tmp_path, change))
    message = str(info.value)
    assert "pack.json" in message and field in message and words in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("content, words", [
    (b"{ not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"", "not valid JSON"),
])
def test_unreadable_pack_gets_a_plain_message(tmp_path, content, words):
    path = tmp_path / "pack.json"
    path.write_bytes(content)
    with pytest.raises(PackError, match=words):
        load_pack(path)


def test_missing_pack_file_is_named(tmp_path):
    with pytest.raises(PackError, match="gone.json.*cannot be read"):
        load_pack(tmp_path / "gone.json")


def test_missing_resources_folder_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("DECISIONAID_RESOURCES", str(tmp_path / "nowhere"))
    with pytest.raises(PackError, match="resource folder was not found"):
        load_pack()


def test_pack_with_an_empty_arm_is_refused(tmp_path):
    def empty(d):
        control = d["trials"][0]["response"]["control"]
        control["events"]["value"] = control["total"]["value"] = 0
    with pytest.raises(PackError, match=r"trials\[0\]\.response\.control\.total\.value.*0 people"):
        load_pack(broken(tmp_path, empty))


def test_outcome_needs_two_trials_with_complete_counts(tmp_path):
    def one_left(d):
        d["outcomes"][1]["trials"] = ["wollmer2012", "finzi2014"]  # Wollmer's placebo remission is unverified
    with pytest.raises(PackError, match=r"outcomes\[1\]\.trials: only 1 .*at least 2"):
        load_pack(broken(tmp_path, one_left))
