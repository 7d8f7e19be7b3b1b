"""`clinwgs run` / `clinwgs demo` plumbing: preflight refusals, the Snakemake command, the demo summary."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from clinwgs.core.errors import ConfigError, ReferenceMismatchError
from clinwgs.ops.demo import summary
from clinwgs.ops.runner import SNAKEFILE, preflight, snakemake_command, tool_env

ROOT = Path(__file__).resolve().parents[3]
FQ = ROOT / "tests" / "data" / "brca1_slice"


def config_with_bundle(tmp_path: Path, manifest: Path) -> Path:
    (tmp_path / "samples.tsv").write_text(
        "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\nS-0001\tmale\tR208\tno\tB\n"
    )
    (tmp_path / "units.tsv").write_text(
        f"sample_id\tunit_id\tplatform\tfq1\tfq2\nS-0001\tL1\tILLUMINA\t{FQ}/SLICE01.R1.fastq.gz\t"
        f"{FQ}/SLICE01.R2.fastq.gz\n"
    )
    cfg = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    cfg.update(
        samples=str(tmp_path / "samples.tsv"), units=str(tmp_path / "units.tsv"), bundles={"B": str(manifest)}
    )
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_preflight_accepts_a_good_config(tmp_path: Path) -> None:
    run = preflight(config_with_bundle(tmp_path, ROOT / "reference/GRCh38_BRCA1/manifest.yaml"))
    assert list(run.samples) == ["S-0001"]


def test_preflight_refuses_a_changed_bundle_before_snakemake(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(ROOT / "reference/GRCh38_BRCA1", bundle)
    with (bundle / "GRCh38_BRCA1.regions.bed").open("a") as handle:
        handle.write("chr17\t1\t2\n")
    with pytest.raises(ReferenceMismatchError, match="regions sha256 is"):
        preflight(config_with_bundle(tmp_path, bundle / "manifest.yaml"))


def test_preflight_refuses_a_bad_sheet(tmp_path: Path) -> None:
    config = config_with_bundle(tmp_path, ROOT / "reference/GRCh38_BRCA1/manifest.yaml")
    (tmp_path / "samples.tsv").write_text((tmp_path / "samples.tsv").read_text().replace("male", "M"))
    with pytest.raises(ConfigError, match="column 'sex'"):
        preflight(config)


def test_snakemake_command_and_environment() -> None:
    command = snakemake_command(Path("c.yaml"), 3, ["--dry-run"])
    assert command[:3] == [sys.executable, "-m", "snakemake"]
    assert command[command.index("--snakefile") + 1] == str(SNAKEFILE) and SNAKEFILE.is_file()
    assert command[command.index("--cores") + 1] == "3" and command[-1] == "--dry-run"
    assert tool_env()["PATH"].startswith(str(Path(sys.executable).parent))


def test_demo_summary_marks_missing_outputs(tmp_path: Path) -> None:
    vcf = tmp_path / "results/PC001/vcf/PC001.annotated.vcf.gz"
    vcf.parent.mkdir(parents=True)
    vcf.write_bytes(b"")
    text = summary(tmp_path, ["PC001", "NA12878"], "multiqc_report")
    assert "PC001    results/PC001/  (annotated VCF: ok, report: MISSING)" in text
    assert "NA12878  results/NA12878/  (annotated VCF: MISSING, report: MISSING)" in text


def test_unpublished_lists_samples_whose_report_did_not_reach_the_service(tmp_path: Path) -> None:
    from clinwgs.ops.runner import unpublished

    for sample, receipt in (
        ("S1", {"published": True, "report_id": "r1"}),
        ("S2", {"published": False, "error": "record service at http://x unreachable after 6 attempt(s)"}),
    ):
        (tmp_path / sample / "publish").mkdir(parents=True)
        (tmp_path / sample / "publish" / "receipt.json").write_text(json.dumps(receipt))
    changed = "report r4 version 1 already exists with different content; amend it with If-Match"
    (tmp_path / "S4" / "publish").mkdir(parents=True)
    (tmp_path / "S4" / "publish" / "receipt.json").write_text(
        json.dumps({"published": False, "error": changed, "http_status": 409})
    )
    lines = unpublished(tmp_path, ["S1", "S2", "S3", "S4"])  # S3: no receipt (publish not asked for)
    assert lines[0] == "  S2: record service at http://x unreachable after 6 attempt(s)"
    assert lines[2] == "    (the report changed: once reviewed, clinwgs publish --sample S4 --amend)"
    assert len(lines) == 4 and "clinwgs publish --sample" in lines[3]
    assert unpublished(tmp_path, ["S1"]) == []


def test_demo_resets_its_service_folder_but_never_a_real_patient_database(tmp_path: Path) -> None:
    import sqlite3

    from clinwgs.core.errors import ClinwgsError
    from clinwgs.ops.demo import reset_demo_service

    folder = tmp_path / "demo-service"
    folder.mkdir()
    with sqlite3.connect(folder / "records.sqlite3") as db:
        db.execute("CREATE TABLE patients (nhs_number TEXT)")
        db.execute("INSERT INTO patients VALUES ('9990000026')")
    reset_demo_service(folder)  # only 999-range test patients: emptied
    assert not folder.exists()
    folder.mkdir()
    with sqlite3.connect(folder / "records.sqlite3") as db:
        db.execute("CREATE TABLE patients (nhs_number TEXT)")
        # 943 476 5919: the NHS number NHS Digital publishes as an example
        db.executemany("INSERT INTO patients VALUES (?)", [("9990000026",), ("9434765919",)])
    with pytest.raises(ClinwgsError, match="1 patient"):
        reset_demo_service(folder)
    assert (folder / "records.sqlite3").is_file()
    reset_demo_service(tmp_path / "absent")  # nothing there yet: fine


def test_an_input_error_found_inside_a_job_is_shown_as_its_one_line(tmp_path: Path) -> None:
    """The check_inputs rule's one-line message (clinwgs.inputs.run.check_inputs_rule) is what the runner
    repeats after Snakemake stops; logs from before this run are not."""
    import os

    from clinwgs.config.load import Unit
    from clinwgs.inputs.run import RULE_ERROR_PREFIX, check_inputs_rule
    from clinwgs.ops.runner import job_input_errors

    logs = tmp_path / "logs"
    old = logs / "check_inputs" / "OLD01.log"
    old.parent.mkdir(parents=True)
    old.write_text(RULE_ERROR_PREFIX + "from an earlier run\n")
    os.utime(old, (1_000_000, 1_000_000))
    cut = tmp_path / "cut.R1.fastq.gz"
    good = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R1.fastq.gz"
    cut.write_bytes(good.read_bytes()[:1000])
    unit = Unit(
        sample_id="S0001",
        unit_id="L1",
        platform="ILLUMINA",
        fq1=cut,
        fq2=good.with_name("SLICE01.R2.fastq.gz"),
    )
    out = tmp_path / "results" / "S0001" / "qc" / "S0001.input_check.json"
    assert (
        check_inputs_rule(
            [unit],
            ROOT / "reference/GRCh38_BRCA1/GRCh38_chr17_BRCA1only_Nmasked.fa.gz",
            False,
            out,
            logs / "check_inputs" / "S0001.log",
        )
        == 2
    )
    lines = job_input_errors(logs, since=2_000_000)
    assert lines == [
        f"{RULE_ERROR_PREFIX}[sample S0001, file {cut}] FASTQ is truncated: the gzip stream ends before its "
        "end-of-stream marker"
    ]
    assert not (tmp_path / "results").exists()
