"""The interpret stage on real annotated VCFs: the positive control, the 1000 Genomes samples, the Scout
clinical trio (GRCh37, VEP CSQ, numeric CLNSIG), consent gating, and bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from clinwgs.cli import main
from clinwgs.core.errors import ConfigError, InputIntegrityError
from clinwgs.models.findings import Classification, Findings, Tier
from tests.support.interpret_vcf import DATA, FASTA, FRAMESHIFT, MANIFEST, SETTINGS, record, run, write_vcf

SCOUT = DATA / "643594.clinical.vcf.gz"


def test_positive_control_pc001_is_tier1_brca1_frameshift() -> None:
    out = run(DATA / "PC001.annotated.vcf.gz", sample="PC001")
    assert len(out.findings) == 1
    f = out.findings[0]
    assert f.tier is Tier.TIER1 and f.annotation.gene == "BRCA1"
    assert (f.variant.chrom, f.variant.pos1, f.variant.ref, f.variant.alt) == ("chr17", 43124027, "ACT", "A")
    assert f.annotation.transcript == "ENST00000357654.3" and f.annotation.hgvs_p == "p.(Glu23ValfsTer17)"
    assert f.annotation.hgvs_c == "NM_007294.4:c.68_69del"
    # 3' rule on the forward strand: ACTCT -> the deleted CT is the last one (ClinVar 2015 wrote 28_29delCT)
    assert f.annotation.hgvs_g == "NC_000017.11:g.43124030_43124031del"
    assert f.variant.zygosity.value == "heterozygous" and f.genotype_fits_inheritance
    assert f.clinvar is not None and (f.clinvar.significance, f.clinvar.stars) == ("Pathogenic", 2)
    assert f.clinvar.accession == "RCV000019230.9" and f.clinvar.dbsnp == ["rs386833395"]
    # ExAC r0.3 carries this Ashkenazi founder allele at AF 0.0002389 > 0.0001: PM2_Supporting is not met,
    # so the automated class is PVS1 + PP5 = Likely pathogenic; ClinVar's Pathogenic (2 stars, no
    # conflicts) is
    # reported as a known pathogenic variant, and the difference is flagged
    assert f.classification is Classification.PATHOGENIC and f.classification_source == "clinvar"
    assert f.automated_classification is Classification.LIKELY_PATHOGENIC and f.discordant
    assert [c.code for c in f.criteria if c.status == "met"] == ["PVS1", "PP5"]
    assert out.panels[0].source == "lab-defined" and out.panels[0].version == "0.1-demo"


@pytest.mark.parametrize(("sample", "records"), [("HG00096", 155), ("HG00099", 154), ("HG00101", 8)])
def test_1000_genomes_samples_have_no_tier1(sample: str, records: int) -> None:
    out = run(DATA / f"{sample}.annotated.vcf.gz", sample=sample)
    assert out.variants_examined == records
    assert not [f for f in out.findings if f.tier is Tier.TIER1]
    assert out.findings == [] and out.for_review == []


def test_negative_report_lists_coverage_gaps_honestly() -> None:
    out = run(
        DATA / "HG00099.annotated.vcf.gz",
        sample="HG00099",
        thresholds=DATA / "HG00099.panel.thresholds.bed.gz",
        regions=DATA / "HG00099.panel.regions.bed.gz",
    )
    cov = {c.gene: c for c in out.coverage}
    assert list(cov) == ["BRCA1", "BRCA2", "PALB2", "ATM", "CHEK2", "RAD51C", "RAD51D"]
    assert not any(c.fully_assessed for c in cov.values())
    brca1 = cov["BRCA1"]
    assert 0 < brca1.fraction_at_threshold < 0.05 and 5 < brca1.mean_depth < 15  # ~5-8x low-coverage reads
    assert len(brca1.exons_below) == 25 and brca1.exons_below[0] == "chr17:43045678-43045802"
    assert cov["BRCA2"].exons_below == ["no gene model in the reference bundle"]


def _scout(sample: str, consent: bool) -> Findings:
    from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
    from clinwgs.interpret.settings import load_settings

    settings = load_settings(SETTINGS)
    settings = type(settings)(
        **{**settings.__dict__, "population_af": [("EXACAF", "ExAC"), ("1000GAF", "1000G")]}
    )
    request = SampleRequest(sample, "SCOUT_DEMO", "unknown", consent, "GRCh37", sample)
    return interpret(Inputs(SCOUT, databases={"ClinVar": "as annotated by Scout"}), request, settings)


def _surfaced(out: Findings) -> set[tuple[str, int, str]]:
    return {
        (f.variant.chrom, f.variant.pos1, f.annotation.gene)
        for f in [*out.findings, *out.for_review]
        if f.clinvar and {"Pathogenic", "Likely pathogenic"} & set(f.clinvar.submitted)
    }


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        # proband: SEMA4A (CLNSIG 5|2) and LDLR (5,255,2); COL18A1 21:46931109 (5) is 0/0 in the proband and
        # not in the panel; MT-CYB MT:15326 (4) is not in any panel
        ("ADM1059A2", {("1", 156146640, "SEMA4A"), ("19", 11210912, "LDLR")}),
        ("ADM1059A1", {("1", 156146640, "SEMA4A"), ("19", 11210912, "LDLR")}),
        ("ADM1059A3", {("19", 11210912, "LDLR")}),
    ],
)
def test_scout_trio_surfaces_exactly_its_clinvar_plp_records_in_panel_genes(
    sample: str, expected: set
) -> None:  # type: ignore[type-arg]
    out = _scout(sample, consent=True)
    assert out.variants_examined == 680
    assert _surfaced(out) == expected
    assert not [f for f in out.findings if f.tier is Tier.TIER1]  # both are common (BS1/BA1) in ExAC
    ldlr = next(f for f in out.for_review if f.annotation.gene == "LDLR")
    assert (
        ldlr.annotation.consequence == "synonymous_variant" and ldlr.classification is Classification.BENIGN
    )
    assert ldlr.clinvar is not None and ldlr.clinvar.significance.startswith("Conflicting")


def test_consent_gates_additional_findings(tmp_path: Path) -> None:
    vcf = DATA / "PC001.annotated.vcf.gz"
    without = run(vcf, test_code="R254", consent=False, sample="PC001")  # Familial melanoma: no BRCA1
    assert without.findings == [] and without.variants_in_panel == 0
    assert [p.name for p in without.panels] == ["Familial melanoma"]
    with_consent = run(vcf, test_code="R254", consent=True, sample="PC001")
    assert [p.name for p in with_consent.panels] == ["Familial melanoma", "ACMG SF v3.2"]
    f = with_consent.findings[0]
    assert f.additional_finding and f.panel.startswith("ACMG SF v3.2") and f.annotation.gene == "BRCA1"
    assert f.tier is Tier.TIER1 and with_consent.additional_findings_consented


def test_cli_writes_json_and_tsv(tmp_path: Path) -> None:
    out_json, out_tsv = tmp_path / "i" / "findings.json", tmp_path / "i" / "findings.tsv"
    rc = main(
        [
            "interpret",
            "--vcf",
            str(DATA / "PC001.annotated.vcf.gz"),
            "--sample-id",
            "PC001",
            "--test-code",
            "R208",
            "--settings",
            str(SETTINGS),
            "--database",
            "ClinVar=2015-02-04",
            "--reference",
            str(FASTA),
            "--manifest",
            str(MANIFEST),
            "--out-json",
            str(out_json),
            "--out-tsv",
            str(out_tsv),
        ]
    )
    assert rc == 0
    findings = Findings.model_validate(json.loads(out_json.read_text()))
    assert findings.databases == {"ClinVar": "2015-02-04"} and findings.schema_version == "1.4.0"
    assert "bcftools csq" in findings.tool_versions
    rows = out_tsv.read_text().splitlines()
    assert rows[0].startswith("tier\tgene") and rows[1].startswith("Tier 1\tBRCA1\tENST00000357654")
    assert sorted(p.name for p in out_json.parent.iterdir()) == ["findings.json", "findings.tsv"]


def test_missing_vcf_names_file_and_sample(tmp_path: Path) -> None:
    with pytest.raises(InputIntegrityError, match=r"sample S1-test, file .*nope\.vcf\.gz"):
        run(tmp_path / "nope.vcf.gz")


def test_truncated_vcf_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    data = (DATA / "HG00096.annotated.vcf.gz").read_bytes()
    bad = tmp_path / "trunc.vcf.gz"
    bad.write_bytes(data[: len(data) // 2])
    out_json = tmp_path / "findings.json"
    rc = main(
        [
            "interpret",
            "--vcf",
            str(bad),
            "--sample-id",
            "HG00096",
            "--test-code",
            "R208",
            "--settings",
            str(SETTINGS),
            "--out-json",
            str(out_json),
            "--out-tsv",
            str(tmp_path / "f.tsv"),
        ]
    )
    assert rc != 0 and not out_json.exists() and list(tmp_path.iterdir()) == [bad]


def test_multi_sample_vcf_needs_the_right_column() -> None:
    with pytest.raises(InputIntegrityError, match="ADM1059A1, ADM1059A2, ADM1059A3"):
        run(SCOUT, test_code="SCOUT_DEMO", sample="NOTHERE")


def test_non_pseudonymous_sample_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pseudonymous"):
        run(write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT}")), sample="John Smith 01/02/1960")


def test_vcf_without_consequences_blocks_release(tmp_path: Path) -> None:
    plain = tmp_path / "plain.vcf"
    with gzip.open(DATA / "HG00101.annotated.vcf.gz", "rt") as handle:
        lines = [ln for ln in handle if "ID=BCSQ" not in ln]
    plain.write_text("".join(ln.replace("BCSQ=", "XCSQ=") for ln in lines))
    out = run(plain, sample="HG00101")
    assert out.release_blocked and "no consequence annotation" in out.release_blockers[0]
    from clinwgs.report.context import summary_sentence

    assert summary_sentence(out).startswith(
        "Analysis incomplete"
    ) and "not a negative result" in summary_sentence(out)
