"""A sample's identity result (results/<sample>/identity/<sample>.identity.json) and the run-level comparison
of every sample's fingerprint (results/identity/<run>.run_identity.json).

Status words (per check): "pass", "fail", "inconclusive", "insufficient data", "not assessable" (the bundle
cannot assess it), "not applicable" (one unit), "not assessed" (nothing to compare with). Only "pass" is a
pass. Release is blocked (findings.json ``release_blockers``, each starting ``SAMPLE IDENTITY:``) by: units
of one sample that mismatch or are inconclusive; a mismatch, inconclusive or unconfirmable comparison with a
lab-supplied expected fingerprint; a confirmed match with another sample of the run (unless the pair is listed
in ``identity.same_individual``). The sex check is reported here; its mismatch blocks release through
findings.json's sex check (clinwgs.interpret.sex), not twice.
"""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from clinwgs.config.models import IdentitySection
from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import write_text_atomic
from clinwgs.identity.compare import Comparison, compare
from clinwgs.identity.genotype import Fingerprint
from clinwgs.interpret.sex import read_mosdepth_summary, sex_check

IDENTITY_VERSION = "1.0.0"
PREFIX = "SAMPLE IDENTITY: "
Status = Literal[
    "pass", "fail", "inconclusive", "insufficient data", "not assessable", "not applicable", "not assessed"
]
_STATUS_OF: dict[str, Status] = {"match": "pass", "mismatch": "fail", "inconclusive": "inconclusive",
              "insufficient data": "insufficient data"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckResult(Strict):
    status: Status
    summary: str
    comparisons: list[Comparison] = []


class DuplicateFlag(Strict):
    other_sample: str
    comparison: Comparison
    confirmed: bool  # a "match" (enough independent markers), not only concordant
    acknowledged: bool  # listed in identity.same_individual


class SexResult(Strict):
    status: Status
    reported: str
    inferred: str | None = None
    summary: str


class IdentityResult(Strict):
    version: str = IDENTITY_VERSION
    sample_id: str
    bundle: str
    panel_sites: int
    panel_markers: int
    sites_called: int  # in the sample's fingerprint (all units merged)
    status: Literal["fail", "confirmed", "not confirmed"]
    units: CheckResult
    expected: CheckResult
    duplicates: CheckResult
    possible_duplicates: list[DuplicateFlag] = []
    sex: SexResult
    release_blockers: list[str] = []

    def summary_lines(self) -> list[str]:
        return [
            f"units: {self.units.status} - {self.units.summary}",
            f"expected fingerprint: {self.expected.status} - {self.expected.summary}",
            f"other samples of the run: {self.duplicates.status} - {self.duplicates.summary}",
            f"sex: {self.sex.status} - {self.sex.summary}",
        ]


class RunIdentity(Strict):
    version: str = IDENTITY_VERSION
    samples: list[str]
    pairs: list[Comparison]  # every pair of samples (sample fingerprints), a < b


def compare_run(fingerprints: list[Fingerprint], settings: IdentitySection) -> RunIdentity:
    """Every pair of the run's sample fingerprints made with the same panel (samples on another bundle cannot
    be compared: their pairs are left out)."""
    ordered = sorted(fingerprints, key=lambda f: f.sample_id)
    pairs = [
        compare(a, b, settings)
        for a, b in combinations(ordered, 2)
        if a.sites_file_sha256 == b.sites_file_sha256
    ]
    return RunIdentity(samples=[f.sample_id for f in ordered], pairs=pairs)


def units_check(units: list[Fingerprint], settings: IdentitySection) -> tuple[CheckResult, list[str]]:
    sample = units[0].sample_id if units else "?"
    if len(units) < 2:
        return CheckResult(status="not applicable", summary="one sequencing unit: nothing to compare"), []
    pairs = [compare(a, b, settings) for a, b in combinations(units, 2)]
    worst = _worst(pairs)
    blockers = [
        f"{PREFIX}sample {sample}: {c.a.split(' unit ', 1)[1] if ' unit ' in c.a else c.a} and "
        f"{c.b.split(' unit ', 1)[1] if ' unit ' in c.b else c.b} are not from the same person "
        f"({c.verdict}: {c.figures()})"
        for c in pairs if c.verdict in ("mismatch", "inconclusive")
    ]
    detail = "; ".join(f"{c.a} vs {c.b}: {c.verdict}, {c.figures()}" for c in pairs)
    if worst == "insufficient data":
        detail += f" - {next(c.reason for c in pairs if c.verdict == 'insufficient data')}"
    return CheckResult(status=_STATUS_OF[worst], summary=detail, comparisons=pairs), blockers


def expected_check(
    sample: Fingerprint, expected: Fingerprint | None, settings: IdentitySection
) -> tuple[CheckResult, list[str]]:
    if expected is None:
        why = "no expected fingerprint configured (identity.expected)"
        return CheckResult(status="not assessed", summary=why), []
    c = compare(sample, expected, settings)
    summary = f"{c.verdict}: {c.figures()}; {c.reason}"
    blockers = []
    if c.verdict in ("mismatch", "inconclusive"):
        blockers.append(
            f"{PREFIX}sample {sample.sample_id} does not match its expected fingerprint "
            f"({c.verdict}: {c.figures()})"
        )
    elif c.verdict == "insufficient data":
        blockers.append(
            f"{PREFIX}sample {sample.sample_id} could not be confirmed against its expected fingerprint "
            f"(insufficient data: {c.reason})"
        )
    return CheckResult(status=_STATUS_OF[c.verdict], summary=summary, comparisons=[c]), blockers


def duplicates_check(
    sample_id: str, run: RunIdentity | None, settings: IdentitySection
) -> tuple[CheckResult, list[DuplicateFlag], list[str]]:
    mine = [c for c in run.pairs if sample_id in (c.a, c.b)] if run else []
    if not mine:
        why = "no other sample of this run has a fingerprint on the same panel"
        return CheckResult(status="not applicable", summary=why), [], []
    flags = [
        DuplicateFlag(
            other_sample=c.b if c.a == sample_id else c.a, comparison=c, confirmed=c.verdict == "match",
            acknowledged=settings.acknowledged(c.a, c.b),
        )
        for c in mine if c.concordant
    ]
    blockers = [
        f"{PREFIX}samples {sample_id} and {f.other_sample} have the same fingerprint "
        f"({f.comparison.figures()}): a duplicate - one of them may be another patient's sample"
        for f in flags if f.confirmed and not f.acknowledged
    ]
    others = len(mine)
    if blockers:
        status: Status = "fail"
        summary = "; ".join(f"same fingerprint as {f.other_sample}" for f in flags if f.confirmed)
    elif flags:
        status = "insufficient data" if any(not f.confirmed for f in flags) else "pass"
        summary = "; ".join(
            f"{'same individual as (acknowledged) ' if f.acknowledged else 'possible duplicate of '}"
            f"{f.other_sample}: {f.comparison.figures()}"
            + ("" if f.confirmed else " - too few independent markers to tell them apart")
            for f in flags
        )
    else:
        undecided = [c for c in mine if c.verdict == "insufficient data"]
        status = "insufficient data" if undecided else "pass"
        summary = f"differs from all {others} other sample(s) of the run"
        if undecided:
            summary = f"{len(undecided)} of {others} comparison(s) had too few sites called in both"
    return CheckResult(status=status, summary=summary, comparisons=mine), flags, blockers


def sex_result(reported: str, fai: Path, mosdepth_summary: Path | None) -> SexResult:
    """Sex from chrX/chrY depth (clinwgs.interpret.sex) where the bundle has both chrX and chrY."""
    try:
        contigs = {line.split("\t", 1)[0] for line in fai.read_text(encoding="utf-8").splitlines() if line}
    except OSError as exc:
        raise InputIntegrityError(f"cannot read the bundle's FASTA index: {exc}", path=fai) from exc
    has = {name for name in contigs if re.fullmatch(r"(chr)?[XY]", name)}
    if len({n[-1] for n in has}) < 2:
        return SexResult(
            status="not assessable", reported=reported,
            summary="the reference bundle has no chrX and chrY sequence: sex cannot be inferred from depth",
        )
    if reported == "unknown":
        return SexResult(status="not assessed", reported=reported, summary="the sample sheet gives no sex")
    check = sex_check(reported, read_mosdepth_summary(mosdepth_summary) if mosdepth_summary else None)
    if check.mismatch:
        status: Status = "fail"
    elif check.inferred == "unknown":
        status = "insufficient data"
    else:
        status = "pass"
    return SexResult(status=status, reported=reported, inferred=check.inferred, summary=check.note)


def sample_identity(
    *,
    sample: Fingerprint,
    units: list[Fingerprint],
    expected: Fingerprint | None,
    run: RunIdentity | None,
    sex: SexResult,
    bundle: str,
    panel_markers: int,
    settings: IdentitySection,
) -> IdentityResult:
    unit_result, b1 = units_check(units, settings)
    expected_result, b2 = expected_check(sample, expected, settings)
    dup_result, flags, b3 = duplicates_check(sample.sample_id, run, settings)
    blockers = b1 + b2 + b3
    if blockers or sex.status == "fail":
        status: Literal["fail", "confirmed", "not confirmed"] = "fail"
    elif expected_result.status == "pass" and unit_result.status in ("pass", "not applicable"):
        status = "confirmed"
    else:
        status = "not confirmed"
    return IdentityResult(
        sample_id=sample.sample_id, bundle=bundle, panel_sites=len(sample.calls), panel_markers=panel_markers,
        sites_called=sample.called, status=status, units=unit_result, expected=expected_result,
        duplicates=dup_result, possible_duplicates=flags, sex=sex, release_blockers=blockers,
    )


def not_assessable(sample_id: str, bundle: str, sex: SexResult, expected_configured: bool) -> IdentityResult:
    """For a bundle without a fingerprint panel: every fingerprint check 'not assessable', never a pass; an
    expected fingerprint the lab configured cannot be confirmed, which blocks release."""
    why = f"the reference bundle {bundle} has no fingerprint panel (manifest key files.fingerprint)"
    na = CheckResult(status="not assessable", summary=why)
    blockers = (
        [f"{PREFIX}sample {sample_id} could not be confirmed against its expected fingerprint ({why})"]
        if expected_configured else []
    )
    return IdentityResult(
        sample_id=sample_id, bundle=bundle, panel_sites=0, panel_markers=0, sites_called=0,
        status="fail" if sex.status == "fail" or blockers else "not confirmed",
        units=na, expected=na, duplicates=na, sex=sex, release_blockers=blockers,
    )


def _worst(pairs: list[Comparison]) -> str:
    order = ["mismatch", "inconclusive", "insufficient data", "match"]
    return min((c.verdict for c in pairs), key=order.index)


def write_model(model: BaseModel, out: Path) -> None:
    write_text_atomic(out, model.model_dump_json(indent=1) + "\n")


def read_identity(path: Path) -> IdentityResult:
    try:
        return IdentityResult.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"not a readable identity result: {exc}", path=path) from exc


def read_run(path: Path) -> RunIdentity:
    try:
        return RunIdentity.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"not a readable run identity file: {exc}", path=path) from exc


def identity_blockers(path: Path) -> list[str]:
    """The release blockers of a sample's identity result (what findings.json adds to its own)."""
    return list(read_identity(path).release_blockers)


def manifest_summary(path: Path) -> dict[str, object]:
    """What the provenance manifest records of an identity result (the file itself is hashed there)."""
    r = read_identity(path)
    return {
        "status": r.status,
        "bundle": r.bundle,
        "panel_sites": r.panel_sites,
        "panel_markers": r.panel_markers,
        "sites_called": r.sites_called,
        "checks": {
            name: {
                "status": check.status,
                "comparisons": [c.model_dump() for c in check.comparisons],
            }
            for name, check in (("units", r.units), ("expected", r.expected), ("run", r.duplicates))
        },
        "sex": r.sex.status,
        "release_blockers": r.release_blockers,
    }
