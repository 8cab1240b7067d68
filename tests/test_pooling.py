"""Pooling two-arm trials: checked against statsmodels, against published metafor/Stata output,
and against the published response odds ratio for glabellar botulinum toxin in depression."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

from decisionaid.evidence.pooling import PoolingError, Study, chi2_sf, pool, result_to_dict, result_to_text

# ---------------------------------------------------------------------------------------------
# Data sets

# BCG vaccine trials (Colditz et al. 1994), `dat.bcg` in R metafor/metadat: tpos, tneg, cpos, cneg.
BCG_ROWS = [
    ("Aronson 1948", 4, 119, 11, 128), ("Ferguson & Simes 1949", 6, 300, 29, 274),
    ("Rosenthal 1960", 3, 228, 11, 209), ("Hart & Sutherland 1977", 62, 13536, 248, 12619),
    ("Frimodt-Moller 1973", 33, 5036, 47, 5761), ("Stein & Aronson 1953", 180, 1361, 372, 1079),
    ("Vandiviere 1973", 8, 2537, 10, 619), ("TPT Madras 1980", 505, 87886, 499, 87892),
    ("Coetzee & Berjak 1968", 29, 7470, 45, 7232), ("Rosenthal 1961", 17, 1699, 65, 1600),
    ("Comstock 1974", 186, 50448, 141, 27197), ("Comstock & Webster 1969", 5, 2493, 3, 2338),
    ("Comstock 1976", 27, 16886, 29, 17825),
]
BCG = [Study(name, tp, tp + tn, cp, cp + cn) for name, tp, tn, cp, cn in BCG_ROWS]

# CLASP example of DerSimonian & Kacker (2007), Contemp Clin Trials 28:105-114, as coded in
# wviechtb/metafor tests/testthat/test_analysis_example_dersimonian2007.r (ai, n1i, ci, n2i).
CLASP = [Study(f"CLASP {i + 1}", a, n1, c, n2) for i, (a, n1, c, n2) in enumerate(zip(
    (5, 5, 12, 69, 9, 313), (156, 303, 565, 1570, 103, 4659),
    (8, 17, 9, 94, 11, 352), (74, 303, 477, 1565, 105, 4650)))]

# Response to glabellar botulinum toxin vs placebo, the three RCTs pooled by Parsaik et al. (2016).
RESPONSE = [Study("Wollmer 2012", 9, 15, 2, 15), Study("Finzi 2014", 17, 33, 6, 41),
            Study("Magid 2014", 6, 11, 0, 19)]

# Made up to exercise zero cells: a zero event arm, an all-events arm, and ordinary studies.
ZEROS = [Study("none treated", 0, 20, 3, 20), Study("none control", 5, 10, 0, 12),
         Study("all treated", 10, 10, 7, 9), Study("plain 1", 4, 30, 9, 31), Study("plain 2", 12, 40, 20, 38)]

# ---------------------------------------------------------------------------------------------
# statsmodels as the oracle


def oracle(studies, measure, method, correction=0.5):
    """The same analysis done with statsmodels.

    The 0.5 is added to every cell of zero-cell studies here, before statsmodels sees the counts:
    statsmodels 0.15's own `zero_correction=0.5` adds 0.5 to the events of every study but grows the
    totals only of zero-cell studies. And its "dl" does not truncate a negative tau^2 at zero, so
    when it is negative the truncated DerSimonian-Laird answer is the fixed-effect one.
    """
    a1, n1, a2, n2 = [], [], [], []
    for s in studies:
        cells = (s.events_treatment, s.total_treatment - s.events_treatment,
                 s.events_control, s.total_control - s.events_control)
        cc = correction if 0 in cells else 0.0
        a1.append(s.events_treatment + cc)
        n1.append(s.total_treatment + 2 * cc)
        a2.append(s.events_control + cc)
        n2.append(s.total_control + 2 * cc)
    statistic = {"rr": "risk-ratio", "or": "odds-ratio"}[measure]
    eff, var = effectsize_2proportions(np.array(a1), np.array(n1), np.array(a2), np.array(n2),
                                       statistic=statistic)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # sqrt of a negative HKSJ variance we do not use
        res = combine_effects(eff, var, method_re="dl", use_t=False)
        ci_fe, ci_re, _, _ = res.conf_int(use_t=False)
    random_effects = method == "dl" and res.tau2 > 0
    return {
        "log": res.mean_effect_re if random_effects else res.mean_effect_fe,
        "se": res.sd_eff_w_re if random_effects else res.sd_eff_w_fe,
        "ci": np.exp(ci_re if random_effects else ci_fe),
        "weights": 100 * (res.weights_rel_re if random_effects else res.weights_rel_fe),
        "tau2": max(0.0, res.tau2),
        "q": res.q,
        "i2": 100 * max(0.0, res.i2),
        "q_p": res.test_homogeneity().pvalue,
        "study_log": eff,
        "study_se": np.sqrt(var),
    }


def assert_matches_oracle(studies, measure, method, rel=1e-9):
    got = pool(studies, measure=measure, method=method)
    want = oracle(studies, measure, method)
    approx = lambda x: pytest.approx(x, rel=rel, abs=1e-10)  # noqa: E731
    assert got.pooled.log_estimate == approx(want["log"])
    assert got.pooled.se == approx(want["se"])
    assert got.pooled.estimate == approx(math.exp(want["log"]))
    assert (got.pooled.ci_low, got.pooled.ci_high) == approx(tuple(want["ci"]))
    assert got.heterogeneity.tau2 == approx(want["tau2"])
    assert got.heterogeneity.q == approx(want["q"])
    assert got.heterogeneity.i2 == pytest.approx(want["i2"], rel=rel, abs=1e-7)
    assert got.heterogeneity.p == pytest.approx(want["q_p"], rel=1e-7, abs=1e-12)
    assert [s.weight for s in got.studies] == approx(list(want["weights"]))
    assert [s.log_estimate for s in got.studies] == approx(list(want["study_log"]))
    assert [s.se for s in got.studies] == approx(list(want["study_se"]))


@pytest.mark.parametrize("method", ["dl", "fixed"])
@pytest.mark.parametrize("name,studies,measure", [
    ("bcg", BCG, "rr"), ("bcg", BCG, "or"), ("clasp", CLASP, "or"), ("clasp", CLASP, "rr"),
    ("response", RESPONSE, "or"), ("response", RESPONSE, "rr"), ("zeros", ZEROS, "or"), ("zeros", ZEROS, "rr"),
])
def test_matches_statsmodels(name, studies, measure, method):
    assert_matches_oracle(studies, measure, method)


@st.composite
def study_sets(draw):
    k = draw(st.integers(min_value=2, max_value=8))
    studies = []
    for i in range(k):
        n1 = draw(st.integers(min_value=1, max_value=300))
        n2 = draw(st.integers(min_value=1, max_value=300))
        studies.append(Study(f"S{i}", draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2))
    return studies


@settings(max_examples=300, deadline=None)
@given(studies=study_sets(), measure=st.sampled_from(["rr", "or"]), method=st.sampled_from(["dl", "fixed"]))
def test_random_study_sets_match_statsmodels(studies, measure, method):
    result_or_error = None
    try:
        result_or_error = pool(studies, measure=measure, method=method)
    except PoolingError as exc:
        result_or_error = exc
    usable = [s for s in studies if not (s.events_treatment == 0 and s.events_control == 0)
              and not (measure == "or" and s.events_treatment == s.total_treatment
                       and s.events_control == s.total_control)]
    if len(usable) < 2:
        assert isinstance(result_or_error, PoolingError)
        assert "at least 2 studies" in str(result_or_error)
        return
    assert not isinstance(result_or_error, PoolingError)
    assert result_or_error.k == len(usable)
    assert_matches_oracle(usable, measure, method, rel=1e-7)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(min_value=0, max_value=500), df=st.integers(min_value=1, max_value=200))
def test_chi2_survival_matches_scipy(x, df):
    from scipy.stats import chi2

    assert chi2_sf(x, df) == pytest.approx(chi2.sf(x, df), rel=1e-9, abs=1e-15)


# ---------------------------------------------------------------------------------------------
# Published results

# Source for every BCG number below: metafor's comparison with Stata's metan,
# wviechtb/metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r
# (https://rdrr.io/cran/metafor/src/tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r).
# Published to 4 decimals; we require agreement to within 1e-4 (better than 3 decimals).


def test_bcg_log_rr_dersimonian_laird_matches_published():
    r = pool(BCG, measure="rr", method="dl")
    # RE model w/ DL estimator, measure='RR' ("metan tpos tneg cpos cneg, randomi nograph rr log")
    assert r.pooled.log_estimate == pytest.approx(-0.7141, abs=1e-4)
    assert r.pooled.ci_low == pytest.approx(0.3449, abs=1e-4)  # predict(res, transf=exp)
    assert r.pooled.ci_high == pytest.approx(0.6950, abs=1e-4)
    assert math.log(r.pooled.ci_low) == pytest.approx(-1.0644, abs=1e-4)
    assert math.log(r.pooled.ci_high) == pytest.approx(-0.3638, abs=1e-4)
    assert r.pooled.estimate == pytest.approx(0.4896, abs=1e-4)
    assert r.pooled.z == pytest.approx(-3.9952, abs=1e-4)
    # SE is not printed in that file; it follows from the published beta and zval: 0.7141 / 3.9952.
    assert r.pooled.se == pytest.approx(0.7141 / 3.9952, abs=1e-4)
    assert r.heterogeneity.tau2 == pytest.approx(0.3088, abs=1e-4)
    assert r.heterogeneity.i2 == pytest.approx(92.1173, abs=1e-4)
    assert r.heterogeneity.q == pytest.approx(152.2330, abs=1e-4)  # QE of the FE fit; Q does not depend on tau^2
    assert r.heterogeneity.df == 12 and r.k == 13
    assert r.significant


def test_bcg_log_rr_fixed_effect_matches_published():
    r = pool(BCG, measure="rr", method="fixed")
    # FE model, measure='RR' ("metan ..., fixedi nograph rr log")
    assert r.pooled.log_estimate == pytest.approx(-0.4303, abs=1e-4)
    assert r.pooled.z == pytest.approx(-10.6247, abs=1e-4)
    assert (r.pooled.estimate, r.pooled.ci_low, r.pooled.ci_high) == pytest.approx((0.6503, 0.6007, 0.7040),
                                                                                    abs=1e-4)
    assert r.heterogeneity.q == pytest.approx(152.2330, abs=1e-4)


def test_bcg_log_or_matches_published():
    dl = pool(BCG, measure="or", method="dl")
    # RE model w/ DL estimator, measure='OR' ("metan ..., randomi nograph or log")
    assert dl.pooled.log_estimate == pytest.approx(-0.7474, abs=1e-4)
    assert math.log(dl.pooled.ci_low) == pytest.approx(-1.1242, abs=1e-4)
    assert math.log(dl.pooled.ci_high) == pytest.approx(-0.3706, abs=1e-4)
    assert dl.pooled.z == pytest.approx(-3.8873, abs=1e-4)
    assert dl.heterogeneity.tau2 == pytest.approx(0.3663, abs=1e-4)
    assert dl.heterogeneity.i2 == pytest.approx(92.6455, abs=1e-4)
    assert (dl.pooled.estimate, dl.pooled.ci_low, dl.pooled.ci_high) == pytest.approx((0.4736, 0.3249, 0.6903),
                                                                                       abs=1e-4)
    fe = pool(BCG, measure="or", method="fixed")
    # FE model, measure='OR' ("metan ..., fixedi nograph or log")
    assert fe.pooled.log_estimate == pytest.approx(-0.4361, abs=1e-4)
    assert fe.pooled.z == pytest.approx(-10.3190, abs=1e-4)
    assert fe.heterogeneity.q == pytest.approx(163.1649, abs=1e-4)


def test_clasp_log_or_dersimonian_laird_matches_dersimonian_kacker_2007():
    # DerSimonian & Kacker (2007), Tables 3 and 4 (pp. 111-112), column "DL": tau 0.2323,
    # mu -0.3240, se 0.1540; quoted in wviechtb/metafor tests/testthat/test_analysis_example_dersimonian2007.r
    r = pool(CLASP, measure="or", method="dl")
    assert math.sqrt(r.heterogeneity.tau2) == pytest.approx(0.2323, abs=1e-4)
    assert r.pooled.log_estimate == pytest.approx(-0.3240, abs=1e-4)
    assert r.pooled.se == pytest.approx(0.1540, abs=1e-4)
    assert not any(s.corrected for s in r.studies)


def test_botulinum_response_odds_ratio_matches_parsaik_2016():
    # 'Role of botulinum toxin in depression' (cited as Parsaik et al. 2016), abstract, as recorded in the team's
    # fact sheet section 4: response 8.3 times higher (pooled OR), no heterogeneity for response.
    # (A helper's lookup found J Psychiatr Pract 22(2):99-110, PMID 27138078; not yet in the fact sheet.)
    r = pool(RESPONSE, measure="or", method="dl")
    assert round(r.pooled.estimate, 1) == 8.3
    assert r.heterogeneity.tau2 == 0.0 and r.heterogeneity.i2 == 0.0
    assert [s.label for s in r.studies if s.corrected] == ["Magid 2014"]
    assert result_to_dict(r)["corrected_studies"] == ["Magid 2014"]
    magid = r.studies[2]  # (6.5 * 19.5) / (5.5 * 0.5)
    assert magid.estimate == pytest.approx(6.5 * 19.5 / (5.5 * 0.5))


# ---------------------------------------------------------------------------------------------
# Behaviour


def test_continuity_correction_only_touches_zero_cell_studies():
    r = pool(ZEROS, measure="or")
    assert {s.label: s.corrected for s in r.studies} == {
        "none treated": True, "none control": True, "all treated": True, "plain 1": False, "plain 2": False}
    plain = r.studies[3]
    assert plain.estimate == pytest.approx((4 * 22) / (26 * 9))  # raw counts, nothing added
    assert plain.se == pytest.approx(math.sqrt(1 / 4 + 1 / 26 + 1 / 9 + 1 / 22))
    rr = pool(ZEROS, measure="rr").studies[0]  # 0/20 vs 3/20 -> 0.5/21 vs 3.5/21
    assert rr.estimate == pytest.approx(0.5 / 3.5)
    assert rr.se == pytest.approx(math.sqrt(1 / 0.5 - 1 / 21 + 1 / 3.5 - 1 / 21))


def test_double_zero_studies_are_excluded_and_named():
    studies = RESPONSE + [Study("Nobody responded", 0, 12, 0, 14)]
    r = pool(studies, measure="or")
    assert r.excluded == ("Nobody responded",) and r.k == 3
    assert [s.label for s in r.studies] == [s.label for s in RESPONSE]
    assert r.pooled == pool(RESPONSE, measure="or").pooled
    assert "Nobody responded" in result_to_text(r)
    assert result_to_dict(r)["excluded"] == ["Nobody responded"]


def test_all_events_in_both_arms_is_excluded_for_odds_ratio_only():
    studies = RESPONSE + [Study("Everyone responded", 12, 12, 14, 14)]
    assert pool(studies, measure="or").excluded == ("Everyone responded",)
    rr = pool(studies, measure="rr")
    assert rr.excluded == () and rr.k == 4
    assert rr.studies[3].corrected  # zero non-events cells: 12.5/13 vs 14.5/15
    assert rr.studies[3].estimate == pytest.approx((12.5 / 13) / (14.5 / 15))


@pytest.mark.parametrize("measure", ["rr", "or"])
@pytest.mark.parametrize("method", ["dl", "fixed"])
def test_weights_sum_to_100(measure, method):
    for studies in (BCG, CLASP, RESPONSE, ZEROS):
        r = pool(studies, measure=measure, method=method)
        assert sum(s.weight for s in r.studies) == pytest.approx(100.0)
        assert all(0 < s.weight < 100 for s in r.studies)


def test_fixed_and_random_agree_when_tau2_is_zero_and_differ_otherwise():
    dl, fe = pool(RESPONSE, "or", "dl"), pool(RESPONSE, "or", "fixed")
    assert dl.heterogeneity.tau2 == 0.0
    assert dl.pooled == fe.pooled
    assert [s.weight for s in dl.studies] == [s.weight for s in fe.studies]
    dl, fe = pool(BCG, "rr", "dl"), pool(BCG, "rr", "fixed")
    assert dl.heterogeneity.tau2 > 0
    assert dl.pooled.se > fe.pooled.se  # random effects widens the interval


def test_identical_studies_have_no_heterogeneity():
    r = pool([Study("A", 5, 20, 10, 20), Study("B", 5, 20, 10, 20)], "rr")
    assert r.heterogeneity.q == pytest.approx(0.0, abs=1e-12)
    assert r.heterogeneity.i2 == 0.0 and r.heterogeneity.tau2 == 0.0
    assert r.heterogeneity.p == pytest.approx(1.0)


def test_significance_follows_the_confidence_interval():
    assert pool(BCG).significant  # RR 0.49 (0.34 to 0.70)
    null = pool([Study("A", 10, 50, 10, 50), Study("B", 12, 60, 11, 58)])
    assert null.pooled.ci_low < 1 < null.pooled.ci_high and not null.significant
    assert "95% CI includes 1" in result_to_text(null)


def test_dict_is_json_ready_with_ratio_and_log_scales():
    import json

    d = json.loads(json.dumps(result_to_dict(pool(RESPONSE, "or"))))
    assert {"measure", "method", "k", "pooled", "heterogeneity", "studies", "continuity_correction",
            "corrected_studies", "excluded"} <= d.keys()
    assert d["measure"] == "or" and d["method"] == "dl" and d["k"] == 3
    assert set(d["pooled"]) >= {"estimate", "ci_low", "ci_high", "log_estimate", "se", "z", "p"}
    assert set(d["heterogeneity"]) >= {"tau2", "i2", "q", "df", "p"}
    assert d["pooled"]["estimate"] == pytest.approx(math.exp(d["pooled"]["log_estimate"]))
    assert d["continuity_correction"] == 0.5
    for row in d["studies"]:
        assert {"study", "estimate", "ci_low", "ci_high", "weight", "corrected"} <= row.keys()
        assert row["ci_low"] < row["estimate"] < row["ci_high"]


def test_text_names_measure_method_studies_and_correction():
    text = result_to_text(pool(RESPONSE, "or", "dl"))
    assert "odds ratio" in text and "DerSimonian-Laird" in text
    assert "8.27" in text and "Magid 2014 *" in text and "Wollmer 2012 *" not in text
    assert "0.5 was added" in text
    fixed = result_to_text(pool(BCG, "rr", "fixed"))
    assert "risk ratio" in fixed and "fixed effect" in fixed and "0.5 was added" not in fixed


# ---------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize("studies,kwargs,fragment", [
    (RESPONSE, {"measure": "rd"}, "unknown measure"),
    (RESPONSE, {"method": "reml"}, "unknown method"),
    (RESPONSE, {"correction": 0}, "correction"),
    ([Study("Only", 3, 10, 1, 10)], {}, "at least 2 studies"),
    ([], {}, "at least 2 studies"),
    ([Study("A", 3, 10, 1, 10), Study("Empty", 0, 10, 0, 10)], {}, "at least 2 studies"),
    ([Study("A", 3, 10, 1, 10), Study("Big", 12, 10, 1, 10)], {}, "Big: 12 events but only 10 patients"),
    ([Study("A", 3, 10, 1, 10), Study("Neg", -1, 10, 1, 10)], {}, "Neg: counts cannot be negative"),
    ([Study("A", 3, 10, 1, 10), Study("NoArm", 0, 0, 1, 10)], {}, "NoArm: the treatment arm has no patients"),
    ([Study("A", 3, 10, 1, 10), Study("Half", 1.5, 10, 1, 10)], {}, "Half: counts must be whole numbers"),
])
def test_invalid_input_raises_one_line_pooling_error(studies, kwargs, fragment):
    with pytest.raises(PoolingError) as info:
        pool(studies, **kwargs)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_too_few_usable_studies_names_the_excluded_one():
    with pytest.raises(PoolingError, match="Empty"):
        pool([Study("A", 3, 10, 1, 10), Study("Empty", 0, 10, 0, 10)])
