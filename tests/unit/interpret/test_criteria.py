"""Each ACMG criterion and each combining rule, through the real engine on small inline VCFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.interpret.combine import classify
from clinwgs.models.findings import Classification, CriterionResult, Finding, Tier
from tests.support.interpret_vcf import FRAMESHIFT, MISSENSE, STOP, SYNONYMOUS, record, run, write_vcf

P_CLINVAR = "CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts"


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def status(f: Finding, code: str) -> str:
    return next(c.status for c in f.criteria if c.code == code)


def test_pvs1_and_pm2_supporting_make_likely_pathogenic_tier1(tmp_path: Path) -> None:
    f = only(run(write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT}"))).findings)
    assert status(f, "PVS1") == "met" and status(f, "PM2_Supporting") == "met"
    assert f.classification is Classification.LIKELY_PATHOGENIC and f.tier is Tier.TIER1
    assert f.annotation.transcript == "ENST00000357654"


def test_clinvar_pathogenic_adds_pp5_and_makes_pathogenic(tmp_path: Path) -> None:
    f = only(
        run(write_vcf(tmp_path, record(f"BCSQ={STOP};{P_CLINVAR}", pos=43063903, ref="G", alt="A"))).findings
    )
    assert [c.code for c in f.criteria if c.status == "met"] == ["PVS1", "PM2_Supporting", "PP5"]
    assert f.classification is Classification.PATHOGENIC and f.tier is Tier.TIER1
    assert f.clinvar is not None and f.clinvar.stars == 2
    assert f.annotation.hgvs_p == "p.(Gln1756Ter)"


def test_pm2_not_met_above_cutoff_leaves_pvs1_plus_pp5(tmp_path: Path) -> None:
    f = only(
        run(write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT};{P_CLINVAR};POP_AF_EXAC=0.0002389"))).findings
    )
    assert status(f, "PM2_Supporting") == "not_met"
    # PVS1 + one supporting (SVI rule); ClinVar P with 2 stars is reported as known pathogenic beside it
    assert f.automated_classification is Classification.LIKELY_PATHOGENIC
    assert f.classification is Classification.PATHOGENIC and f.classification_source == "clinvar"
    assert f.discordant


def test_ba1_gives_benign_and_not_reported(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path, record(f"BCSQ={MISSENSE};POP_AF_1KG=0.2", pos=43071077, ref="T", alt="C"))
    findings = run(vcf)
    assert findings.findings == [] and findings.for_review == []
    assert findings.variants_in_panel == 1


def test_ba1_with_clinvar_pathogenic_goes_to_review_list(tmp_path: Path) -> None:
    info = f"BCSQ={MISSENSE};{P_CLINVAR};POP_AF_1KG=0.2"
    out = run(write_vcf(tmp_path, record(info, pos=43071077, ref="T", alt="C")))
    f = only(out.for_review)
    assert status(f, "BA1") == "met" and status(f, "PP5") == "met"
    assert f.classification is Classification.BENIGN  # BA1 is stand-alone; PP5 alone reaches no P/LP rule
    assert f.review_reason is not None and "ClinVar Pathogenic" in f.review_reason


def test_bs1_alone_is_vus_and_not_rare_so_not_tier2(tmp_path: Path) -> None:
    out = run(
        write_vcf(tmp_path, record(f"BCSQ={MISSENSE};POP_AF_EXAC=0.02", pos=43071077, ref="T", alt="C"))
    )
    assert out.findings == []


def test_rare_missense_vus_is_tier2(tmp_path: Path) -> None:
    f = only(run(write_vcf(tmp_path, record(f"BCSQ={MISSENSE}", pos=43071077, ref="T", alt="C"))).findings)
    assert f.classification is Classification.VUS and f.tier is Tier.TIER2
    assert status(f, "PVS1") == "not_met" and status(f, "PM2_Supporting") == "met"
    assert f.annotation.hgvs_p == "p.(Ser1613Gly)"


def test_bs1_plus_bp6_gives_likely_benign(tmp_path: Path) -> None:
    info = f"BCSQ={SYNONYMOUS};CLNSIG=Benign;CLNREVSTAT=criteria_provided,_single_submitter;POP_AF_EXAC=0.02"
    out = run(write_vcf(tmp_path, record(info, pos=43093220, ref="A", alt="G")))
    assert out.findings == [] and out.for_review == []


def test_pvs1_not_evaluated_when_lof_mechanism_unknown(tmp_path: Path) -> None:
    atm = "stop_gained|ATM|ENST00000278616|protein_coding|+|10Q>10*|1A>T"
    f = only(run(write_vcf(tmp_path, record(f"BCSQ={atm}", pos=43063903, ref="G", alt="A"))).findings)
    assert status(f, "PVS1") == "not_evaluated"
    assert f.classification is Classification.VUS and f.tier is Tier.TIER2


def test_every_unevaluated_criterion_is_listed(tmp_path: Path) -> None:
    f = only(run(write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT}"))).findings)
    not_evaluated = {c.code for c in f.criteria if c.status == "not_evaluated"}
    assert {"PS1", "PS2", "PS3", "PS4", "PM1", "PP3", "BP4", "BS2", "BP7"} <= not_evaluated
    assert all(c.evidence for c in f.criteria)


def test_failed_filter_pathogenic_goes_to_review(tmp_path: Path) -> None:
    out = run(write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT}", filt="LowDP")))
    assert out.findings == []
    assert "failed filters" in (only(out.for_review).review_reason or "")


def test_gene_outside_panel_is_ignored(tmp_path: Path) -> None:
    other = "frameshift|TP53|ENST00000269305|protein_coding|-|10E>10X|1A>T"
    out = run(write_vcf(tmp_path, record(f"BCSQ={other}")))
    assert out.findings == [] and out.variants_in_panel == 0 and out.variants_examined == 1


def test_compound_bcsq_entries_are_skipped(tmp_path: Path) -> None:
    out = run(write_vcf(tmp_path, record("BCSQ=@43124030", pos=43124027)))
    assert out.variants_in_panel == 0


def test_homozygous_reference_and_nocall_records_yield_nothing(tmp_path: Path) -> None:
    out = run(
        write_vcf(
            tmp_path,
            record(f"BCSQ={FRAMESHIFT}", gt="0/0"),
            record(f"BCSQ={STOP}", gt="./.", pos=43063903, ref="G"),
        )
    )
    assert out.variants_examined == 2 and out.findings == []


def _c(code: str, strength: str, direction: str) -> CriterionResult:
    return CriterionResult.model_validate(
        {"code": code, "status": "met", "strength": strength, "direction": direction, "evidence": "test"}
    )


VS, S, M, P = (
    lambda n: _c(n, "very_strong", "pathogenic"),
    lambda n: _c(n, "strong", "pathogenic"),
    lambda n: _c(n, "moderate", "pathogenic"),
    lambda n: _c(n, "supporting", "pathogenic"),
)
BA, BS, BP = (
    lambda n: _c(n, "stand_alone", "benign"),
    lambda n: _c(n, "strong", "benign"),
    lambda n: _c(n, "supporting", "benign"),
)
PATH, LP, VUS, LB, BEN = (
    Classification.PATHOGENIC,
    Classification.LIKELY_PATHOGENIC,
    Classification.VUS,
    Classification.LIKELY_BENIGN,
    Classification.BENIGN,
)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ([VS("PVS1"), S("PS3")], PATH),  # P (i)(a)
        ([VS("PVS1"), M("PM1"), M("PM5")], PATH),  # P (i)(b)
        ([VS("PVS1"), M("PM1"), P("PP3")], PATH),  # P (i)(c)
        ([VS("PVS1"), P("PP3"), P("PP5")], PATH),  # P (i)(d)
        ([S("PS1"), S("PS3")], PATH),  # P (ii)
        ([S("PS1"), M("PM1"), M("PM2"), M("PM5")], PATH),  # P (iii)(a)
        ([S("PS1"), M("PM1"), M("PM5"), P("PP1"), P("PP3")], PATH),  # P (iii)(b)
        ([S("PS1"), M("PM1"), P("PP1"), P("PP2"), P("PP3"), P("PP4")], PATH),  # P (iii)(c)
        ([VS("PVS1"), M("PM1")], LP),  # LP (i)
        ([VS("PVS1"), P("PM2_Supporting")], LP),  # ClinGen SVI 2020
        ([S("PS1"), M("PM1")], LP),  # LP (ii)
        ([S("PS1"), P("PP1"), P("PP3")], LP),  # LP (iii)
        ([M("PM1"), M("PM4"), M("PM5")], LP),  # LP (iv)
        ([M("PM1"), M("PM5"), P("PP1"), P("PP3")], LP),  # LP (v)
        ([M("PM1"), P("PP1"), P("PP2"), P("PP3"), P("PP4")], LP),  # LP (vi)
        ([BA("BA1")], BEN),  # B (i)
        ([BS("BS1"), BS("BS2")], BEN),  # B (ii)
        ([BS("BS1"), BP("BP6")], LB),  # LB (i)
        ([BP("BP4"), BP("BP6")], LB),  # LB (ii)
        ([VS("PVS1")], VUS),  # not enough
        ([S("PS1")], VUS),
        ([BS("BS1")], VUS),
        ([VS("PVS1"), S("PS3"), BA("BA1")], VUS),  # contradictory
        ([], VUS),
    ],
)
def test_acmg_2015_combining_rules(criteria: list[CriterionResult], expected: Classification) -> None:
    assert classify(criteria) is expected
