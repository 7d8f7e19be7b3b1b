"""SV/CNV findings through the whole interpret stage (issue 17): a real 1000 Genomes sample's annotated VCF
with a hand-made SV VCF following the contract, on the real GRCh38_BRCA1 bundle (GFF3, manifest) and the R208
demo panel (BRCA1: MONOALLELIC, loss of function established)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.output import write_findings
from clinwgs.models.findings import Classification, Findings, Tier, result_status
from tests.support.interpret_vcf import DATA, run
from tests.support.sv_vcf import write_sv_vcf

REPO = Path(__file__).resolve().parents[3]
GFF3 = REPO / "reference" / "GRCh38_BRCA1" / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
BAM = REPO / "reference" / "demo_reads" / "HG00096.BRCA1.GRCh38.bam"
EXON_1_2_DEL = (
    "chr17",
    43_116_499,
    "DEL",
    43_126_000,
    "CIPOS=-20,20;CIEND=-15,15;CN=1;DEPTH_RATIO=0.51;CALLERS=delly,cnvkit;PE=14;SR=9",
    "PASS",
    "0/1",
)
EXON_12_DUP = (
    "chr17",
    43_080_000,
    "DUP",
    43_084_000,
    "CN=3;DEPTH_RATIO=1.47;CALLERS=delly;PE=8;SR=3",
    "PASS",
    "0/1",
)
INTRONIC = ("chr17", 43_100_000, "DEL", 43_100_400, "CALLERS=delly;PE=5;SR=2", "PASS", "0/1")
FAILED = ("chr17", 43_090_000, "DEL", 43_092_000, "CALLERS=delly;PE=2", "LowQual", "0/1")


def _sv(tmp_path: Path, records: list) -> Path:  # type: ignore[type-arg]
    return write_sv_vcf(
        tmp_path / "HG00096.sv.vcf", records, sample="HG00096", contig="chr17", length=83_257_441
    )


def test_brca1_exon_deletion_is_tier1_and_the_duplication_tier2(tmp_path: Path) -> None:
    sv = _sv(tmp_path, [EXON_12_DUP, INTRONIC, FAILED, EXON_1_2_DEL])
    out = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)
    assert out.findings == []  # the sample's small variants: nothing reportable
    sa = out.structural_analysis
    assert sa is not None and (sa.events_examined, sa.events_passed, sa.events_in_panel_genes) == (4, 3, 3)
    assert sa.callers == ["cnvkit", "delly"]
    by_tier = {f.tier: f for f in out.structural_findings}
    deletion, dup, intronic = by_tier[Tier.TIER1], by_tier[Tier.TIER2], by_tier[Tier.NONE]
    brca1 = deletion.genes[0]
    assert (brca1.gene, brca1.hgnc_id, brca1.transcript_refseq) == ("BRCA1", "HGNC:1100", "NM_007294.4")
    assert (brca1.exons, brca1.exons_label, brca1.frame) == ([1, 2], "exons 1-2 of 23", "start_lost")
    assert deletion.event.start1 == 43_116_500 and deletion.event.copy_number == 1
    # 1A 0 + 2C-1 0.90 (5' end of an established HI gene, coding sequence involved) = 0.90: likely pathogenic
    assert [c.code for c in deletion.criteria if c.status == "met"] == ["1A", "2C-1", "3A"]
    assert deletion.cnv_points == pytest.approx(0.9)
    assert deletion.classification is Classification.LIKELY_PATHOGENIC
    assert not deletion.confirmation_required  # split and paired reads support it
    assert (dup.consequence, dup.genes[0].exons, dup.confirmation_method) == (
        "intragenic_duplication",
        [12],
        "MLPA",
    )
    assert dup.confirmation_required and dup.classification is Classification.VUS
    assert intronic.consequence == "intronic_deletion" and "not reported" in (intronic.review_reason or "")
    assert result_status(out) == "positive"
    assert not out.release_blocked


def test_findings_json_without_sv_analysis_is_unchanged(tmp_path: Path) -> None:
    out = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3)
    assert out.structural_analysis is None and out.structural_findings == []
    write_findings(out, tmp_path / "f.json", tmp_path / "f.tsv")
    data = json.loads((tmp_path / "f.json").read_text())
    assert "structural_analysis" not in data and "structural_findings" not in data
    assert Findings.model_validate(data).structural_analysis is None


def test_findings_json_round_trips_with_sv_findings(tmp_path: Path) -> None:
    sv = _sv(tmp_path, [EXON_1_2_DEL])
    out = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)
    write_findings(out, tmp_path / "f.json", tmp_path / "f.tsv")
    back = Findings.model_validate_json((tmp_path / "f.json").read_text())
    assert back.structural_findings == out.structural_findings and back.schema_version == "1.4.0"


def test_no_sv_finding_without_a_panel_gene_and_no_gene_models_blocks(tmp_path: Path) -> None:
    sv = _sv(tmp_path, [("chr17", 43_200_000, "DEL", 43_210_000, "CALLERS=delly;PE=9", "PASS", "0/1")])
    out = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)
    assert out.structural_findings == [] and out.structural_analysis is not None
    assert out.structural_analysis.events_passed == 1
    blocked = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", sv_vcf=sv)  # no GFF3
    assert blocked.release_blocked and any("no gene models" in b for b in blocked.release_blockers)


def test_depth_profile_from_the_alignment(tmp_path: Path) -> None:
    # HG00096 (1000 Genomes, low coverage) carries no BRCA1 deletion: the depth over the hand-made event
    # stays near the flanks' (the plot would show the call is not supported by depth)
    sv = _sv(tmp_path, [("chr17", 43_090_000, "DEL", 43_100_000, "CALLERS=delly;PE=9;SR=4", "PASS", "0/1")])
    out = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv, sv_alignment=BAM)
    (finding,) = out.structural_findings
    profile = finding.depth_profile
    assert 38 <= len(profile) <= 41 and profile[0].start1 < 43_090_001 < 43_100_000 < profile[-1].end1
    inside = sorted(b.ratio or 0 for b in profile if b.start1 >= 43_090_001 and b.end1 <= 43_100_000)
    assert 0.5 < inside[len(inside) // 2] < 1.6
    assert all(b.depth >= 0 for b in profile)


def test_bad_sv_vcf_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sv.vcf"
    bad.write_text("not a vcf\n", encoding="utf-8")
    with pytest.raises(InputIntegrityError, match="SV VCF"):
        run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=bad)


def test_cli_interpret_takes_the_sv_vcf(tmp_path: Path) -> None:
    from clinwgs.cli import main

    sv = _sv(tmp_path, [EXON_1_2_DEL])
    out_json, out_tsv = tmp_path / "f.json", tmp_path / "f.tsv"
    args = ["interpret", "--vcf", str(DATA / "HG00096.annotated.vcf.gz"), "--sample-id", "HG00096"]
    args += ["--test-code", "R208", "--settings", str(REPO / "config" / "panels.yaml"), "--gff3", str(GFF3)]
    args += ["--sv-vcf", str(sv), "--out-json", str(out_json), "--out-tsv", str(out_tsv)]
    assert main(args) == 0
    data = json.loads(out_json.read_text())
    assert [f["tier"] for f in data["structural_findings"]] == ["Tier 1"]
    row = out_tsv.read_text().splitlines()[-1].split("\t")
    assert row[:2] == ["Tier 1", "BRCA1"] and row[10] == "<DEL>:43126000:CN1"
