"""HGVS nomenclature for reported variants: c. and p. from SnpEff (INFO/ANN) on the gene's reporting
transcript, g. computed here on the RefSeq chromosome accession, each string checked by an independent
parser (the ``hgvs`` package, grammar only, offline), and a cross-check against bcftools csq.

* c.: SnpEff's HGVS.c on the reporting transcript (the bundle's ``transcripts`` table: MANE Select or the
  lab's canonical choice), with the deprecated trailing bases of del/dup removed (``c.68_69delAG`` ->
  ``c.68_69del``). SnpEff already shifts indels 3' on the transcript, as HGVS requires.
* p.: 3-letter, in parentheses (predicted): ``p.(Gly1788Val)``, ``p.(Arg1835Ter)``; a frameshift in its full
  form ``p.(Glu23ValfsTer17)`` when bcftools csq's protein change agrees on the first residue (else SnpEff's
  short ``p.(Glu23fs)``); ``p.?`` for a splice donor/acceptor change with no protein prediction.
* g.: from the VCF allele and the reference sequence, shifted 3' on the forward strand, with dup detection,
  e.g. ``NC_000017.11:g.43057065dup`` (never the VCF-style ``g.43057062T>TG``).

A disagreement between SnpEff and bcftools csq on the consequence class or the p. name is returned as a
problem: the caller puts the finding on the review list and never picks one silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from clinwgs.interpret.consequence import Consequence

# ANN sub-fields (SnpEff 4.1+ "ANN" specification)
ANN_FIELDS = (
    "Allele",
    "Annotation",
    "Annotation_Impact",
    "Gene_Name",
    "Gene_ID",
    "Feature_Type",
    "Feature_ID",
    "Transcript_BioType",
    "Rank",
    "HGVS.c",
    "HGVS.p",
    "cDNA.pos",
    "CDS.pos",
    "AA.pos",
    "Distance",
    "Errors",
)
SPLICE_SITE = frozenset({"splice_donor_variant", "splice_acceptor_variant"})
_AA1_TO_3 = {"*": "Ter"}


class _Fasta(Protocol):
    def fetch(self, reference: str, start: int, end: int) -> str: ...


@dataclass(frozen=True)
class Transcript:
    """A reporting transcript from the bundle's table."""

    gene: str
    id: str  # as in the bundle's gene models, e.g. ENST00000357654 (version in `version`)
    version: str | None = None  # e.g. "3" (GENCODE v19)
    refseq: str | None = None  # the MANE Select RefSeq match named by the bundle, e.g. NM_007294.4
    protein: str | None = None  # e.g. NP_009225.1
    label: str | None = None  # e.g. "MANE Select"

    @property
    def versioned(self) -> str:
        return f"{self.id}.{self.version}" if self.version else self.id

    @property
    def accession(self) -> str:
        """The accession c. is written on: the RefSeq match when the bundle names one."""
        return self.refseq or self.versioned


@dataclass(frozen=True)
class Nomenclature:
    """What the bundle's manifest says about naming: chromosome accessions and reporting transcripts."""

    accessions: dict[str, str] = field(default_factory=dict)  # contig -> NC_ accession
    transcripts: dict[str, Transcript] = field(default_factory=dict)  # gene -> reporting transcript


def load_nomenclature(manifest: Path) -> Nomenclature:
    """``accessions`` and ``transcripts`` from a bundle's manifest.yaml (both optional)."""
    import yaml

    from clinwgs.core.errors import ConfigError

    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"cannot read bundle manifest: {exc}"], path=manifest) from exc
    accessions = {str(k): str(v) for k, v in (data.get("accessions") or {}).items()}
    transcripts: dict[str, Transcript] = {}
    for gene, spec in (data.get("transcripts") or {}).items():
        if not isinstance(spec, dict) or "id" not in spec:
            raise ConfigError([f"transcripts.{gene}: expected a mapping with 'id'"], path=manifest)
        transcripts[str(gene)] = Transcript(
            gene=str(gene),
            id=str(spec["id"]),
            version=str(spec["version"]) if spec.get("version") is not None else None,
            refseq=spec.get("refseq"),
            protein=spec.get("protein"),
            label=spec.get("label"),
        )
    return Nomenclature(accessions, transcripts)


@dataclass(frozen=True)
class AnnEntry:
    allele: str
    terms: tuple[str, ...]
    gene: str
    transcript: str  # without the GFF "transcript:" prefix and without version
    hgvs_c: str | None
    hgvs_p: str | None


