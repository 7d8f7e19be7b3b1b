"""Consequence parsing for both annotators the interpreter meets: bcftools csq (INFO/BCSQ) and Ensembl VEP
(INFO/CSQ with a ``Format:`` list in its header line).

BCSQ format: ``Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change``. With ``-p a`` csq
puts every consequence of the record in INFO/BCSQ and a per-haplotype bitmask in FORMAT/BCSQ; a consequence
written as ``@<pos>`` is a compound (e.g. two nearby changes in one codon) whose annotation lives on the
record at ``<pos>``: it is skipped here and the record at ``<pos>`` carries it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Sequence Ontology terms, most severe first (subset that matters for clinical interpretation)
SEVERITY: tuple[str, ...] = (
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "transcript_amplification",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_region_variant",
    "incomplete_terminal_codon_variant",
    "start_retained_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "mature_miRNA_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "non_coding_transcript_exon_variant",
    "intron_variant",
    "NMD_transcript_variant",
    "non_coding_transcript_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "intergenic_variant",
)
_RANK = {term: i for i, term in enumerate(SEVERITY)}


@lru_cache(maxsize=4096)
def _rank(terms: tuple[str, ...]) -> int:
    return min((_RANK.get(t, len(SEVERITY)) for t in terms), default=len(SEVERITY))


# bcftools csq short names -> Sequence Ontology terms
BCSQ_TO_SO: dict[str, str] = {
    "intron": "intron_variant",
    "synonymous": "synonymous_variant",
    "missense": "missense_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "stop_retained": "stop_retained_variant",
    "start_retained": "start_retained_variant",
    "frameshift": "frameshift_variant",
    "inframe_insertion": "inframe_insertion",
    "inframe_deletion": "inframe_deletion",
    "inframe_altering": "protein_altering_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "non_coding": "non_coding_transcript_exon_variant",
    "coding_sequence": "coding_sequence_variant",
    "feature_elongation": "protein_altering_variant",
}

NULL_TERMS = frozenset(
    {"stop_gained", "frameshift_variant", "splice_acceptor_variant", "splice_donor_variant", "start_lost"}
)
PROTEIN_ALTERING = NULL_TERMS | frozenset(
    {"stop_lost", "inframe_insertion", "inframe_deletion", "missense_variant", "protein_altering_variant"}
)


@dataclass(frozen=True)
class Consequence:
    """One transcript-level consequence of one ALT allele."""

    gene: str
    terms: tuple[str, ...]  # SO terms, e.g. ("stop_gained", "frameshift_variant")
    transcript: str | None
    biotype: str | None
    hgvs_c: str | None
    protein: str | None  # HGVS p. as the annotator wrote it (VEP), or None
    hgvs_g: str | None = None  # csq's genomic change (csq writes no c. notation)
    aa_change: str | None = None  # csq's amino-acid change, converted to HGVS p. only when asked for
    allele: str | None = None  # VEP's Allele column; None for BCSQ (matched by dna_change instead)
    canonical: bool = False

    @property
    def hgvs_p(self) -> str | None:
        return self.protein if self.protein is not None else bcsq_protein(self.aa_change or "")

    @property
    def rank(self) -> int:
        return _rank(self.terms)

    @property
    def consequence(self) -> str:
        return "&".join(self.terms)

    @property
    def is_null(self) -> bool:
        return bool(NULL_TERMS.intersection(self.terms))

    @property
    def is_protein_altering(self) -> bool:
        return bool(PROTEIN_ALTERING.intersection(self.terms))


@lru_cache(maxsize=1024)
def _bcsq_terms(field: str) -> tuple[str, ...]:
    return tuple(BCSQ_TO_SO.get(t.lstrip("*"), t.lstrip("*")) for t in field.split("&") if t)


_AA3 = dict(
    zip(
        "ACDEFGHIKLMNPQRSTVWY*",
        [
            "Ala",
            "Cys",
            "Asp",
            "Glu",
            "Phe",
            "Gly",
            "His",
            "Ile",
            "Lys",
            "Leu",
            "Met",
            "Asn",
            "Pro",
            "Gln",
            "Arg",
            "Ser",
            "Thr",
            "Val",
            "Trp",
            "Tyr",
            "Ter",
        ],
        strict=True,
    )
)
_SIMPLE_AA = re.compile(r"^(\d+)([A-Z*])(?:>\1([A-Z*]))?$")


_COMPLEX_AA = re.compile(r"^(\d+)([A-Z*]+)>(\d+)([A-Z*]*)$")


def _complex_protein(aa_change: str) -> str:
    """Frameshifts as ``p.(Glu23ValfsTer17)`` (first changed residue, stop counted from it); other
    multi-residue changes in csq notation, shortened so that a table cell stays readable."""
    match = _COMPLEX_AA.match(aa_change)
    if match:
        pos, ref, _, alt = match.groups()
        first = next((i for i, (r, a) in enumerate(zip(ref, alt, strict=False)) if r != a), None)
        if first is not None and "*" in alt and len(ref) > 1 and alt.index("*") > first and ref[first] != "*":
            stop = alt.index("*") - first + 1
            ref3, alt3 = _AA3.get(ref[first], ref[first]), _AA3.get(alt[first], alt[first])
            return f"p.({ref3}{int(pos) + first}{alt3}fsTer{stop})"
    return f"p.({aa_change if len(aa_change) <= 40 else aa_change[:37] + '...'})"


def bcsq_protein(aa_change: str) -> str | None:
    """csq's ``1613S>1613G`` -> ``p.(Ser1613Gly)``; ``200S`` (synonymous) -> ``p.(Ser200=)``.

    Multi-residue changes are kept in csq's own notation inside ``p.(...)`` rather than guessed."""
    if not aa_change:
        return None
    match = _SIMPLE_AA.match(aa_change)
    if not match:
        return _complex_protein(aa_change)
    pos, ref, alt = match.groups()
    ref3 = _AA3.get(ref, ref)
    if alt is None or alt == ref:
        return f"p.({ref3}{pos}=)"
    return f"p.({ref3}{pos}{_AA3.get(alt, alt)})"


