"""One layout module names every results/, logs/ and resources/ path; rules and adapters use it and read only
the validated configuration."""

from __future__ import annotations

import re
from pathlib import Path

from clinwgs.core import layout

ROOT = Path(__file__).resolve().parents[3]
WORKFLOW_FILES = [*sorted((ROOT / "rules").glob("*.smk")), ROOT / "Snakefile",
                  *sorted((ROOT / "workflow" / "scripts").glob("*.py"))]


def code_lines(path: Path) -> list[tuple[int, str]]:
    """Lines that are not comments (docstring-only lines of the adapters are skipped too)."""
    lines = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#") or stripped.startswith('"""'):
            continue
        lines.append((number, line))
    return lines


def test_sample_paths_match_the_documented_layout() -> None:
    s = "S-0001"
    assert layout.alignment(s, "cram") == "results/S-0001/align/S-0001.cram"
    assert layout.alignment_index(s, "cram") == "results/S-0001/align/S-0001.cram.crai"
    assert layout.alignment_index(s, "bam") == "results/S-0001/align/S-0001.bam.bai"
    assert layout.qc(s, "stats.txt") == "results/S-0001/qc/S-0001.stats.txt"
    assert layout.raw_calls(s) == "results/S-0001/call/S-0001.raw.vcf.gz"
    assert layout.vcf(s, "annotated") == "results/S-0001/vcf/S-0001.annotated.vcf.gz"
    assert layout.findings(s) == "results/S-0001/interpret/findings.json"
    assert layout.report(s, "pdf") == "results/S-0001/report/S-0001.report.pdf"
    assert layout.receipt(s) == "results/S-0001/publish/receipt.json"
    assert layout.manifest(s) == "results/S-0001/manifest.json"
    assert layout.analysis_manifest(s) == "results/S-0001/analysis_manifest.json"
    assert layout.multiqc_report("batch-0001") == "results/multiqc/batch-0001.html"
    assert layout.log("align_reads", "S-0001.L1") == "logs/align_reads/S-0001.L1.log"
    assert layout.timings("align_reads", "S-0001.L1") == "logs/timings/align_reads/S-0001.L1.tsv"
    assert layout.resource("GRCh38_BRCA1", "0123456789ab", "genome.fa.gz") == (
        "resources/GRCh38_BRCA1/0123456789ab/genome.fa.gz"
    )


def test_another_results_root_and_snakemake_wildcards() -> None:
    assert layout.findings("S1", "/archive/run7") == "/archive/run7/S1/interpret/findings.json"
    assert layout.vcf("{sample}", "norm") == "results/{sample}/vcf/{sample}.norm.vcf.gz"


def test_workflow_files_name_no_results_logs_or_resources_path_themselves() -> None:
    literal = re.compile(r"""["'](results|logs|resources|benchmarks)/""")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in WORKFLOW_FILES
             for n, line in code_lines(p) if literal.search(line)]
    assert found == [], "use clinwgs.core.layout:\n" + "\n".join(found)


def test_workflow_files_read_only_the_validated_config() -> None:
    raw = re.compile(r"\bconfig\[|\bconfig\.get\(|sm\.config\b|\.get\(\"threads\"")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in WORKFLOW_FILES
             for n, line in code_lines(p) if raw.search(line)]
    assert found == [], "read RUN (clinwgs.config.models) instead:\n" + "\n".join(found)


def test_every_rule_records_its_timings_under_logs_timings() -> None:
    rules = "\n".join(p.read_text() for p in sorted((ROOT / "rules").glob("*.smk")))
    n_rules = len(re.findall(r"^rule \w+:", rules, flags=re.M))
    assert n_rules > 20
    assert len(re.findall(r"benchmark:\n\s+layout\.timings\(", rules)) == n_rules
