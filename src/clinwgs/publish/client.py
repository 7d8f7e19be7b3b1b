"""``clinwgs publish``: post one sample's report Bundle to the record service, with retries and backoff.

    clinwgs publish --sample S [--results results] [--url URL] [--token-env CLINWGS_SERVICE_TOKEN]
                    [--retries 5] [--backoff 0.5] [--receipt PATH] [--receipt-on-failure] [--amend]

Reads results/<S>/interpret/findings.json and (when present) results/<S>/report/<S>.report.pdf; writes
only results/<S>/publish/receipt.json (atomically). When the service cannot be reached the command exits
non-zero with a clear message and writes nothing, unless --receipt-on-failure (the workflow rule), which
records a "not published" receipt and exits 0 so the analysis completes; publishing again later creates
exactly one report because the service recognises the identical Bundle.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from clinwgs.config.models import PublishSection
from clinwgs.core import layout
from clinwgs.core.errors import ClinwgsError, InputIntegrityError
from clinwgs.core.io import write_json_atomic
from clinwgs.fhir.bundle import build_report_bundle
from clinwgs.models.findings import Findings
from clinwgs.models.report_inputs import ReportInputs
from clinwgs.report.qc import mosdepth_dist
from clinwgs.report.render import analysis_provenance

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
DEFAULTS = PublishSection()  # config.yaml `publish:` defaults (clinwgs.config.models), also the CLI's


class PublishError(ClinwgsError):
    exit_code = 3
    http_status: int | None = None  # set when the service answered and refused (409: changed report)


@dataclass(frozen=True)
class PublishInputs:
    sample_id: str
    findings: Path
    pdf: Path | None
    manifest: Path | None
    receipt: Path
    # what the preliminary report showed besides the findings, carried so the record service renders the
    # signed report from the same inputs (report_sources() finds them under results/)
    report_json: Path | None = None  # <s>.report.json: QC values and the identity section
    analysis_manifest: Path | None = None  # cited by the report (sha256, tool versions)
    depth_dist: Path | None = None  # the mosdepth dist file the report plotted


def _existing(path: str) -> Path | None:
    return Path(path) if Path(path).is_file() else None


def report_sources(sample_id: str, root: str = layout.RESULTS) -> dict[str, Path | None]:
    """The report stage's other inputs and outputs under ``root`` (each None when absent): the keyword
    arguments ``report_json``, ``analysis_manifest`` and ``depth_dist`` of ``PublishInputs``."""
    return {
        "report_json": _existing(layout.report(sample_id, "json", root)),
        "analysis_manifest": _existing(layout.analysis_manifest(sample_id, root)),
        "depth_dist": _existing(layout.qc(sample_id, "panel.mosdepth.region.dist.txt", root)),
    }


def load_findings(path: Path, sample_id: str) -> Findings:
    try:
        findings = Findings.model_validate_json(path.read_bytes())
    except FileNotFoundError as exc:
        raise InputIntegrityError(
            "findings.json not found; run the interpret step first", path=path, sample=sample_id
        ) from exc
    except ValidationError as exc:
        raise InputIntegrityError(
            f"not a valid findings document: {exc.errors()[0]['msg']}", path=path, sample=sample_id
        ) from exc
    if findings.sample_id != sample_id:
        raise InputIntegrityError(
            f"findings are for sample {findings.sample_id}", path=path, sample=sample_id
        )
    if findings.release_blocked:
        blockers = "; ".join(findings.release_blockers) or "no reason given"
        raise PublishError(f"release blocked, not published: {blockers}", path=path, sample=sample_id)
    return findings


def manifest_period(manifest: bytes, path: Path, sample_id: str) -> tuple[datetime, datetime] | None:
    """First start and last end of the sample's own steps in a provenance manifest (None without any).
    Reference-bundle steps are left out: an index built once, maybe days before, serves many samples."""
    try:
        steps = [s for s in json.loads(manifest).get("steps") or [] if s.get("scope") != "reference bundle"]
        starts = [datetime.fromisoformat(s["start"]) for s in steps if s.get("start")]
        ends = [datetime.fromisoformat(s["end"]) for s in steps if s.get("end")]
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputIntegrityError(f"not a provenance manifest: {exc}", path=path, sample=sample_id) from exc
    return (min(starts), max(ends)) if starts and ends else None


def report_inputs(findings: Findings, inputs: PublishInputs) -> ReportInputs:
    """The findings plus the QC values, identity section, provenance and depth curve of the report."""
    qc: dict[str, float] = {}
    identity = None
    if inputs.report_json is not None:
        try:
            report = json.loads(inputs.report_json.read_text(encoding="utf-8"))
            qc = {str(k): float(v) for k, v in (report.get("qc") or {}).items()}
            identity = report.get("identity")
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise InputIntegrityError(
                f"not a report JSON: {exc}", path=inputs.report_json, sample=inputs.sample_id
            ) from exc
    provenance = analysis_provenance(inputs.analysis_manifest) if inputs.analysis_manifest else None
    points = mosdepth_dist(inputs.depth_dist, "total") if inputs.depth_dist else None
    try:
        return ReportInputs(
            findings=findings, qc=qc, identity=identity, provenance=provenance, depth_points=points or None
        )
    except ValidationError as exc:
        raise InputIntegrityError(
            f"report inputs are not valid: {exc.errors()[0]['msg']}", sample=inputs.sample_id
        ) from exc


def build_bundle(inputs: PublishInputs) -> dict[str, Any]:
    findings = load_findings(inputs.findings, inputs.sample_id)
    pdf = inputs.pdf.read_bytes() if inputs.pdf and inputs.pdf.exists() else None
    carried = report_inputs(findings, inputs)
    if inputs.manifest is None:
        return build_report_bundle(findings, pdf, inputs=carried)
    manifest = inputs.manifest.read_bytes()
    period = manifest_period(manifest, inputs.manifest, inputs.sample_id)
    return build_report_bundle(findings, pdf, hashlib.sha256(manifest).hexdigest(), period, carried)


def send_with_retries(
    method: str,
    url: str,
    path: str,
    token: str,
    *,
    body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    retries: int,
    backoff_s: float,
    timeout_s: float = 30.0,
) -> tuple[httpx.Response, int]:
    """One request to the service; connection errors and 408/429/5xx are retried with exponential backoff
    (capped at 30 s). Returns the response and the number of attempts."""
    sent = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json", **(headers or {})}
    content = json.dumps(body).encode() if body is not None else None
    last_problem = ""
    for attempt in range(1, retries + 2):
        try:
            response = httpx.request(
                method,
                f"{url.rstrip('/')}{path}",
                content=content,
                params=params,
                headers=sent,
                timeout=timeout_s,
            )
            if response.status_code not in RETRYABLE_STATUS:
                return response, attempt
            last_problem = f"HTTP {response.status_code}"
        except httpx.TransportError as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        if attempt <= retries:
            time.sleep(min(backoff_s * 2 ** (attempt - 1), 30.0))
    raise PublishError(
        f"record service at {url} unreachable after {retries + 1} attempt(s) ({last_problem}); "
        "results are untouched; run `clinwgs publish` again when it is back"
    )


def _refused(response: httpx.Response, inputs: PublishInputs) -> PublishError:
    try:
        detail = response.json()["issue"][0]["diagnostics"]
    except (ValueError, KeyError, IndexError, TypeError):
        detail = response.text[:300]
    error = PublishError(
        f"record service refused the report (HTTP {response.status_code}): {detail}",
        path=inputs.findings,
        sample=inputs.sample_id,
    )
    error.http_status = response.status_code
    return error


def write_receipt(path: Path, receipt: dict[str, Any]) -> None:
    write_json_atomic(path, receipt)


def _receipt(
    inputs: PublishInputs, url: str, response: httpx.Response, attempts: int, **extra: Any
) -> dict[str, Any]:
    answer = response.json()
    receipt = {
        "sample_id": inputs.sample_id,
        "published": True,
        "service_url": url,
        "attempts": attempts,
        "http_status": response.status_code,
        "report_id": answer["report_id"],
        "version": answer["version"],
        "created": answer["created"],
        "status": answer["status"],
        "content_hash": answer["content_hash"],
        "published_at": datetime.now(UTC).isoformat(),
        **extra,
    }
    write_receipt(inputs.receipt, receipt)
    return receipt


def publish_sample(
    inputs: PublishInputs, url: str, token: str, *, retries: int, backoff_s: float
) -> dict[str, Any]:
    """Publish and return the receipt (also written to ``inputs.receipt``); raises PublishError."""
    bundle = build_bundle(inputs)
    response, attempts = send_with_retries(
        "POST", url, "/fhir", token, body=bundle, retries=retries, backoff_s=backoff_s
    )
    if response.status_code not in (200, 201):
        raise _refused(response, inputs)
    return _receipt(inputs, url, response, attempts)


def amend_sample(
    inputs: PublishInputs, url: str, token: str, *, retries: int, backoff_s: float
) -> dict[str, Any]:
    """Send this analysis as a new version of the sample's report (after a re-analysis changed it): the
    service keeps every earlier version, links the new one to it by Provenance and needs a fresh two-person
    sign-off. If-Match names the version read just before, so a concurrent amendment is refused (412)."""
    bundle = build_bundle(inputs)
    kw: dict[str, Any] = {"retries": retries, "backoff_s": backoff_s}
    found, attempts = send_with_retries(
        "GET", url, "/fhir/DiagnosticReport", token, params={"identifier": inputs.sample_id}, **kw
    )
    if found.status_code != 200:
        raise _refused(found, inputs)
    entries = found.json().get("entry") or []
    if not entries:
        raise PublishError(
            "the record service holds no report for this sample: publish it first (without --amend)",
            sample=inputs.sample_id,
        )
    current = entries[0]["resource"]
    version = str(current["meta"]["versionId"])
    response, more = send_with_retries(
        "PUT",
        url,
        f"/fhir/DiagnosticReport/{current['id']}",
        token,
        body=bundle,
        headers={"If-Match": f'W/"{version}"'},
        **kw,
    )
    if response.status_code not in (200, 201):
        raise _refused(response, inputs)
    return _receipt(inputs, url, response, attempts + more, amended_from_version=int(version))


def _earlier_publication(receipt: Path) -> dict[str, Any] | None:
    """The receipt of an earlier successful publish of this sample (or what it kept of one), if any."""
    try:
        earlier = json.loads(receipt.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(earlier, dict):
        return None
    if earlier.get("published") is True:
        return earlier
    kept = earlier.get("previously_published")
    return kept if isinstance(kept, dict) else None


def publish_with_settings(
    inputs: PublishInputs, settings: PublishSection, *, amend: bool = False, receipt_on_failure: bool = False
) -> dict[str, Any]:
    """Publish (or, with ``amend``, amend) one sample with the ``publish:`` settings and return the receipt
    written to ``inputs.receipt``. The token is read from the environment variable ``settings.token_env``.
    With ``receipt_on_failure`` (the workflow rule) a PublishError is recorded as a "not published" receipt
    (returned, ``published`` false) instead of being raised, so the analysis completes."""
    token = os.environ.get(settings.token_env, "")
    try:
        if not token:
            missing = f"no service token: set the environment variable {settings.token_env}"
            raise PublishError(missing, sample=inputs.sample_id)
        send = amend_sample if amend else publish_sample
        return send(inputs, settings.url, token, retries=settings.retries, backoff_s=settings.backoff_s)
    except PublishError as exc:
        if not receipt_on_failure:
            raise
        failed: dict[str, Any] = {
            "sample_id": inputs.sample_id,
            "published": False,
            "service_url": settings.url,
            "error": str(exc),
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        if exc.http_status is not None:
            failed["http_status"] = exc.http_status
        earlier = _earlier_publication(inputs.receipt)
        if earlier:  # a rerun changed the report: keep the record of what the service already holds
            failed["previously_published"] = earlier
        write_receipt(inputs.receipt, failed)
        return failed


def outcome(receipt: dict[str, Any]) -> str:
    """One line saying what happened (printed by the CLI, logged by the workflow rule)."""
    if receipt.get("published") is False:
        return f"clinwgs publish: NOT published: {receipt['error']}"
    state = "created" if receipt["created"] else "already present (identical), nothing duplicated"
    if "amended_from_version" in receipt and receipt["created"]:
        state = f"amended (was v{receipt['amended_from_version']}; needs a fresh sign-off)"
    report = f"report {receipt['report_id']} v{receipt['version']}"
    return f"clinwgs publish: sample {receipt['sample_id']}: {report} {state}"
