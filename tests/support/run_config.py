"""A run folder for tests that run the workflow on the GRCh38_BRCA1 bundle: sheets plus a config.yaml that is
the repository's, pointed at the repository's bundle, panels and templates, with minimap2 (fast to index)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
BRCA1_BUNDLE = REPO / "reference" / "GRCh38_BRCA1" / "manifest.yaml"
SAMPLES_HEADER = "sample_id\tsex\ttest_code\tconsent_additional_findings\treference"
UNITS_HEADER = "sample_id\tunit_id\tplatform\tfq1\tfq2\tbam"


def fastq_unit(sample: str, folder: Path) -> str:
    """A units.tsv row for ``folder/<sample>.R1/R2.fastq.gz`` (the names `clinwgs simulate` writes)."""
    return f"{sample}\tL1\tILLUMINA\t{folder}/{sample}.R1.fastq.gz\t{folder}/{sample}.R2.fastq.gz\t"


def write_run_config(work: Path, samples: list[str], units: list[str], **overrides: Any) -> Path:
    """samples.tsv and units.tsv (rows, no header) and config.yaml in ``work``; ``overrides`` replace keys."""
    (work / "samples.tsv").write_text("\n".join([SAMPLES_HEADER, *samples]) + "\n")
    (work / "units.tsv").write_text("\n".join([UNITS_HEADER, *units]) + "\n")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config.update(
        samples="samples.tsv",
        units="units.tsv",
        bundles={"GRCh38_BRCA1": str(BRCA1_BUNDLE)},
        aligner="minimap2",
        interpret={**config["interpret"], "panels": str(REPO / "config" / "panels.yaml")},
        report={**config["report"], "templates": str(REPO / "reports")},
        **overrides,
    )
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path
