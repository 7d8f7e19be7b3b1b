"""A proband's provenance records what its family analysis stood on (issue 16): the relatives' read files and
the family outputs interpretation read; a lone sample's and a parent's inputs are only their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.config.load import load_config
from clinwgs.core import layout
from clinwgs.provenance.targets import family_inputs, manifest_params
from tests.support.run_config import write_run_config

REPO = Path(__file__).resolve().parents[3]
READS = REPO / "reference" / "demo_reads"
BAMS = {s: READS / f"{s}.BRCA1.GRCh38.bam" for s in ("HG00096", "HG00099", "HG00101")}


@pytest.fixture
def run_with_trio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    # three real BAMs stand in for a trio's reads: the config only needs them to exist
    samples = [
        "KID01\tfemale\tR208\tno\tGRCh38_BRCA1\tFAMX\tproband\tDAD01\tMUM01\taffected",
        "DAD01\tmale\tR208\tno\tGRCh38_BRCA1\tFAMX\tfather\t\t\tunaffected",
        "MUM01\tfemale\tR208\tno\tGRCh38_BRCA1\tFAMX\tmother\t\t\tunaffected",
        "LONE1\tmale\tR208\tno\tGRCh38_BRCA1\t\t\t\t\t",
    ]
    units = [
        f"KID01\tL1\tILLUMINA\t\t\t{BAMS['HG00096']}",
        f"DAD01\tL1\tILLUMINA\t\t\t{BAMS['HG00099']}",
        f"MUM01\tL1\tILLUMINA\t\t\t{BAMS['HG00101']}",
        f"LONE1\tL1\tILLUMINA\t\t\t{BAMS['HG00096']}",
    ]
    cfg = write_run_config(tmp_path, [], units, input_roots=[str(REPO / "reference")])
    columns = ["sample_id", "sex", "test_code", "consent_additional_findings", "reference"]
    header = "\t".join([*columns, "family_id", "relation", "father", "mother", "affected"])
    (tmp_path / "samples.tsv").write_text("\n".join([header, *samples]) + "\n")
    return load_config(cfg)


def test_proband_manifest_lists_relatives_reads_and_family_outputs(run_with_trio) -> None:  # type: ignore[no-untyped-def]
    extra = family_inputs(run_with_trio, "KID01")
    assert extra == [
        str(BAMS["HG00099"]),
        str(BAMS["HG00101"]),
        layout.family_pedigree("FAMX"),
        layout.family_qc("FAMX"),
        layout.family_vcf("FAMX", "denovo"),
    ]
    inputs = manifest_params(run_with_trio, "KID01", [])["inputs"]
    assert inputs[0] == str(BAMS["HG00096"]) and inputs[1:] == extra


@pytest.mark.parametrize("sample", ["DAD01", "MUM01", "LONE1"])
def test_other_samples_record_only_their_own_inputs(run_with_trio, sample: str) -> None:  # type: ignore[no-untyped-def]
    assert family_inputs(run_with_trio, sample) == []
    assert len(manifest_params(run_with_trio, sample, [])["inputs"]) == 1
