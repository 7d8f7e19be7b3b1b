"""Adapter: write a sample's manifest.json or analysis_manifest.json (clinwgs.provenance.manifest), log its
sha256."""

from pathlib import Path

from clinwgs.core import layout
from clinwgs.provenance.manifest import ManifestRequest, write_manifest

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
p = sm.params.p
sample = sm.wildcards.sample
request = ManifestRequest(
    sample=sample,
    sample_dir=Path(sm.output.manifest).parent,
    workdir=Path.cwd(),
    config=p["config"],
    config_files=[Path(f) for f in p["config_files"]],
    input_paths=list(p["inputs"]),
    bundle_manifest=Path(p["bundle_manifest"]),
    timings_dir=Path(layout.TIMINGS),
    scope=sm.params.scope,
    outputs=[Path(f) for f in sm.input] if sm.params.scope == "analysis" else None,
    bundle_key=p["bundle_key"],
    unused_rules=frozenset(p["unused_rules"]),
)
identity = Path(request.sample_dir) / "identity" / f"{sample}.identity.json"
if identity.is_file():  # rules/identity.smk: the identity verdicts, beside the file's sha256 in outputs
    from clinwgs.identity.check import manifest_summary

    request.extra["identity"] = manifest_summary(identity)
digest = write_manifest(request, Path(sm.output.manifest))
Path(sm.log[0]).write_text(f"{sm.output.manifest} sha256 {digest}\n")
