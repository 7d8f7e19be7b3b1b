"""The interpreter's quick rejection (issue 15) changes nothing: on every real annotated VCF of the test data
and on hand-made records at the edges of the rule, findings.json from the default (quick) path is identical,
apart from generated_at, to the straightforward reference path that parses and evaluates every panel-gene
record."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clinwgs.interpret import engine
from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.settings import load_settings
from clinwgs.models.findings import Findings
from tests.support.interpret_vcf import DATA, FASTA, MANIFEST, SETTINGS, STOP, SYNONYMOUS, record, write_vcf

SCOUT = DATA / "643594.clinical.vcf.gz"


def _both(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], Findings]
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """(reference findings, quick findings, records the quick path only tallied), as JSON objects."""
    tallied = 0
    real = engine._unreportable

    def counting(*args: Any) -> bool | None:
        nonlocal tallied
        answer = real(*args)
        tallied += answer is not None
        return answer

    monkeypatch.setattr(engine, "QUICK_REJECT", False)
    monkeypatch.setattr(engine, "_unreportable", counting)
    reference = json.loads(make().model_dump_json())
    assert tallied == 0  # the reference path never takes the shortcut
    monkeypatch.setattr(engine, "QUICK_REJECT", True)
    quick = json.loads(make().model_dump_json())
    for out in (reference, quick):
        out.pop("generated_at")
    return reference, quick, tallied


def _run(vcf: Path, sample: str, test_code: str = "R208", consent: bool = False, **extra: Path) -> Findings:
    request = SampleRequest(sample, test_code, "unknown", consent, "GRCh38", None)
    inputs = Inputs(vcf, databases={"ClinVar": "test"}, reference=FASTA, manifest=MANIFEST, **extra)
    return interpret(inputs, request, load_settings(SETTINGS))


@pytest.mark.parametrize(
    ("vcf", "sample", "test_code", "consent", "min_tallied"),
    [
        ("PC001", "PC001", "R208", False, 0),  # its one record is a frameshift: always the full path
        ("PC001", "PC001", "R254", True, 0),  # the ACMG SF genes (BRCA1 among them) only with consent
        ("HG00096", "HG00096", "R208", False, 100),
        ("HG00099", "HG00099", "R208", False, 100),
        ("HG00099", "HG00099", "R208", True, 100),
        ("HG00101", "HG00101", "R208", False, 1),
    ],
)
def test_real_bcsq_vcfs_give_identical_findings(
    monkeypatch: pytest.MonkeyPatch, vcf: str, sample: str, test_code: str, consent: bool, min_tallied: int
) -> None:
    path = DATA / f"{vcf}.annotated.vcf.gz"
    reference, quick, tallied = _both(monkeypatch, lambda: _run(path, sample, test_code, consent))
    assert quick == reference
    # the shortcut was really taken (so the comparison tests it), and never for a protein-altering record
    assert tallied >= min_tallied if min_tallied else tallied == 0


def test_real_bcsq_vcf_with_coverage_gives_identical_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    path = DATA / "HG00099.annotated.vcf.gz"
    thresholds, regions = DATA / "HG00099.panel.thresholds.bed.gz", DATA / "HG00099.panel.regions.bed.gz"
    reference, quick, _ = _both(
        monkeypatch, lambda: _run(path, "HG00099", thresholds=thresholds, regions=regions)
    )
    assert quick == reference


@pytest.mark.parametrize("sample", ["ADM1059A1", "ADM1059A2", "ADM1059A3"])
@pytest.mark.parametrize("consent", [False, True])
def test_real_vep_trio_gives_identical_findings(
    monkeypatch: pytest.MonkeyPatch, sample: str, consent: bool
) -> None:
    settings = load_settings(SETTINGS)
    settings = type(settings)(
        **{**settings.__dict__, "population_af": [("EXACAF", "ExAC"), ("1000GAF", "1000G")]}
    )
    request = SampleRequest(sample, "SCOUT_DEMO", "unknown", consent, "GRCh37", sample)

    def make() -> Findings:
        return interpret(Inputs(SCOUT, databases={"ClinVar": "Scout"}), request, settings)

    reference, quick, tallied = _both(monkeypatch, make)
    assert quick == reference
    assert tallied >= 10
    assert reference["for_review"]  # the trio's ClinVar P/LP records still surface


SYN_CLNSIG = "BCSQ=" + SYNONYMOUS + ";CLNSIG={sig};CLNREVSTAT=criteria_provided,_single_submitter;CLNDN=HBOC"


@pytest.mark.parametrize(
    "records",
    [
        # ClinVar P/LP or a P/LP submission inside a conflict on a synonymous record: review list, not skipped
        [record(SYN_CLNSIG.format(sig="Pathogenic"), ref="A", alt="G", pos=43093220)],
        [record(SYN_CLNSIG.format(sig="Conflicting_classifications_of_pathogenicity|_Likely_pathogenic"),
                ref="A", alt="G", pos=43093220)],
        [record(SYN_CLNSIG.format(sig="5"), ref="A", alt="G", pos=43093220)],
        [record(SYN_CLNSIG.format(sig="Benign"), ref="A", alt="G", pos=43093220)],
        [record(SYN_CLNSIG.format(sig="."), ref="A", alt="G", pos=43093220)],
        # genotypes: hom-ref, no-call, half call, haploid, hom-alt (in_panel counts must agree)
        *[
            [record("BCSQ=" + SYNONYMOUS + ";POP_AF_EXAC=0.2", gt=gt, ref="A", alt="G", pos=43093220)]
            for gt in ("0/0", "./.", "./1", "1", "1/1", "0|1")
        ],
        # multi-allelic: full path; a stop-gain next to synonymous records; a non-panel gene
        [record("BCSQ=" + SYNONYMOUS, gt="1/2", ref="A", alt="G,T", pos=43093220)],
        [record("BCSQ=intron|NOTAGENE|ENST1|protein_coding", gt="1/2", ref="A", alt="G,T", pos=43093220)],
        [record("BCSQ=" + STOP + ";CLNSIG=Benign", gt="0/2", ref="G", alt="T,A", pos=43063903)],
        [
            record("BCSQ=" + SYNONYMOUS, ref="A", alt="G", pos=43093220),
            record("BCSQ=" + STOP, ref="G", alt="A", pos=43063903),
            record("BCSQ=intron|NOTAGENE|ENST1|protein_coding", ref="C", alt="T", pos=43063990),
        ],
        # a second, benign-looking record in the same gene as a P/LP one (recessive counting uses both)
        [
            record("BCSQ=" + STOP + ";CLNSIG=Pathogenic", gt="0/1", ref="G", alt="A", pos=43063903),
            record("BCSQ=" + SYNONYMOUS + ";POP_AF_EXAC=0.00001", ref="A", alt="G", pos=43093220),
        ],
    ],
)
def test_hand_made_edge_records_give_identical_findings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, records: list[str]
) -> None:
    vcf = write_vcf(tmp_path, *records)
    reference, quick, _ = _both(monkeypatch, lambda: _run(vcf, "S1-test"))
    assert quick == reference


def test_a_family_analysis_takes_the_reference_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Segregation adds criteria (PS2/PM6/PM3) and tiers to candidates, which the shortcut's proof does not
    cover: with a family VCF no record is tallied without its full evaluation."""
    from tests.support.family_vcf import trio_findings

    calls = 0
    real = engine._unreportable

    def counting(*args: Any) -> bool | None:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(engine, "_unreportable", counting)
    out = trio_findings(tmp_path)
    assert calls == 0
    assert out.family is not None and out.findings  # the family analysis ran and reported
