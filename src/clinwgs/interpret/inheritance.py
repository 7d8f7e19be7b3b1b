"""Whether a genotype fits a gene's mode of inheritance, from the free text each panel source uses
(PanelApp "MONOALLELIC, ...", "BIALLELIC, ...", "X-LINKED: ..."; ACMG SF "AD"/"AR"/"XL"; Scout "AR_hom")."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache


class Mode(StrEnum):
    DOMINANT = "dominant"
    RECESSIVE = "recessive"
    X_RECESSIVE = "x_recessive"
    X_DOMINANT = "x_dominant"
    MITOCHONDRIAL = "mitochondrial"
    UNKNOWN = "unknown"


@lru_cache(maxsize=256)
def mode_of(text: str) -> Mode:
    upper = text.upper()
    tokens = {t.strip() for t in upper.replace(",", " ").replace("/", " ").replace("_", " ").split()}
    if upper.startswith("X-LINKED") or "XL" in tokens or "XR" in tokens or "XD" in tokens:
        if "MONOALLELIC MUTATIONS IN FEMALES" in upper or "XD" in tokens:
            return Mode.X_DOMINANT
        return Mode.X_RECESSIVE
    if upper.startswith("MITOCHONDRIAL") or "MT" in tokens:
        return Mode.MITOCHONDRIAL
    if upper.startswith("MONOALLELIC") or "AD" in tokens:
        return Mode.DOMINANT  # includes MONOALLELIC_AND_BIALLELIC: one allele can suffice
    if upper.startswith("BIALLELIC") or "AR" in tokens:
        return Mode.RECESSIVE
    return Mode.UNKNOWN


def genotype_fits(
    mode: Mode, copies: int, ploidy: int, qualifying_in_gene: int, sex: str
) -> tuple[bool, str]:
    """(fits, explanation). ``qualifying_in_gene`` counts P/LP alleles found in the same gene (a possible
    compound heterozygote: phase is not checked and is left to the scientist)."""
    if mode in (Mode.DOMINANT, Mode.X_DOMINANT, Mode.MITOCHONDRIAL, Mode.UNKNOWN):
        return True, f"{mode.value}: one allele suffices"
    if copies >= 2 or ploidy == 1:
        return True, f"{mode.value}: homozygous/hemizygous"
    if mode is Mode.X_RECESSIVE and sex == "male":
        return True, "X-linked in a male: hemizygous"
    if qualifying_in_gene >= 2:
        return True, f"{mode.value}: {qualifying_in_gene} P/LP alleles in the gene (phase not checked)"
    return False, f"{mode.value}: a single heterozygous allele (carrier)"
