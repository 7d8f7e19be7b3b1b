"""``clinwgs validate-pipeline``: the validation pack a lab can accredit.

Runs the whole workflow (``clinwgs run``) on the GIAB NA12878 reads and on a seeded simulated control sample
carrying real ClinVar BRCA1 variants of each kind, scores both with ``clinwgs benchmark``'s comparison,
optionally re-runs the caller bare on the workflow's BAM (ΔF1), and writes a dated PASS/FAIL report
(validation_report.json/.md/.html) against the thresholds in config/validation.yaml.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from clinwgs.config.load import load_validation_config
from clinwgs.config.models import ValidationConfig
from clinwgs.core import layout
from clinwgs.core.errors import ClinwgsError, ConfigError, InputIntegrityError
from clinwgs.core.io import write_text_atomic
from clinwgs.validation.acceptance import (
    Criterion,
    control_criteria,
    control_outcomes,
    control_types,
    delta_f1_criteria,
    giab_criteria,
)
from clinwgs.validation.bare import bare_calls
from clinwgs.validation.compare import compare, compare_with_matching
from clinwgs.validation.pack_report import to_html, to_markdown


def bundle_files(manifest: Path) -> dict[str, Path]:
    """Absolute paths of a bundle manifest's files (fasta, regions, truth_vcf, truth_bed, ...)."""
    try:
        data = yaml.safe_load(manifest.read_text())
        files = data["files"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError([f"cannot read bundle manifest: {exc}"], path=manifest) from exc
    return {name: (manifest.parent / entry["path"]).resolve() for name, entry in files.items()
            if isinstance(entry, dict) and "path" in entry}


def clinwgs(args: list[str], log: Path, *, cwd: Path | None = None) -> None:
    """Run a clinwgs command in a subprocess (as a lab would), its output kept in ``log``."""
    with log.open("a") as handle:
        handle.write(f"$ clinwgs {' '.join(args)}\n")
        handle.flush()
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        proc = subprocess.run([sys.executable, "-m", "clinwgs.cli", *args], stdout=handle,
                              stderr=subprocess.STDOUT, cwd=cwd, env=env, check=False)
    if proc.returncode != 0:
        raise ClinwgsError(f"`clinwgs {args[0]}` failed (exit {proc.returncode}); see the log", path=log)


LINKED_FROM_REPO = ("config", "reference", "reports", "workflow")
"""Linked into the work directory so that every relative path of the base config resolves as in the repo."""


def write_run_config(cfg: ValidationConfig, repo: Path, work: Path, control_reads: tuple[Path, Path]) -> Path:
    """A config for the two validation samples (work/validation/), extending the base config, with the
    repository's config/, reference/, reports/ and workflow/ linked into the work directory."""
    for name in LINKED_FROM_REPO:
        if (repo / name).exists() and not (work / name).exists():
            (work / name).symlink_to(repo / name, target_is_directory=True)
    # derived indexes (resources/<bundle>/<fasta sha256 prefix>/) are shared by all validation runs
    shared = cfg.output_dir / layout.RESOURCES
    shared.mkdir(parents=True, exist_ok=True)
    if not (work / layout.RESOURCES).exists():
        (work / layout.RESOURCES).symlink_to(shared, target_is_directory=True)
    base = yaml.safe_load(cfg.workflow.base_config.read_text())
    for name in (cfg.giab.bundle, cfg.controls.bundle):
        if name not in base.get("bundles", {}):
            raise ConfigError([f"bundle {name!r} is not in bundles:"], path=cfg.workflow.base_config)
    conf_dir = work / "validation"
    conf_dir.mkdir(parents=True, exist_ok=True)
    base.update({"samples": str(conf_dir / "samples.tsv"), "units": str(conf_dir / "units.tsv"),
                 "bundles": {n: base["bundles"][n] for n in sorted({cfg.giab.bundle, cfg.controls.bundle})},
                 "aligner": cfg.workflow.aligner, "caller": cfg.workflow.caller,
                 # the GIAB reads are read where they lie (the control reads are written under work/)
                 "input_roots": [*base.get("input_roots", []),
                                 *sorted({str(cfg.giab.fq1.parent), str(cfg.giab.fq2.parent)})]})
    (conf_dir / "config.yaml").write_text(
        "# Written by clinwgs validate-pipeline from " + str(cfg.workflow.base_config) + "\n"
        + yaml.safe_dump(base, sort_keys=False))
    header = "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\tfamily_id\trelation\n"
    (conf_dir / "samples.tsv").write_text(
        header + f"{cfg.giab.sample_id}\t{cfg.giab.sex}\tR208\tno\t{cfg.giab.bundle}\t\t\n"
        f"{cfg.controls.sample_id}\t{cfg.controls.sex}\tR208\tno\t{cfg.controls.bundle}\t\t\n")
    units = "sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\tfq1_sha256\tfq2_sha256\tbam_sha256\n"
    units += f"{cfg.giab.sample_id}\tL001\tILLUMINA\t{cfg.giab.fq1}\t{cfg.giab.fq2}\t\t\t\t\n"
    units += f"{cfg.controls.sample_id}\tSIM\tILLUMINA\t{control_reads[0]}\t{control_reads[1]}\t\t\t\t\n"
    (conf_dir / "units.tsv").write_text(units)
    return conf_dir / "config.yaml"


def simulate_controls(cfg: ValidationConfig, fasta: Path, work: Path, log: Path) -> tuple[Path, Path]:
    prefix = work / "inputs" / cfg.controls.sample_id
    prefix.parent.mkdir(parents=True, exist_ok=True)
    clinwgs(["simulate", "--reference", str(fasta), "--region", cfg.controls.region, "--variants",
             str(cfg.controls.variants), "--sample-id", cfg.controls.sample_id, "--depth",
             str(cfg.controls.depth), "--seed", str(cfg.controls.seed), "--out-prefix", str(prefix)], log)
    return Path(f"{prefix}.R1.fastq.gz"), Path(f"{prefix}.R2.fastq.gz")


def control_bed(cfg: ValidationConfig, out: Path) -> Path:
    chrom, span = cfg.controls.region.rsplit(":", 1)
    start1, end1 = (int(x) for x in span.split("-"))
    start0, end0 = start1 - 1 + cfg.controls.edge_bp, end1 - cfg.controls.edge_bp
    if end0 <= start0:
        raise ConfigError([f"controls.region {cfg.controls.region} is shorter than 2 x edge_bp"])
    out.write_text(f"{chrom}\t{start0}\t{end0}\n")
    return out


def sample_vcf(work: Path, sample: str) -> Path:
    vcf = work / layout.vcf(sample, "filtered")
    if not vcf.is_file():
        raise InputIntegrityError("the workflow did not produce the filtered VCF", path=vcf, sample=sample)
    return vcf


def sample_alignment(work: Path, sample: str) -> Path:
    for ext in ("bam", "cram"):
        path = work / layout.alignment(sample, ext)
        if path.is_file():
            return path
    raise InputIntegrityError("the workflow did not produce an alignment",
                              path=work / layout.sample_dir(sample), sample=sample)


def preflight(cfg: ValidationConfig, repo: Path) -> None:
    """Refuse a validation config whose inputs are missing, before anything is written."""
    problems = [f"{what}: file not found: {path}" for what, path in (
        ("workflow.base_config", cfg.workflow.base_config), ("giab.fq1", cfg.giab.fq1),
        ("giab.fq2", cfg.giab.fq2), ("controls.variants", cfg.controls.variants)) if not path.is_file()]
    if not problems:
        bundles = yaml.safe_load(cfg.workflow.base_config.read_text()).get("bundles", {})
        for what, name in (("giab.bundle", cfg.giab.bundle), ("controls.bundle", cfg.controls.bundle)):
            if name not in bundles or not (repo / bundles[name]).is_file():
                problems.append(f"{what}: bundle {name!r} not in {cfg.workflow.base_config} "
                                "or its manifest is missing")
    if problems:
        raise ConfigError(problems)


def run_pack(cfg: ValidationConfig, repo: Path, run_dir: Path) -> dict[str, Any]:
    """Everything but the report: simulate, run the workflow, score, evaluate thresholds."""
    work, log = run_dir / "work", run_dir / "validation.log"
    work.mkdir(parents=True, exist_ok=True)
    base = yaml.safe_load(cfg.workflow.base_config.read_text())["bundles"]
    giab_files = bundle_files((repo / base[cfg.giab.bundle]).resolve())
    ctrl_files = bundle_files((repo / base[cfg.controls.bundle]).resolve())
    for key in ("truth_vcf", "truth_bed"):
        if key not in giab_files:
            raise ConfigError([f"bundle {cfg.giab.bundle} manifest has no files.{key}"])
    reads = simulate_controls(cfg, ctrl_files["fasta"], work, log)
    config_path = write_run_config(cfg, repo, work, reads)
    # every stage up to the provenance manifest; validation samples are not patients: nothing is published
    targets = [layout.manifest(s) for s in (cfg.giab.sample_id, cfg.controls.sample_id)]
    clinwgs(["run", "--configfile", str(config_path), "--cores", str(cfg.workflow.cores), "--", *targets],
            log, cwd=work)  # fmt: skip
    giab = compare(giab_files["truth_vcf"], sample_vcf(work, cfg.giab.sample_id), giab_files["fasta"],
                   giab_files["truth_bed"], label=f"GIAB {cfg.giab.sample_id} ({cfg.workflow.caller})")
    ctrl, matching = compare_with_matching(
        cfg.controls.variants, sample_vcf(work, cfg.controls.sample_id), ctrl_files["fasta"],
        control_bed(cfg, run_dir / "controls.bed"), label=f"controls {cfg.controls.sample_id}")
    outcomes = control_outcomes(matching, control_types(cfg.controls.variants))
    criteria: list[Criterion] = giab_criteria(giab, cfg.thresholds.giab)
    criteria += control_criteria(outcomes, ctrl, cfg.thresholds.controls)
    pack: dict[str, Any] = {"giab": giab, "controls": ctrl, "control_outcomes": outcomes}
    if cfg.workflow.bare_caller_check:
        bare_vcf = bare_calls(cfg.workflow.caller, sample_alignment(work, cfg.giab.sample_id),
                              giab_files["fasta"], giab_files["truth_bed"], run_dir / "bare",
                              truth=giab_files["truth_vcf"])
        bare = compare(giab_files["truth_vcf"], bare_vcf["vcf"], giab_files["fasta"], giab_files["truth_bed"],
                       label=f"bare {cfg.workflow.caller}")
        pack["bare_caller"] = {"commands": bare_vcf["commands"], "result": bare}
        criteria += delta_f1_criteria(giab, bare, cfg.thresholds.max_f1_loss_vs_bare)
    pack["criteria"] = [c.as_dict() for c in criteria]
    pack["verdict"] = "PASS" if all(c.passed for c in criteria) else "FAIL"
    return pack


def write_report(report: dict[str, Any], run_dir: Path) -> list[Path]:
    written = []
    for name, text in (("validation_report.json", json.dumps(report, indent=2) + "\n"),
                       ("validation_report.md", to_markdown(report)),
                       ("validation_report.html", to_html(report))):
        write_text_atomic(run_dir / name, text)
        written.append(run_dir / name)
    return written


def run_validation(config: Path, repo: Path, overrides: dict[str, object], output_dir: Path | None) -> int:
    """Run the validation pack; print the verdict and each criterion; 0 when it passes."""
    repo = repo.resolve()
    cfg = load_validation_config(config).resolve(repo)
    cfg = cfg.model_copy(update={"workflow": cfg.workflow.model_copy(update=overrides)})
    if output_dir is not None:
        cfg = cfg.model_copy(update={"output_dir": output_dir.resolve()})
    preflight(cfg, repo)
    started = dt.datetime.now(dt.UTC)
    run_dir = cfg.output_dir / started.strftime("%Y-%m-%dT%H%M%SZ")
    run_dir.mkdir(parents=True, exist_ok=False)
    pack = run_pack(cfg, repo, run_dir)
    report = {"title": "clinwgs validation pack", "date_utc": started.isoformat(timespec="seconds"),
              "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "config": cfg.model_dump(mode="json"), **pack}
    write_report(report, run_dir)
    print(f"validation {pack['verdict']}: {run_dir}/validation_report.html")
    for c in pack["criteria"]:
        print(f"  {'PASS' if c['passed'] else 'FAIL'}  {c['name']}: {c['measured']} {c['comparator']} "
              f"{c['threshold']} ({c['counts']})")
    return 0 if pack["verdict"] == "PASS" else 1
