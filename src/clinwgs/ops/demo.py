"""`clinwgs demo`: prepare the demo (simulate positive control PC001 if absent), start the embedded record
service, run the whole workflow (which publishes each report to that service), list the outputs.

Demo samples (config/samples.tsv): PC001 (simulated, BRCA1 c.68_69delAG het), PC002 (simulated, BRCA1 exon
13 deletion het, issue 17), HG00096/HG00099/HG00101 (1000 Genomes BAMs, reused), NA12878 (GIAB chr20 FASTQ,
GRCh37), and the simulated trio FAM001 (TRIO01P proband with a de novo pathogenic BRCA1 SNV, TRIO01F father,
TRIO01M mother; family analysis, issue 16). Outputs go to results/<sample>/ (the family's to
results/families/FAM001/).
The record service runs on the URL of `publish.url` in config/config.yaml with a fresh SQLite database
outside the checkout (`demo_service_dir()`), holding one fictitious 999-range test patient per sample: the
workflow's files only ever carry the pseudonymous sample IDs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

from clinwgs.config.load import RunConfig, load_config
from clinwgs.core import layout
from clinwgs.core.errors import ClinwgsError
from clinwgs.ops.runner import REPO_ROOT, run_workflow

PC001_PREFIX = Path("resources/demo/PC001")
PC002_PREFIX = Path("resources/demo/PC002")  # issue 17: simulated BRCA1 exon 13 deletion (het)
CONFIG = Path("config/config.yaml")


def demo_service_dir() -> Path:
    """Where the demo's record service keeps its database: outside any checkout (fictitious identifiers
    still never sit next to workflow files)."""
    from clinwgs.service.settings import xdg_data_home

    return xdg_data_home() / "clinwgs" / "demo-service"


def reset_demo_service(data_dir: Path) -> None:
    """Empty the demo's record-service folder, refusing when its database holds any patient whose NHS number
    is outside the 999 test range: real patient data is never deleted, whoever put it there."""
    database = data_dir / "records.sqlite3"
    if database.is_file():
        import sqlite3

        try:
            with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
                numbers = [row[0] for row in db.execute("SELECT nhs_number FROM patients")]
        except sqlite3.DatabaseError as exc:
            raise ClinwgsError(
                f"cannot read the demo record database ({exc}); not deleting it", path=database
            ) from exc
        real = sum(not str(n).startswith("999") for n in numbers)
        if real:
            raise ClinwgsError(
                f"{real} patient(s) outside the 999 test range: this is not a demo database; not deleting it "
                "(move it away, or set XDG_DATA_HOME for the demo)",
                path=database,
            )
    shutil.rmtree(data_dir, ignore_errors=True)


def ensure_positive_control(repo: Path) -> Path:
    """Simulate PC001's reads (seeded) unless both FASTQs exist; returns the R1 path."""
    r1 = repo / f"{PC001_PREFIX}.R1.fastq.gz"
    r2 = repo / f"{PC001_PREFIX}.R2.fastq.gz"
    if not (r1.is_file() and r2.is_file()):
        from clinwgs.validation.simulate import simulate_positive_control

        print(f"clinwgs demo: simulating positive control PC001 -> {PC001_PREFIX}.R1/R2.fastq.gz", flush=True)
        simulate_positive_control(repo, repo / PC001_PREFIX)
    ensure_sv_control(repo)
    return r1


def ensure_sv_control(repo: Path) -> Path:
    """Simulate PC002's reads (seeded; BRCA1 exon 13 deletion, issue 17) unless both FASTQs exist."""
    r1, r2 = (repo / f"{PC002_PREFIX}.R{n}.fastq.gz" for n in (1, 2))
    if not (r1.is_file() and r2.is_file()):
        from clinwgs.validation.simulate_sv import simulate_sv_control

        print(f"clinwgs demo: simulating positive control PC002 -> {PC002_PREFIX}.R1/R2.fastq.gz", flush=True)
        simulate_sv_control(repo, repo / PC002_PREFIX)
    return r1


def summary(repo: Path, samples: list[str], multiqc_name: str) -> str:
    lines = ["", "clinwgs demo: outputs"]
    for sample in samples:
        vcf = repo / layout.vcf(sample, "annotated")
        report = repo / layout.report(sample, "html")
        state = ", ".join(
            f"{what}: {'ok' if path.is_file() else 'MISSING'}"
            for what, path in (("annotated VCF", vcf), ("report", report))
        )
        lines.append(f"  {sample:8s} {layout.sample_dir(sample)}/  ({state})")
    lines.append(f"  QC report: {layout.multiqc_report(multiqc_name)}")
    return "\n".join(lines)


def service_address(run: RunConfig) -> tuple[str, int]:
    """Host and port of the record service the workflow publishes to (config `publish.url`)."""
    url = urlsplit(run.publish.url)
    return url.hostname or "127.0.0.1", url.port or 80


def run_demo(cores: int, aligner: str | None = None, serve: bool = False) -> int:
    """Prepare the positive control, start a fresh demo record service, run the workflow on the demo sheets
    and publish into it; with ``serve``, keep the service running until Ctrl-C. Returns Snakemake's status."""
    os.chdir(REPO_ROOT)
    start = time.monotonic()
    ensure_positive_control(REPO_ROOT)
    from clinwgs.validation.simulate_trio import ensure_demo_trio

    ensure_demo_trio(REPO_ROOT)  # trio FAM001 (issue 16), seeded
    from clinwgs.service.main import demo_links, start_demo_service

    config = load_config(CONFIG)  # the sheets as the workflow will see them, PC001's reads now present
    samples = list(config.samples)
    host, port = service_address(config)
    data_dir = demo_service_dir()
    reset_demo_service(data_dir)  # a fresh demo record: fictitious patients only
    print(f"clinwgs demo: record service on http://{host}:{port} (database under {data_dir})", flush=True)
    try:
        service = start_demo_service(samples, data_dir, port=port, host=host)
    except ClinwgsError as exc:
        raise ClinwgsError(
            f"{exc}: stop what listens there, or set publish.url in {CONFIG} to a free port", path=CONFIG
        ) from exc
    try:
        # publish again on every demo run: this run's service starts empty; progress lines ("N of M steps
        # done", each finished rule), not every job's full description
        extra = ["--forcerun", "publish_report", "--quiet", "rules"]
        if aligner:
            extra += ["--config", f"aligner={aligner}"]
        status, _ = run_workflow(CONFIG, cores, extra)
        print(summary(REPO_ROOT, samples, config.multiqc_name))
        print("\nclinwgs demo: reports in the record service")
        print("\n".join(demo_links(service, REPO_ROOT / layout.RESULTS, samples)))
        print(f"\nclinwgs demo: finished with status {status} in {time.monotonic() - start:.0f} s")
        if serve and status == 0:
            print("clinwgs demo: serving the reports; press Ctrl-C to stop", flush=True)
            try:
                while service.thread.is_alive():
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        else:
            print(
                f"  to browse them later: clinwgs serve --host {host} --port {port} --data-dir {data_dir}"
                " (the tokens above stay valid)"
            )
    finally:
        service.stop()
    return status