def parse_bcsq(value: str) -> list[Consequence]:
    """Parse an INFO/BCSQ value (comma-separated entries). Compound ``@pos`` entries are skipped."""
    out: list[Consequence] = []
    for entry in value.split(","):
        if not entry or entry.startswith("@"):
            continue
        parts = entry.split("|") + [""] * 7
        terms = _bcsq_terms(parts[0])
        if not parts[1] or not terms:
            continue
        out.append(
            Consequence(
                gene=parts[1],
                terms=terms,
                transcript=parts[2] or None,
                biotype=parts[3] or None,
                hgvs_c=None,
                protein=None,
                hgvs_g=f"g.{parts[6]}" if parts[6] else None,
                aa_change=parts[5] or None,
            )
        )
    return out


_VEP_FORMAT = re.compile(r"Format:\s*([^\"]+)")


def vep_fields(description: str) -> list[str]:
    """Column names from a VEP CSQ header Description (``... Format: Allele|Consequence|...``)."""
    match = _VEP_FORMAT.search(description)
    if not match:
        raise ValueError("CSQ header has no 'Format:' list")
    return match.group(1).strip().split("|")


def _strip_transcript_prefix(hgvs: str) -> str | None:
    if not hgvs:
        return None
    from urllib.parse import unquote

    text = unquote(hgvs)
    return text.split(":", 1)[1] if ":" in text else text


def parse_vep(value: str, fields: list[str]) -> list[Consequence]:
    """Parse an INFO/CSQ value given the header's column list."""
    idx = {name: i for i, name in enumerate(fields)}
    out: list[Consequence] = []
    for entry in value.split(","):
        parts = entry.split("|")
        parts += [""] * (len(fields) - len(parts))

        def col(name: str, parts: list[str] = parts) -> str:
            return parts[idx[name]] if name in idx else ""

        gene = col("SYMBOL")
        if not gene or col("Feature_type") not in {"Transcript", ""}:
            continue
        out.append(
            Consequence(
                gene=gene,
                terms=tuple(t for t in col("Consequence").split("&") if t),
                transcript=col("Feature") or None,
                biotype=col("BIOTYPE") or None,
                hgvs_c=_strip_transcript_prefix(col("HGVSc")),
                protein=_strip_transcript_prefix(col("HGVSp")),
                allele=col("Allele") or None,
                canonical=col("CANONICAL") == "YES",
            )
        )
    return out


def most_severe_per_gene(
    consequences: list[Consequence], preferred: dict[str, str] | None = None
) -> dict[str, Consequence]:
    """One consequence per gene: on the gene's preferred (reporting, e.g. MANE Select) transcript when the
    record has it, else the most severe, then canonical, then protein-coding biotype."""
    best: dict[str, Consequence] = {}
    chosen = {
        c.gene: c
        for c in consequences
        if preferred
        and c.transcript
        and c.transcript.split(".")[0] == preferred.get(c.gene, "").split(".")[0]
    }
    for csq in consequences:
        key = (csq.rank, not csq.canonical, csq.biotype != "protein_coding")
        current = best.get(csq.gene)
        if current is None or key < (
            current.rank,
            not current.canonical,
            current.biotype != "protein_coding",
        ):
            best[csq.gene] = csq
    return best | chosen