def parse_ann(value: str) -> list[AnnEntry]:
    """INFO/ANN (comma-separated entries of ``|``-separated sub-fields)."""
    out: list[AnnEntry] = []
    for entry in value.split(","):
        parts = entry.split("|")
        if len(parts) < 11:
            continue
        transcript = parts[6].split(":", 1)[-1].split(".")[0]
        out.append(
            AnnEntry(
                allele=parts[0],
                terms=tuple(t for t in parts[1].split("&") if t),
                gene=parts[3],
                transcript=transcript,
                hgvs_c=parts[9] or None,
                hgvs_p=parts[10] or None,
            )
        )
    return out


_DEL_BASES = re.compile(r"del[ACGTN]+ins")
_TRAILING = re.compile(r"(del|dup)[ACGTN]+$")


def clean_c(text: str) -> str:
    """Drop the deprecated bases after del/dup (``c.68_69delAG`` -> ``c.68_69del``)."""
    return _TRAILING.sub(r"\1", _DEL_BASES.sub("delins", text))


_P_SIMPLE = re.compile(r"^p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|\*|=)$")
_P_FS = re.compile(r"^p\.([A-Z][a-z]{2})(\d+)(?:[A-Z][a-z]{2})?fs(?:\*(\d+)|Ter(\d+))?$")


def clean_p(text: str | None, terms: tuple[str, ...]) -> str | None:
    """SnpEff's p. as a predicted, 3-letter HGVS p.: parentheses, ``Ter`` for stop, ``=`` for synonymous."""
    if not text:
        return "p.?" if SPLICE_SITE.intersection(terms) else None
    body = text.strip()
    if body.startswith("p.(") or body == "p.?":
        return body
    simple = _P_SIMPLE.match(body)
    if simple:
        ref, pos, alt = simple.groups()
        alt = "=" if alt == ref else _AA1_TO_3.get(alt, alt)
        return f"p.({ref}{pos}{alt})"
    return "p.(" + body[2:].replace("*", "Ter") + ")"


def _first_residue(p: str | None) -> str | None:
    """``p.(Glu23ValfsTer17)`` / ``p.(Glu23fs)`` -> ``Glu23``."""
    if not p:
        return None
    match = re.match(r"^p\.\(?([A-Z][a-z]{2}\d+)", p)
    return match.group(1) if match else None


# coarse consequence classes compared between the two tools
def _top(terms: tuple[str, ...] | list[str]) -> str | None:
    from clinwgs.interpret.consequence import SEVERITY

    ranked = sorted((t for t in terms if t in SEVERITY), key=SEVERITY.index)
    return ranked[0] if ranked else None


def consequence_agrees(snpeff_terms: tuple[str, ...], csq_terms: tuple[str, ...]) -> bool:
    """The two tools agree when the most severe term of either is among the other's terms."""
    a, b = _top(snpeff_terms), _top(csq_terms)
    if a is None or b is None:
        return a == b
    return a in csq_terms or b in snpeff_terms


def protein_agrees(snpeff_p: str | None, csq_p: str | None) -> bool:
    """Same p. name, or the same first changed residue for frameshifts (csq writes the full form)."""
    if snpeff_p == csq_p:
        return True
    if snpeff_p is None or csq_p is None:
        # csq writes no protein change for splice-site changes; SnpEff's p.? is then not a disagreement
        return (snpeff_p or csq_p) == "p.?"
    if "fs" in snpeff_p and "fs" in csq_p:
        return _first_residue(snpeff_p) == _first_residue(csq_p)
    return False


# -------------------------------------------------------------------------- g. from the VCF allele
def _trim(pos1: int, ref: str, alt: str) -> tuple[int, str, str]:
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos1 = ref[1:], alt[1:], pos1 + 1
    return pos1, ref, alt


def genomic_hgvs(chrom: str, pos1: int, ref: str, alt: str, fasta: _Fasta, accession: str) -> str:
    """HGVS g. for one VCF allele on the forward strand, 3'-shifted, with dup detection."""

    def base(p1: int) -> str:
        return fasta.fetch(chrom, p1 - 1, p1).upper()

    start, r, a = _trim(pos1, ref.upper(), alt.upper())
    if r and a:
        if len(r) == 1 and len(a) == 1:
            return f"{accession}:g.{start}{r}>{a}"
        end = start + len(r) - 1
        span = f"{start}_{end}" if end > start else f"{start}"
        return f"{accession}:g.{span}delins{a}"
    if r:  # deletion of r at start..start+len-1: shift 3'
        length = len(r)
        while base(start + length) == base(start) and base(start) not in ("", "N"):
            start += 1
        end = start + length - 1
        return f"{accession}:g.{start}_{end}del" if length > 1 else f"{accession}:g.{start}del"
    if not a:
        raise ValueError(f"{chrom}:{pos1} {ref}>{alt} is not a change")
    # insertion of a between start-1 and start: shift 3'
    after = start - 1
    seq = a
    while base(after + 1) == seq[0]:
        seq = seq[1:] + seq[0]
        after += 1
    length = len(seq)
    upstream = fasta.fetch(chrom, after - length, after).upper() if after - length >= 0 else ""
    if upstream == seq:
        first = after - length + 1
        return f"{accession}:g.{first}_{after}dup" if length > 1 else f"{accession}:g.{after}dup"
    return f"{accession}:g.{after}_{after + 1}ins{seq}"


