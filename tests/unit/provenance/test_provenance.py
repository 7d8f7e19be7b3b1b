"""Provenance manifest: what it records, and that verification catches a one-byte change anywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clinwgs.cli.audit import main as cli_main
from clinwgs.core.io import sha256_file
from clinwgs.provenance.manifest import ManifestRequest, write_manifest
from clinwgs.provenance.steps import read_steps
from clinwgs.provenance.verify import verify_manifest

REPO = Path(__file__).resolve().parents[3]
BUNDLE = REPO / "reference" / "GRCh38_BRCA1" / "manifest.yaml"
SAMPLE = "PROV001"


@pytest.fixture()
def run_dir(tmp_path: Path) -> Path:
    """A small results tree: real inputs (a BAM, a config), outputs of several stages, a timing file."""
    work = tmp_path / "work"
    (work / "inputs").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "data" / "bad" / "vcf_valid_template.vcf", work / "inputs" / "calls.vcf")
    (work / "inputs" / "reads.fq").write_text("@r1\nACGT\n+\nIIII\n")
    (work / "config.yaml").write_text("aligner: minimap2\ncaller: bcftools\n")
    sample_dir = work / "results" / SAMPLE
    for rel, text in {
        "vcf/PROV001.annotated.vcf": "##fileformat=VCFv4.2\n",
        "interpret/findings.json": json.dumps(
            {
                "panels": [{"name": "Familial melanoma", "version": "2.5", "source": "PanelApp"}],
                "databases": {"ClinVar": "20150204"},
            }
        ),
        "report/PROV001.report.html": "<html>report</html>",
        "qc/sex.json": "{}",
    }.items():
        (sample_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (sample_dir / rel).write_text(text)
    bench = work / "logs" / "timings" / "call_variants"
    bench.mkdir(parents=True)
    (bench / f"{SAMPLE}.tsv").write_text("s\th:m:s\tmax_rss\n12.5\t0:00:12\t100.2\n")
    (bench.parent / "align_reads").mkdir()
    (bench.parent / "align_reads" / f"{SAMPLE}X.tsv").write_text("s\n1\n")  # another sample: not ours
    return work


def _write(work: Path) -> str:
    req = ManifestRequest(
        sample=SAMPLE,
        sample_dir=work / "results" / SAMPLE,
        workdir=work,
        config={"aligner": "minimap2", "caller": "bcftools"},
        config_files=[Path("config.yaml")],
        input_paths=["inputs/calls.vcf", "inputs/reads.fq"],
        bundle_manifest=BUNDLE,
        timings_dir=work / "logs" / "timings",
        tools=["samtools", "bcftools", "bwa", "minimap2"],
    )
    return write_manifest(req)


def test_manifest_records_versions_inputs_outputs_and_steps(run_dir: Path) -> None:
    digest = _write(run_dir)
    path = run_dir / "results" / SAMPLE / "manifest.json"
    data = json.loads(path.read_text())
    assert digest == sha256_file(path)
    assert data["sample_id"] == SAMPLE
    assert {r["path"] for r in data["outputs"]} == {
        "vcf/PROV001.annotated.vcf",
        "interpret/findings.json",
        "report/PROV001.report.html",
        "qc/sex.json",
    }
    inputs = {r["path"]: r["sha256"] for r in data["inputs"]}
    assert inputs["inputs/calls.vcf"] == sha256_file(run_dir / "inputs" / "calls.vcf")
    assert any(p.endswith("GRCh38_chr17_BRCA1only_Nmasked.fa.gz") for p in inputs)
    assert data["reference"]["bundle"] == "GRCh38_BRCA1" and data["reference"]["build"] == "GRCh38"
    assert data["databases"]["EXAC"]["release"] == "r0.3"
    assert data["databases"]["panels"] == [
        {"name": "Familial melanoma", "version": "2.5", "source": "PanelApp"}
    ]
    banner = (
        subprocess.run(["samtools", "--version"], capture_output=True, check=True).stdout.split()[1].decode()
    )
    assert data["tools"]["samtools"]["version"] == banner
    assert data["tools"]["bwa"]["version"].startswith("0.7")
    assert len(data["tools"]["minimap2"]["sha256"]) == 64
    assert len(data["config"]["sha256"]) == 64 and data["pipeline"]["version"]
    assert [s["rule"] for s in data["steps"]] == ["call_variants"]
    assert data["steps"][0]["seconds"] == 12.5 and data["steps"][0]["host"]


def _bare_request(run_dir: Path, **fields: Any) -> ManifestRequest:
    """A request for SAMPLE with no config, inputs or tools: only what a test names."""
    base: dict[str, Any] = {"config": {}, "config_files": [], "input_paths": [], "tools": []}
    return ManifestRequest(
        sample=SAMPLE, sample_dir=run_dir / "results" / SAMPLE, workdir=run_dir, **{**base, **fields}
    )


def test_reference_steps_are_those_of_the_bundle_version_and_configuration_used(run_dir: Path) -> None:
    """A bwa run lists the bwa index of the FASTA version in use, not a minimap2 index or an older FASTA's
    steps left in logs/timings by earlier runs with another configuration."""
    from clinwgs.provenance.targets import unused_rules

    bench = run_dir / "logs" / "timings"
    for rule, name in (
        ("index_bwa", "GRCh38_BRCA1.66aeea7bf05a"),
        ("index_minimap2", "GRCh38_BRCA1.66aeea7bf05a"),  # an earlier minimap2 run
        ("index_bwa", "GRCh38_BRCA1.0123456789ab"),  # an earlier FASTA version
    ):
        (bench / rule).mkdir(exist_ok=True)
        (bench / rule / f"{name}.tsv").write_text("s\th:m:s\tmax_rss\n100.0\t0:01:40\t120.0\n")
    req = _bare_request(
        run_dir,
        bundle_manifest=BUNDLE,
        timings_dir=bench,
        bundle_key="66aeea7bf05a",
        unused_rules=frozenset(unused_rules("bwa", "bcftools")),
    )
    write_manifest(req)
    steps = json.loads((run_dir / "results" / SAMPLE / "manifest.json").read_text())["steps"]
    assert sorted((s["rule"], s["timings"]) for s in steps) == [
        ("call_variants", f"call_variants/{SAMPLE}.tsv"),
        ("index_bwa", "index_bwa/GRCh38_BRCA1.66aeea7bf05a.tsv"),
    ]
    assert unused_rules("minimap2", "freebayes") == ["index_bwa"]


def _every_file(work: Path) -> list[Path]:
    data = json.loads((work / "results" / SAMPLE / "manifest.json").read_text())
    outputs = [work / "results" / SAMPLE / r["path"] for r in data["outputs"]]
    inputs = [p if (p := Path(r["path"])).is_absolute() else work / p for r in data["inputs"]]
    return outputs + inputs + [work / "config.yaml"]


def test_verification_detects_a_one_byte_change_in_any_input_or_output(run_dir: Path) -> None:
    _write(run_dir)
    manifest = run_dir / "results" / SAMPLE / "manifest.json"
    assert verify_manifest(manifest).ok
    files = _every_file(run_dir)
    assert len(files) >= 12
    for path in files:
        original = path.read_bytes()
        changed = bytearray(original)
        changed[len(changed) // 2] ^= 0x01
        if path.is_relative_to(REPO):  # never touch the repository: check a copy through a patched manifest
            continue
        path.write_bytes(bytes(changed))
        try:
            result = verify_manifest(manifest)
            assert not result.ok
            assert len(result.problems) == 1 and result.problems[0].startswith("CHANGED")
        finally:
            path.write_bytes(original)
    assert verify_manifest(manifest).ok


def test_verification_detects_a_change_in_a_reference_bundle_file(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLE.parent, bundle)
    req = _bare_request(run_dir, bundle_manifest=bundle / "manifest.yaml")
    write_manifest(req)
    manifest = run_dir / "results" / SAMPLE / "manifest.json"
    gff3 = bundle / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
    data = bytearray(gff3.read_bytes())
    data[1000] ^= 0x20
    gff3.write_bytes(bytes(data))
    problems = verify_manifest(manifest).problems
    assert len(problems) == 1 and "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3" in problems[0]


def test_missing_unlisted_and_cited_hash(run_dir: Path) -> None:
    digest = _write(run_dir)
    sample_dir = run_dir / "results" / SAMPLE
    manifest = sample_dir / "manifest.json"
    assert verify_manifest(manifest, expected_sha256=digest).ok
    (sample_dir / "publish").mkdir()
    (sample_dir / "publish" / "receipt.json").write_text("{}")  # written after the manifest, by design
    assert verify_manifest(manifest).ok
    assert "is not the cited" in verify_manifest(manifest, expected_sha256="0" * 64).problems[0]
    (sample_dir / "report" / "extra.html").write_text("added later")
    assert verify_manifest(manifest).problems == [
        "UNLISTED output report/extra.html: present but not in the manifest"
    ]
    assert verify_manifest(manifest, check_unlisted=False).ok
    (sample_dir / "qc" / "sex.json").unlink()
    assert any(p.startswith("MISSING output qc/sex.json") for p in verify_manifest(manifest).problems)


def test_audit_verify_cli_names_the_changed_file(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(run_dir)
    results = run_dir / "results"
    assert cli_main(["verify", str(results)]) == 0
    target = results / SAMPLE / "interpret" / "findings.json"
    target.write_bytes(target.read_bytes()[:-1] + b" ")
    assert cli_main(["verify", str(results / SAMPLE)]) == 1
    out = capsys.readouterr().out
    assert "CHANGED output interpret/findings.json" in out and "FAILED (1 problem(s))" in out
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "audit", "verify", str(results)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "interpret/findings.json" in done.stdout


def test_manifest_survives_moving_the_results(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(run_dir)
    moved = tmp_path / "archive"
    shutil.copytree(run_dir / "results" / SAMPLE, moved / SAMPLE)
    monkeypatch.chdir(tmp_path)  # inputs resolve against the recorded workdir, not the current directory
    assert verify_manifest(moved / SAMPLE / "manifest.json").ok


def test_steps_prefer_the_record_written_by_the_job(tmp_path: Path) -> None:
    rule = tmp_path / "align_reads"
    rule.mkdir()
    (rule / "S01.L001.tsv").write_text("s\th:m:s\n3.0\t0:00:03\n")
    (rule / "S01.L001.tsv.step.json").write_text(
        json.dumps(
            {"start": "2026-01-01T10:00:00+00:00", "end": "2026-01-01T10:00:03+00:00", "host": "node7"}
        )
    )
    (rule / "S010.tsv").write_text("s\n1\n")
    steps = read_steps(tmp_path, "S01")
    assert len(steps) == 1 and steps[0]["host"] == "node7" and steps[0]["start"].startswith("2026-01-01T10")


def test_analysis_manifest_records_only_what_the_report_stands_on(run_dir: Path) -> None:
    sample_dir = run_dir / "results" / SAMPLE
    req = ManifestRequest(
        sample=SAMPLE,
        sample_dir=sample_dir,
        workdir=run_dir,
        config={},
        config_files=[],
        input_paths=["inputs/reads.fq"],
        tools=[],
        scope="analysis",
        outputs=[sample_dir / "vcf" / "PROV001.annotated.vcf", sample_dir / "interpret" / "findings.json"],
    )
    out = sample_dir / "analysis_manifest.json"
    digest = write_manifest(req, out)
    data = json.loads(out.read_text())
    assert data["scope"] == "analysis"
    assert [r["path"] for r in data["outputs"]] == ["interpret/findings.json", "vcf/PROV001.annotated.vcf"]
    assert verify_manifest(out, expected_sha256=digest).ok  # later files (the report) are not "unlisted"
    (sample_dir / "interpret" / "findings.json").write_text("{}")
    assert verify_manifest(out).problems[0].startswith("CHANGED output interpret/findings.json")
    _write(run_dir)  # the final manifest records the analysis manifest like any other result
    final = json.loads((sample_dir / "manifest.json").read_text())
    assert "analysis_manifest.json" in {r["path"] for r in final["outputs"]}


def test_manifest_rule_inputs_exclude_itself_publish_and_other_samples() -> None:
    from clinwgs.provenance.targets import analysis_manifest_inputs, final_manifest_inputs

    core = ["results/S1/vcf/S1.annotated.vcf.gz"]
    finals = [
        *core,
        "results/S1/report/S1.report.pdf",
        "results/S1/publish/receipt.json",
        "results/S1/manifest.json",
        "results/S10/report/S10.report.pdf",
        "results/multiqc/multiqc_report.html",
    ]
    assert final_manifest_inputs("S1", core, finals) == ["results/S1/report/S1.report.pdf", *core]
    assert analysis_manifest_inputs("S1", core) == ["results/S1/interpret/findings.json", *core]


def test_audit_manifest_command_writes_a_verifiable_manifest(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(run_dir)
    assert (
        cli_main(
            [
                "manifest",
                "--sample",
                SAMPLE,
                "--input",
                "inputs/reads.fq",
                "--configfile",
                "config.yaml",
                "--config-file",
                "config.yaml",
            ]
        )
        == 0
    )
    digest = capsys.readouterr().out.strip()
    assert digest == sha256_file(run_dir / "results" / SAMPLE / "manifest.json")
    assert cli_main(["verify", "results", "--expect-sha256", digest]) == 0
