"""Two fingerprints compared: discordance over the sites called in both, and a verdict.

Verdicts, in order (thresholds from IdentitySection; reasons in docs/validation.md):
- "insufficient data": fewer than ``min_sites`` sites called in both;
- "mismatch": discordance >= ``mismatch_min_discordance`` (different people, or a mixture);
- "inconclusive": discordance above ``match_max_discordance`` but below the mismatch threshold
  (contamination, a relative, or very noisy calls): never a pass;
- "insufficient data": concordant, but the sites compared form fewer than ``min_markers`` independent
  markers, so another person sharing the same common haplotypes cannot be excluded;
- "match".
A genotype differing in any way (0/1 against 1/1 included) counts as discordant.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from clinwgs.config.models import IdentitySection
from clinwgs.core.errors import InputIntegrityError
from clinwgs.identity.genotype import Fingerprint

Verdict = Literal["match", "mismatch", "inconclusive", "insufficient data"]


class Comparison(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    a: str
    b: str
    sites_compared: int  # called in both: the informative sites
    discordant: int
    discordance: float | None  # discordant / sites_compared; None when nothing was compared
    markers: int  # distinct independent markers (panel blocks) among the sites compared
    concordant: bool  # enough sites and discordance within the match threshold (confirmed or not)
    verdict: Verdict
    reason: str

    def figures(self) -> str:
        if self.discordance is None:
            return "no site called in both"
        return (
            f"discordance {self.discordance:.3f} ({self.discordant} discordant of {self.sites_compared} "
            f"sites called in both, {self.markers} independent marker(s))"
        )


def label(fp: Fingerprint) -> str:
    if fp.source == "expected VCF":
        return f"expected fingerprint of {fp.sample_id}"
    return f"{fp.sample_id} unit {fp.unit_id}" if fp.unit_id else fp.sample_id


def compare(a: Fingerprint, b: Fingerprint, settings: IdentitySection) -> Comparison:
    if a.sites_file_sha256 != b.sites_file_sha256:
        raise InputIntegrityError(
            f"fingerprints of {label(a)} and {label(b)} were made with different site panels "
            f"({a.sites_file_sha256[:12]} vs {b.sites_file_sha256[:12]}): re-run the fingerprint rules"
        )
    calls_b = {(c.chrom, c.pos, c.ref, c.alt): c for c in b.calls}
    compared = discordant = 0
    blocks: set[int] = set()
    for ca in a.calls:
        cb = calls_b.get((ca.chrom, ca.pos, ca.ref, ca.alt))
        if cb is None or ca.genotype is None or cb.genotype is None:
            continue
        compared += 1
        blocks.add(ca.block)
        discordant += ca.genotype != cb.genotype
    rate = discordant / compared if compared else None
    s = settings
    concordant = rate is not None and compared >= s.min_sites and rate <= s.match_max_discordance
    verdict: Verdict
    if rate is None or compared < s.min_sites:
        verdict, reason = "insufficient data", f"only {compared} site(s) called in both (need {s.min_sites})"
    elif rate >= s.mismatch_min_discordance:
        verdict, reason = "mismatch", f"discordance {rate:.3f} >= {s.mismatch_min_discordance}"
    elif rate > s.match_max_discordance:
        verdict = "inconclusive"
        reason = f"discordance {rate:.3f} between {s.match_max_discordance} and {s.mismatch_min_discordance}"
    elif len(blocks) < s.min_markers:
        verdict = "insufficient data"
        reason = (
            f"concordant at {compared} sites, but they form only {len(blocks)} independent marker(s) "
            f"(need {s.min_markers}): another person with the same common haplotypes cannot be excluded"
        )
    else:
        verdict, reason = "match", f"discordance {rate:.3f} <= {s.match_max_discordance}"
    return Comparison(
        a=label(a), b=label(b), sites_compared=compared, discordant=discordant,
        discordance=round(rate, 4) if rate is not None else None, markers=len(blocks),
        concordant=concordant, verdict=verdict, reason=reason,
    )