# -------------------------------------------------------------------------- validation
@lru_cache(maxsize=1)
def _parser() -> Any:
    import hgvs.parser

    return hgvs.parser.Parser()


def hgvs_problem(text: str) -> str | None:
    """None when ``text`` parses as an HGVS variant (grammar), else the parser's complaint."""
    try:
        _parser().parse_hgvs_variant(text)
    except Exception as exc:  # hgvs raises HGVSParseError and friends
        return f"{text!r} is not valid HGVS ({type(exc).__name__})"
    return None


@dataclass(frozen=True)
class Names:
    transcript: str | None  # versioned transcript the c. was computed on
    transcript_refseq: str | None
    hgvs_c: str | None  # "ACCESSION:c...."
    hgvs_p: str | None  # "p.(...)" (checked with the protein accession when the bundle names one)
    hgvs_g: str | None  # "NC_...:g...."
    terms: tuple[str, ...]  # SnpEff's consequence terms on the reporting transcript
    source: str  # "SnpEff <version>"
    problems: tuple[str, ...] = ()  # disagreements / invalid strings: the finding goes to review


def name_allele(
    chrom: str,
    pos1: int,
    ref: str,
    alt: str,
    gene: str,
    ann: list[AnnEntry],
    csq: Consequence | None,
    nomenclature: Nomenclature,
    fasta: _Fasta | None,
    snpeff_version: str,
    fallback_transcript: str | None = None,
) -> Names:
    """c./p./g. of one allele in one gene, cross-checked against bcftools csq, every string parsed."""
    problems: list[str] = []
    chosen = nomenclature.transcripts.get(gene)
    tx_id = chosen.id if chosen else (fallback_transcript or "").split(".")[0] or None
    mine = [e for e in ann if e.gene == gene and (e.allele == alt or not e.allele)]
    entry = next((e for e in mine if tx_id and e.transcript == tx_id), None)
    if entry is None and mine and tx_id is None:
        entry = mine[0]
    accession = nomenclature.accessions.get(chrom)
    hgvs_g = None
    if accession and fasta is not None:
        hgvs_g = genomic_hgvs(chrom, pos1, ref, alt, fasta, accession)
    elif not accession:
        problems.append(f"no RefSeq accession for contig {chrom} in the bundle: no g. name")
    if entry is None:
        problems.append(
            f"SnpEff gives no annotation on the reporting transcript {tx_id or '(none named)'} of {gene}"
        )
        return Names(tx_id, None, None, None, hgvs_g, (), snpeff_version, tuple(problems))
    tx = chosen or Transcript(gene, entry.transcript)
    c_name = f"{tx.accession}:{clean_c(entry.hgvs_c)}" if entry.hgvs_c else None
    p_short = clean_p(entry.hgvs_p, entry.terms)
    p_name = p_short
    if csq is not None and (csq.transcript or "").split(".")[0] == entry.transcript:
        csq_p = csq.hgvs_p
        if not consequence_agrees(entry.terms, csq.terms):
            problems.append(
                f"consequence differs: SnpEff {'&'.join(entry.terms)} vs bcftools csq {csq.consequence}"
            )
        if not protein_agrees(p_short, csq_p):
            problems.append(f"p. differs: SnpEff {p_short or '-'} vs bcftools csq {csq_p or '-'}")
        elif p_short and csq_p and "fs" in p_short and "fsTer" in csq_p:
            p_name = csq_p  # same first residue: the full frameshift form
    elif csq is not None:
        problems.append(
            f"bcftools csq annotated {csq.transcript or 'no transcript'}, not the reporting transcript "
            f"{entry.transcript}: no cross-check"
        )
    p_checked = f"{tx.protein or tx.accession}:{p_name}" if p_name else None
    for text in (c_name, p_checked, hgvs_g):
        if text:
            bad = hgvs_problem(text)
            if bad:
                problems.append(bad)
    return Names(
        tx.versioned,
        tx.refseq,
        c_name,
        p_name,
        hgvs_g,
        entry.terms,
        snpeff_version,
        tuple(problems),
    )
