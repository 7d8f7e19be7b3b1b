"""``clinwgs benchmark``: compare a call set with a truth VCF inside a confident-regions BED.

Both VCFs are left-aligned against the reference, never split or decomposed
(clinwgs.validation.normalise); identical records match directly and the rest are compared as haplotypes
over clusters that span whole repeats (clinwgs.validation.match, .haplotype); records are counted as
hap.py/vcfeval count them, per type, inside the BED by the ``--ref-overlap`` rule, and stratified by repeat
context and indel length (clinwgs.validation.metrics). Method and limitations: docs/accuracy.md.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import sha256_file, write_text_atomic
from clinwgs.validation.haplotype import ReferenceWindow, repeat_context
from clinwgs.validation.match import Matching, match_calls
from clinwgs.validation.metrics import summarise
from clinwgs.validation.normalise import check_contigs, choose_sample, normalise_vcf
from clinwgs.validation.records import Regions, read_calls
from clinwgs.validation.render import to_html, to_markdown

OUTPUT_NAMES = ("benchmark.json", "benchmark.md", "benchmark.html")


def _require(path: Path, what: str) -> None:
    if not path.is_file():
        raise InputIntegrityError(f"{what} not found", path=path)


def bcftools_version() -> str:
    out = subprocess.run(["bcftools", "--version"], capture_output=True, text=True, check=False).stdout
    return out.splitlines()[0] if out else "unknown"


def compare(truth: Path, query: Path, reference: Path, bed: Path, *, truth_sample: str | None = None,
            query_sample: str | None = None, include_filtered: bool = False,
            label: str = "benchmark") -> dict[str, Any]:
    """Run the whole comparison and return the result document (nothing is written)."""
    return compare_with_matching(truth, query, reference, bed, truth_sample=truth_sample,
                                 query_sample=query_sample, include_filtered=include_filtered, label=label)[0]


def compare_with_matching(truth: Path, query: Path, reference: Path, bed: Path, *,
                          truth_sample: str | None = None, query_sample: str | None = None,
                          include_filtered: bool = False,
                          label: str = "benchmark") -> tuple[dict[str, Any], Matching]:
    """As compare(), also returning the per-call outcomes (for per-control-type sensitivity)."""
    for path, what in ((truth, "truth VCF"), (query, "query VCF"), (reference, "reference FASTA"),
                       (bed, "confident BED")):
        _require(path, what)
    regions = Regions.from_bed(bed)
    t_sample, q_sample = choose_sample(truth, truth_sample), choose_sample(query, query_sample)
    check_contigs(truth, reference)
    check_contigs(query, reference)
    with tempfile.TemporaryDirectory(prefix="clinwgs-benchmark-") as tmp:
        t_norm, q_norm = Path(tmp, "truth.norm.vcf.gz"), Path(tmp, "query.norm.vcf.gz")
        t_cmds = normalise_vcf(truth, reference, t_sample, t_norm, pass_only=False)
        q_cmds = normalise_vcf(query, reference, q_sample, q_norm, pass_only=not include_filtered)
        # an identical record repeated on one side is one record (dict keeps the first, in order)
        truth_calls = list(dict.fromkeys(read_calls(t_norm)))
        query_calls = list(dict.fromkeys(read_calls(q_norm)))
    reference_window = ReferenceWindow(reference)
    matching = match_calls(truth_calls, query_calls, reference_window)
    assessed = sorted((c for c in (*matching.truth, *matching.query) if regions.contains(c)),
                      key=lambda c: c.chrom)  # contig by contig: the reference reads each contig once
    context = {c: repeat_context(reference_window, c) for c in assessed}
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result: dict[str, Any] = {"label": label, "generated_utc": now}
    result.update(summarise(matching, regions, context))
    result["inputs"] = {
        "truth": {"path": str(truth), "sample": t_sample, "sha256": sha256_file(truth)},
        "query": {"path": str(query), "sample": q_sample, "sha256": sha256_file(query),
                  "records_scored": "all" if include_filtered else "FILTER PASS or '.'"},
        "reference": {"path": str(reference)},
        "bed": {"path": str(bed), "sha256": sha256_file(bed), "size_bp": regions.size_bp},
    }
    result["method"] = {"tool": bcftools_version(), "truth_normalisation": t_cmds,
                        "query_normalisation": q_cmds, "docs": "docs/accuracy.md",
                        "bed_rule": "a record is assessed when its REF span overlaps the BED (--ref-overlap)",
                        "counting": "records; per-allele counts in confident_alleles"}
    return result, matching


def write_outputs(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write benchmark.json/.md/.html, each to a temporary name renamed when complete."""
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = (json.dumps(result, indent=2) + "\n", to_markdown(result), to_html(result))
    written = []
    for name, text in zip(OUTPUT_NAMES, texts, strict=True):
        final = out_dir / name
        write_text_atomic(final, text)
        written.append(final)
    return written
