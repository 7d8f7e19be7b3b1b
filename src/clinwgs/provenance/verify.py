"""Re-hash everything a provenance manifest lists and name every file that changed or disappeared."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clinwgs.core.io import sha256_file
from clinwgs.provenance.manifest import is_recorded_output, load_manifest, resolve_input


@dataclass
class Verification:
    manifest: Path
    manifest_sha256: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check(kind: str, shown: str, real: Path, expected: str, result: Verification) -> None:
    result.checked += 1
    if not real.is_file():
        result.problems.append(f"MISSING {kind} {shown} ({real})")
        return
    actual = sha256_file(real)
    if actual != expected:
        result.problems.append(
            f"CHANGED {kind} {shown}: manifest sha256 {expected[:16]}…, now {actual[:16]}…"
        )


def verify_manifest(
    manifest_path: Path, *, expected_sha256: str | None = None, check_unlisted: bool = True
) -> Verification:
    """Verify one manifest. ``expected_sha256`` is the manifest hash cited by the report / FHIR Provenance."""
    data = load_manifest(manifest_path)
    result = Verification(manifest=manifest_path, manifest_sha256=sha256_file(manifest_path))
    if expected_sha256 and expected_sha256.lower() != result.manifest_sha256:
        result.problems.append(
            f"CHANGED manifest {manifest_path}: sha256 {result.manifest_sha256[:16]}… is not the cited "
            f"{expected_sha256[:16]}…"
        )
    sample_dir = manifest_path.parent
    workdir = Path(data.get("workdir") or ".")
    for rec in data["outputs"]:
        _check("output", rec["path"], sample_dir / rec["path"], rec["sha256"], result)
    for rec in data["inputs"]:
        real = resolve_input(rec["path"], workdir)
        if not real.is_file() and not Path(rec["path"]).is_absolute():
            real = Path(rec["path"])  # workdir moved: try relative to where verify runs
        _check("input", rec["path"], real, rec["sha256"], result)
    for rec in data.get("config", {}).get("files", []):
        _check("config", rec["path"], resolve_input(rec["path"], workdir), rec["sha256"], result)
    if check_unlisted and data.get("scope", "final") == "final":
        listed = {rec["path"] for rec in data["outputs"]}
        for path in sorted(p for p in sample_dir.rglob("*") if p.is_file()):
            rel = path.relative_to(sample_dir).as_posix()
            if is_recorded_output(rel) and rel not in listed:
                result.problems.append(f"UNLISTED output {rel}: present but not in the manifest")
    return result
