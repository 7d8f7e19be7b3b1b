"""ClinVar assertions from an annotated VCF, in both generations of the ClinVar VCF.

* current (2017+): text ``CLNSIG`` (``Pathogenic``, ``Pathogenic/Likely_pathogenic``, ``Conflicting_...``,
  secondary terms appended as ``|_other``) and text ``CLNREVSTAT`` (``criteria_provided,_single_submitter``).
* 2015: numeric ``CLNSIG`` codes, one per RCV (``|``) and per allele (``,``), with short ``CLNREVSTAT``
  codes (``not``/``single``/``mult``/``exp``/``prof``; Scout's copy also uses ``no_criteria``/``conf``/
  ``guideline``). All codes of a record are pooled: the annotated VCF has one ALT per record.

Stars follow ClinVar's review-status scale (0-4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CODE_TO_TERM: dict[str, str] = {
    "0": "Uncertain significance",
    "1": "not provided",
    "2": "Benign",
    "3": "Likely benign",
    "4": "Likely pathogenic",
    "5": "Pathogenic",
    "6": "drug response",
    "7": "histocompatibility",
    "255": "other",
}
GERMLINE = ("Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign")
PATHOGENIC_TERMS = frozenset({"Pathogenic", "Likely pathogenic", "Pathogenic/Likely pathogenic"})
BENIGN_TERMS = frozenset({"Benign", "Likely benign", "Benign/Likely benign"})
CONFLICTING = "Conflicting classifications of pathogenicity"

# review status (either generation, normalised to lower case with spaces) -> (text, stars)
REVIEW: dict[str, tuple[str, int]] = {
    "practice guideline": ("practice guideline", 4),
    "prof": ("practice guideline", 4),
    "guideline": ("practice guideline", 4),
    "reviewed by expert panel": ("reviewed by expert panel", 3),
    "exp": ("reviewed by expert panel", 3),
    "criteria provided, multiple submitters, no conflicts": (
        "criteria provided, multiple submitters, no conflicts",
        2,
    ),
    "mult": ("criteria provided, multiple submitters, no conflicts", 2),
    "criteria provided, conflicting classifications": ("criteria provided, conflicting classifications", 1),
    "criteria provided, conflicting interpretations": ("criteria provided, conflicting classifications", 1),
    "conf": ("criteria provided, conflicting classifications", 1),
    "criteria provided, single submitter": ("criteria provided, single submitter", 1),
    "single": ("criteria provided, single submitter", 1),
    "no assertion criteria provided": ("no assertion criteria provided", 0),
    "no_criteria": ("no assertion criteria provided", 0),
    "no classification provided": ("no classification provided", 0),
    "no assertion provided": ("no classification provided", 0),
    "no_assertion": ("no classification provided", 0),
    "not": ("no classification provided", 0),
    "no classification for the single variant": ("no classification for the single variant", 0),
    "no classifications from unflagged records": ("no classifications from unflagged records", 0),
}


@dataclass(frozen=True)
class ClinVarAssertion:
    significance: str  # aggregate, e.g. "Pathogenic", "Conflicting classifications of pathogenicity"
    review_status: str
    stars: int
    conditions: tuple[str, ...]
    accession: str | None
    generation: str  # "numeric (2015)" or "text (current)"
    submitted: tuple[str, ...] = ()  # every term as written (2015: one per RCV)
    accessions: tuple[str, ...] = ()  # RCV/VCV accessions of the exact allele (prepared ClinVar: CLNACC)
    dbsnp: tuple[str, ...] = ()  # every rs ID of the allele (CLNRSALL), lowest first

    def known_pathogenic(self, min_stars: int) -> bool:
        """P/LP (no conflict: a conflict aggregates to its own term) at or above ``min_stars``."""
        return self.is_pathogenic and self.stars >= min_stars
    @property
    def is_pathogenic(self) -> bool:
        return self.significance in PATHOGENIC_TERMS

    @property
    def mentions_pathogenic(self) -> bool:
        """True when any submitted classification is P or LP (also inside a conflict)."""
        return self.is_pathogenic or any(t in PATHOGENIC_TERMS for t in self.submitted)

    @property
    def is_benign(self) -> bool:
        return self.significance in BENIGN_TERMS


def _split(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in value.replace(",", "|").split("|"):
            part = part.strip().lstrip("_")
            if part and part != ".":
                out.append(part)
    return out


def _normalise_term(term: str) -> str:
    text = term.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else text


def aggregate(terms: list[str]) -> str:
    """Aggregate per-submission terms the way ClinVar does for germline classifications."""
    germline = sorted({t for t in terms if t in GERMLINE}, key=GERMLINE.index)
    if not germline:
        others = [t for t in terms if t != "not provided"]
        return others[0] if others else "not provided"
    if len(germline) == 1:
        return germline[0]
    if set(germline) == {"Pathogenic", "Likely pathogenic"}:
        return "Pathogenic/Likely pathogenic"
    if set(germline) == {"Benign", "Likely benign"}:
        return "Benign/Likely benign"
    return CONFLICTING


def significance(clnsig: Sequence[str]) -> tuple[str, str, list[str]]:
    """(aggregate significance, generation, every submitted term) from the CLNSIG value(s)."""
    parts = _split(clnsig)
    if parts and all(p.isdigit() for p in parts):
        terms = [CODE_TO_TERM.get(p, "other") for p in parts]
        return aggregate(terms), "numeric (2015)", terms
    terms = [_normalise_term(p) for p in parts]
    if len(terms) == 1 or all(t not in GERMLINE for t in terms[1:]):
        head = terms[0] if terms else "not provided"
        head = {"Conflicting interpretations of pathogenicity": CONFLICTING}.get(head, head)
        return head, "text (current)", terms
    return aggregate(terms), "text (current)", terms


def _review_key(part: str) -> tuple[str, int] | None:
    key = part.strip().lower()
    return REVIEW.get(key) or REVIEW.get(key.replace("_", " "))


def review(clnrevstat: Sequence[str], significance_text: str) -> tuple[str, int]:
    """(review status text, stars). Pooled 2015 codes: the best-supported status wins, except that a
    conflicting aggregate is capped at one star, as ClinVar does."""
    whole = _review_key(",".join(clnrevstat)) if clnrevstat else None
    found = [whole] if whole else [r for r in map(_review_key, _split(clnrevstat)) if r]
    text, stars = max(found, key=lambda ts: ts[1]) if found else ("no classification provided", 0)
    if significance_text == CONFLICTING and stars > 1:
        return REVIEW["conf"]
    return text, stars


def from_info(
    clnsig: Sequence[str] | None,
    clnrevstat: Sequence[str] | None,
    clndn: Sequence[str] | None,
    accession: str | None,
    accessions: Sequence[str] | None = None,
    rs_ids: Sequence[str] | None = None,
) -> ClinVarAssertion | None:
    """Build one assertion from the INFO values of one record (None when the record has no CLNSIG)."""
    if not clnsig or all(v in {"", "."} for v in clnsig):
        return None
    sig, generation, submitted = significance(clnsig)
    text, stars = review(clnrevstat or [], sig)
    names = "|".join(clndn or []).replace("\\x2c", ",").replace("_", " ").split("|")
    conditions = tuple(
        dict.fromkeys(c.strip() for c in names if c.strip() and c.strip().lower() not in _NO_CONDITION)
    )
    accs = tuple(a for v in accessions or [] for a in v.replace("|", ",").split(",") if a and a != ".")
    rs = tuple(r for v in rs_ids or [] for r in v.replace("|", ",").split(",") if r and r != ".")
    cited = accs[0] if accs else accession
    return ClinVarAssertion(sig, text, stars, conditions, cited, generation, tuple(submitted), accs, rs)


_NO_CONDITION = frozenset({"not provided", "not specified", "."})
