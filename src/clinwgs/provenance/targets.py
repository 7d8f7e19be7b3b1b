"""Input and parameter helpers of rules/provenance.smk (kept here so the rule file holds only rules)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clinwgs.config.models import RunConfig
from clinwgs.core import layout


def final_manifest_inputs(sample: str, core: Iterable[str], finals: Iterable[str]) -> list[str]:
    """Every final result of the sample (each stage adds its own to sample_final_outputs, the report included)
    except the manifest itself and publish/ (written after it, so it can cite the manifest's hash)."""
    skip = (layout.manifest(sample), layout.publish_dir(sample) + "/")
    mine = [t for t in [*core, *finals] if t.startswith(layout.sample_dir(sample) + "/")]
    return sorted({t for t in mine if not t.startswith(skip)})


def analysis_manifest_inputs(sample: str, core: Iterable[str]) -> list[str]:
    """What the report stands on: alignment, QC, VCFs and the findings."""
    return sorted({*core, layout.findings(sample)})


def unused_rules(aligner: str, caller: str, plain_fasta: bool = False) -> list[str]:
    """Reference rules this configuration never runs: their timing files (left by a run with another
    configuration) are not steps of this sample's analysis. ``plain_fasta``: another step (CNVkit, TIDDIT)
    reads the decompressed FASTA too."""
    unused = ["index_minimap2"] if aligner == "bwa" else ["index_bwa"]
    return unused if caller == "freebayes" or plain_fasta else [*unused, "decompress_fasta"]


def family_inputs(run: RunConfig, sample: str) -> list[str]:
    """What else a proband's analysis stands on (issue 16): the other members' read files (their genotypes
    decide segregation, de novo status and the family QC) and the family outputs interpretation read (the
    pedigree, the family QC and the de novo VCF). Nothing for a sample that is not a family's proband."""
    for fid, ped in run.pedigrees.items():
        if ped.proband != sample:
            continue
        relatives = [m.sample_id for m in ped.members if m.sample_id != sample]
        reads = [str(p) for rel in relatives for unit in run.units[rel] for _, p, _ in unit.files()]
        family = [layout.family_pedigree(fid), layout.family_qc(fid), layout.family_vcf(fid, "denovo")]
        return reads + family
    return []


def effective_config(run: RunConfig) -> dict[str, Any]:
    """The configuration the run used, defaults included: every config.yaml section and the interpretation
    settings (not the sheets' rows, which the manifest records as files, nor the pedigrees built from
    them)."""
    return run.model_dump(mode="json", exclude={"samples", "units", "pedigrees"})


def manifest_params(
    run: RunConfig, sample: str, configfiles: Iterable[str | Path], bundle_key: str | None = None
) -> dict[str, Any]:
    """Inputs of the sample (units.tsv), the config files (the sheets and the interpretation settings
    included), the effective configuration and the bundle manifest, from the RunConfig; ``bundle_key`` (the
    FASTA checksum prefix of resources/<bundle>/<key>/) selects the reference steps."""
    return {
        "inputs": [str(p) for unit in run.units[sample] for _, p, _ in unit.files()]
        + family_inputs(run, sample),
        "config": effective_config(run),
        "config_files": [str(p) for p in configfiles]
        + [str(run.samples_path), str(run.units_path), str(run.interpret.panels)],
        "bundle_manifest": str(run.bundles[run.samples[sample].reference]),
        "bundle_key": bundle_key,
        "unused_rules": unused_rules(
            run.aligner, run.caller, run.sv.enabled and (run.sv.cnv or run.sv.tiddit)
        ),
    }
