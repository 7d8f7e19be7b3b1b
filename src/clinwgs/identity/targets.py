"""Input helpers of rules/identity.smk (kept here so the rule file holds only rules)."""

from __future__ import annotations

from typing import Any

from clinwgs.config.models import IdentitySection
from clinwgs.core import layout


def panel_path(bundle: Any) -> str | None:
    """The bundle's fingerprint panel (clinwgs.reference.bundles.Bundle ``files.fingerprint``), if any."""
    panel = bundle.files.fingerprint
    return str(panel.path) if panel else None


def sample_fingerprints(run: Any, bundles: dict[str, Any]) -> list[str]:
    """Every sample fingerprint of the run whose bundle has a panel (input of the run-level comparison)."""
    return [
        layout.fingerprint(s)
        for s in sorted(run.samples)
        if panel_path(bundles[run.samples[s].reference])
    ]


def identity_inputs(
    sample: str, run: Any, bundle: Any, settings: IdentitySection, run_identity: str
) -> dict[str, Any]:
    """Named inputs of rule identity_sample: only the depth summary and the FASTA index without a panel."""
    inputs: dict[str, Any] = {
        "summary": layout.qc(sample, "mosdepth.summary.txt"),
        # the workflow's own index of the verified FASTA (rules/ref.smk), never a file beside the lab's copy
        "fai": layout.resource(bundle.name, bundle.key, "genome.fa.gz.fai"),
    }
    panel = panel_path(bundle)
    if panel:
        inputs["sample_fp"] = layout.fingerprint(sample)
        inputs["unit_fps"] = [
            layout.unit_fingerprint(sample, u.unit_id) for u in run.units[sample]
        ]
        inputs["run"] = run_identity
        inputs["panel"] = panel
        if sample in settings.expected:
            inputs["expected"] = str(settings.expected[sample].vcf)
    return inputs
