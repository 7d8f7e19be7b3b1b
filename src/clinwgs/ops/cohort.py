"""Cohort running: a cohort is split into small batches, each its own Snakemake invocation.

One invocation per batch keeps every DAG the size of one batch, however large the cohort: planning time per
batch stays constant and a failed batch never holds up the others. Families stay in one batch (they are
called jointly). Each batch gets its own samples/units sheets under ``logs/cohort/<run>/batch-NNNN/`` (batch
names carry no sample or patient identifier) and runs with the chosen execution profile
(``workflow/profiles/{local,slurm,kubernetes}``).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinwgs.core import layout
from clinwgs.core.errors import ConfigError

PROFILES = ("local", "slurm", "kubernetes")
ROOT = Path(__file__).resolve().parents[3]  # repository root (editable install): Snakefile, workflow/profiles


@dataclass(frozen=True)
class Batch:
    name: str  # batch-0001: never a sample or patient identifier
    samples: tuple[str, ...]


def profile_dir(profile: str, root: Path = ROOT) -> Path:
    """A profile name (local, slurm, kubernetes) or a directory holding a profile config.yaml."""
    path = root / "workflow" / "profiles" / profile if profile in PROFILES else Path(profile)
    if not (path / "config.yaml").is_file():
        known = ", ".join(PROFILES)
        raise ConfigError([f"execution profile {profile!r}: no config.yaml (known: {known})"], path=path)
    return path


def read_sheet(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise ConfigError([f"sheet {path} not found"], path=path)
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        rows = list(reader)
        header = list(reader.fieldnames or [])
    if "sample_id" not in header:
        raise ConfigError([f"{path}: no sample_id column"], path=path)
    return header, rows


def plan_batches(samples: Sequence[dict[str, str]], batch_size: int) -> list[Batch]:
    """Samples in sheet order, batch_size per batch; a family (family_id) is never split across batches, so a
    batch may exceed batch_size by the rest of a family."""
    if batch_size < 1:
        raise ConfigError([f"batch size must be at least 1, got {batch_size}"])
    groups: dict[str, list[str]] = {}
    for row in samples:
        family = (row.get("family_id") or "").strip()
        groups.setdefault(f"family:{family}" if family else f"sample:{row['sample_id']}", []).append(
            row["sample_id"]
        )
    batches: list[list[str]] = [[]]
    for members in groups.values():
        if batches[-1] and len(batches[-1]) + len(members) > batch_size:
            batches.append([])
        batches[-1].extend(members)
    return [Batch(f"batch-{i:04d}", tuple(b)) for i, b in enumerate(batches, start=1) if b]


def _write_tsv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter="\t", lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def write_batch_sheets(batch: Batch, samples_tsv: Path, units_tsv: Path, out_dir: Path) -> tuple[Path, Path]:
    """The batch's rows of samples.tsv and units.tsv, written to out_dir/<batch>/ (atomically)."""
    wanted = set(batch.samples)
    (s_header, s_rows), (u_header, u_rows) = read_sheet(samples_tsv), read_sheet(units_tsv)
    folder = out_dir / batch.name
    folder.mkdir(parents=True, exist_ok=True)
    samples_out, units_out = folder / "samples.tsv", folder / "units.tsv"
    _write_tsv(samples_out, s_header, [r for r in s_rows if r["sample_id"] in wanted])
    _write_tsv(units_out, u_header, [r for r in u_rows if r["sample_id"] in wanted])
    return samples_out, units_out


def memory_mb() -> int:
    """90 % of this machine's memory: the local profile's cap on what jobs ask for together."""
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return int(pages * page_size / 2**20 * 0.9)


@dataclass(frozen=True)
class RunOptions:
    profile: str = "local"
    cores: int | None = None  # local: default all cores of this machine
    max_threads: int | None = None  # cap per job (e.g. the cluster's node size)
    mem_mb: int | None = None  # cap per job and in total; local default: 90 % of memory
    dry_run: bool = False
    extra: tuple[str, ...] = ()  # passed to snakemake unchanged
    snakefile: Path = ROOT / "Snakefile"


def snakemake_command(
    configfile: Path, samples: Path, units: Path, options: RunOptions, qc_name: str | None = None
) -> list[str]:
    """One batch's Snakemake command; ``qc_name`` names its MultiQC report, results/multiqc/<qc_name>.html."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(options.snakefile)]
    cmd += ["--configfile", str(configfile), "--config", f"samples={samples}", f"units={units}"]
    if qc_name:
        cmd.append(f"multiqc_name={qc_name}")
    cmd += ["--profile", str(profile_dir(options.profile))]
    if options.profile == "local":
        cmd += ["--cores", str(options.cores or os.cpu_count() or 1)]
    elif options.cores:
        cmd += ["--cores", str(options.cores)]
    if options.max_threads:
        cmd += ["--max-threads", str(options.max_threads)]
    mem = options.mem_mb or (memory_mb() if options.profile == "local" else None)
    if mem:
        cmd += ["--resources", f"mem_mb={mem}"]
    if options.dry_run:
        cmd += ["--dry-run"]
    return [*cmd, *options.extra]


def run_cohort(
    configfile: Path,
    samples_tsv: Path,
    units_tsv: Path,
    batch_size: int,
    options: RunOptions,
    work: Path,
    env: dict[str, str] | None = None,
) -> int:
    """Run every batch in turn (each a full Snakemake invocation); 0 when all succeed. A failed batch is
    reported and the next one still runs; its log is work/<batch>/snakemake.log."""
    _, samples = read_sheet(samples_tsv)
    batches = plan_batches(samples, batch_size)
    failed: list[str] = []
    for number, batch in enumerate(batches, start=1):
        sheets = write_batch_sheets(batch, samples_tsv, units_tsv, work)
        cmd = snakemake_command(configfile, *sheets, options, qc_name=f"{work.name}-{batch.name}")
        log = work / batch.name / "snakemake.log"
        print(
            f"clinwgs run: {batch.name} ({number}/{len(batches)}): {len(batch.samples)} samples, log {log}",
            flush=True,
        )
        with log.open("w") as handle:
            code = subprocess.run(
                cmd, stdout=handle, stderr=subprocess.STDOUT, env=env, check=False
            ).returncode
        if code != 0:
            failed.append(batch.name)
            print(f"clinwgs run: {batch.name} failed (exit {code}); see {log}", file=sys.stderr)
    if failed:
        print(
            f"clinwgs run: {len(failed)} of {len(batches)} batches failed: {', '.join(failed)}",
            file=sys.stderr,
        )
    return 1 if failed else 0


def sheets_of(configfile: Path) -> tuple[Path, Path]:
    """samples.tsv and units.tsv named by a config.yaml (relative to the working directory)."""
    import yaml

    cfg = yaml.safe_load(configfile.read_text()) if configfile.is_file() else None
    if not isinstance(cfg, dict) or not cfg.get("samples") or not cfg.get("units"):
        raise ConfigError([f"{configfile}: needs 'samples' and 'units' sheet paths"], path=configfile)
    return Path(cfg["samples"]), Path(cfg["units"])


def run_with_profile(
    configfile: Path, batch_size: int, options: RunOptions, env: dict[str, str] | None = None
) -> int:
    """`clinwgs run --profile ...`: the config's cohort in batches, each batch one Snakemake invocation."""
    from datetime import UTC, datetime

    profile_dir(options.profile)  # an unknown profile stops here, before any sheet is written
    samples_tsv, units_tsv = sheets_of(configfile)
    work = Path(layout.LOGS) / "cohort" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return run_cohort(configfile, samples_tsv, units_tsv, batch_size, options, work, env)
