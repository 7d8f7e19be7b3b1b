"""Annotation of structural and copy-number variants (issue 17): read the SV VCF contract
(clinwgs.models.structural), and for each event find the genes and exons it overlaps in the bundle's GFF3
gene models and decide its consequence class on the gene's reporting transcript.

Coordinates: GFF3 and :class:`StructuralVariant` are 1-based inclusive. A symbolic DEL/DUP/INV record's VCF
POS is the base before the event (VCF 4.2), so the first affected base is POS + 1 and the last is INFO/END.

Consequence classes (one per gene, on the reporting transcript; the most severe over genes is the event's):

- ``whole_gene_deletion`` / ``whole_gene_duplication``: the event covers the whole transcript;
- ``exon_deletion``: one or more exons (wholly or partly) deleted; ``frame`` says ``frameshift`` or
  ``in_frame`` when only whole coding exons are lost (the sum of their CDS lengths modulo 3 decides),
  ``start_lost`` when the exon holding the start codon is lost (no reading frame to keep), ``unknown`` when
  an exon is only partly deleted (the splice sites, not the CDS length, decide the product) and
  ``not_applicable`` when only non-coding exons (UTR) are lost;
- ``intragenic_duplication``: both ends inside the transcript and at least one exon duplicated (frame as
  above, assuming a tandem duplication); ``partial_gene_duplication``: one end outside the transcript (the
  gene keeps an intact copy, its effect is unknown);
- ``intronic_deletion`` / ``intronic_duplication``: inside the transcript, no exon base affected;
- ``inversion_breaking_gene``: an inversion with at least one breakpoint inside the transcript span;
  ``inversion_whole_gene``: the transcript lies wholly inside the inverted segment (not disrupted);
- ``breakend_in_gene``: a translocation/breakend inside the transcript span; ``insertion_in_gene``;
- ``no_gene``: no transcript overlapped (the event is counted, not listed).
"""

from __future__ import annotations

import gzip
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.coverage import _attrs
from clinwgs.models.structural import StructuralVariant

Frame = Literal["in_frame", "frameshift", "start_lost", "unknown", "not_applicable"]
SEVERITY = [
    "whole_gene_deletion",
    "exon_deletion",
    "inversion_breaking_gene",
    "breakend_in_gene",
    "intragenic_duplication",
    "whole_gene_duplication",
    "partial_gene_duplication",
    "insertion_in_gene",
    "intronic_deletion",
    "intronic_duplication",
    "inversion_whole_gene",
    "no_gene",
]


@dataclass(frozen=True)
class Exon:
    number: int  # 1-based, 5' -> 3' on the transcript
    start1: int
    end1: int
    cds: tuple[int, int] | None = None  # the exon's coding bases (1-based inclusive), None for UTR-only

    @property
    def cds_length(self) -> int:
        return self.cds[1] - self.cds[0] + 1 if self.cds else 0


@dataclass(frozen=True)
class TranscriptModel:
    id: str  # without the "transcript:" prefix or version, e.g. ENST00000357654
    gene: str
    contig: str
    strand: str
    exons: tuple[Exon, ...]  # numbered 5' -> 3'

    @property
    def start1(self) -> int:
        return min(e.start1 for e in self.exons)

    @property
    def end1(self) -> int:
        return max(e.end1 for e in self.exons)

    @property
    def cds_length(self) -> int:
        return sum(e.cds_length for e in self.exons)

    @property
    def first_coding_exon(self) -> int | None:
        return next((e.number for e in self.exons if e.cds), None)


def _plain(value: str) -> str:
    return value.split(":", 1)[1] if ":" in value else value


def load_transcripts(gff3: Path) -> dict[str, list[TranscriptModel]]:
    """Gene symbol -> its protein-coding transcripts with numbered exons (csq-ready GFF3: gene -> transcript
    -> exon/CDS via ID/Parent; the same layout clinwgs.interpret.coverage reads)."""
    gene_name: dict[str, str] = {}
    tx_gene: dict[str, str] = {}
    strand: dict[str, str] = {}
    contig: dict[str, str] = {}
    exons: dict[str, list[tuple[int, int]]] = defaultdict(list)
    cds: dict[str, list[tuple[int, int]]] = defaultdict(list)
    opener: Any = gzip.open if gff3.suffix == ".gz" else open
    try:
        with opener(gff3, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 9:
                    continue
                kind, attrs = cols[2], _attrs(cols[8])
                if kind == "gene":
                    gene_name[attrs.get("ID", "")] = attrs.get("Name") or attrs.get("gene_name", "")
                elif (
                    kind in {"transcript", "mRNA"}
                    and attrs.get("biotype", "protein_coding") == "protein_coding"
                ):
                    tx = attrs.get("ID", "")
                    tx_gene[tx], strand[tx], contig[tx] = attrs.get("Parent", ""), cols[6], cols[0]
                elif kind in {"exon", "CDS"}:
                    for parent in attrs.get("Parent", "").split(","):
                        (exons if kind == "exon" else cds)[parent].append((int(cols[3]), int(cols[4])))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read GFF3 gene models: {exc}", path=gff3) from exc
    out: dict[str, list[TranscriptModel]] = defaultdict(list)
    for tx, gene_id in tx_gene.items():
        name = gene_name.get(gene_id, "")
        if not name or not exons.get(tx):
            continue
        ordered = sorted(exons[tx], reverse=strand[tx] == "-")
        numbered = []
        for number, (s, e) in enumerate(ordered, 1):
            inside = [(max(s, cs), min(e, ce)) for cs, ce in cds.get(tx, []) if cs <= e and ce >= s]
            span = (min(a for a, _ in inside), max(b for _, b in inside)) if inside else None
            numbered.append(Exon(number, s, e, span))
        out[name].append(TranscriptModel(_plain(tx), name, contig[tx], strand[tx], tuple(numbered)))
    return dict(out)


def reporting_transcript(models: list[TranscriptModel], wanted: str | None) -> TranscriptModel:
    """The bundle's reporting transcript when named (version ignored), else the longest CDS (then the
    longest span, then the ID, so the choice is stable)."""
    if wanted:
        base = _plain(wanted).split(".", 1)[0]
        for tx in models:
            if tx.id.split(".", 1)[0] == base:
                return tx
    return max(models, key=lambda t: (t.cds_length, t.end1 - t.start1, t.id))


@dataclass(frozen=True)
class GeneEffect:
    gene: str
    transcript: TranscriptModel
    consequence: str
    exons: tuple[int, ...]  # exons (wholly or partly) affected, transcript numbering
    partial_exons: tuple[int, ...]  # of those, exons only partly inside the event
    frame: Frame
    cds_bases: int  # coding bases inside the event
    whole_gene: bool
    five_prime: bool  # the event reaches past the transcript's 5' end
    three_prime: bool  # ... past its 3' end
    nmd_expected: bool | None  # frameshift only: a premature stop upstream of the last exon junction

    @property
    def exon_label(self) -> str:
        if not self.exons:
            return "no exon"
        n = len(self.transcript.exons)
        lo, hi = min(self.exons), max(self.exons)
        span = f"exon {lo}" if lo == hi else f"exons {lo}-{hi}"
        return f"{span} of {n}"

    @property
    def cds_fraction(self) -> float:
        total = self.transcript.cds_length
        return self.cds_bases / total if total else 0.0


def _frame(tx: TranscriptModel, hit: list[Exon], partial: list[Exon]) -> Frame:
    coding = [e for e in hit if e.cds]
    if not coding:
        return "not_applicable"
    if tx.first_coding_exon in {e.number for e in coding}:
        return "start_lost"
    if partial:
        return "unknown"
    return "in_frame" if sum(e.cds_length for e in coding) % 3 == 0 else "frameshift"


def gene_effect(event: StructuralVariant, tx: TranscriptModel) -> GeneEffect | None:
    """The event's effect on one transcript; None when it does not touch the transcript's span."""
    if event.chrom != tx.contig:
        return None
    start, end = event.start1, event.end1
    if event.svtype in {"BND", "INS"}:
        end = start
    if end < tx.start1 or start > tx.end1:
        return None
    covers = start <= tx.start1 and end >= tx.end1
    past_low, past_high = start < tx.start1, end > tx.end1
    five, three = (past_low, past_high) if tx.strand == "+" else (past_high, past_low)
    hit = [e for e in tx.exons if e.start1 <= end and e.end1 >= start]
    partial = [e for e in hit if e.start1 < start or e.end1 > end]
    cds_bases = sum(
        max(0, min(end, e.cds[1]) - max(start, e.cds[0]) + 1) for e in tx.exons if e.cds is not None
    )
    frame: Frame = "not_applicable"
    kind = event.svtype
    if kind == "DEL":
        if covers:
            consequence = "whole_gene_deletion"
        elif hit:
            consequence, frame = "exon_deletion", _frame(tx, hit, partial)
        else:
            consequence = "intronic_deletion"
    elif kind == "DUP":
        if covers:
            consequence = "whole_gene_duplication"
        elif past_low or past_high:
            consequence = "partial_gene_duplication"
        elif hit:
            consequence, frame = "intragenic_duplication", _frame(tx, hit, partial)
        else:
            consequence = "intronic_duplication"
    elif kind == "INV":
        consequence = "inversion_whole_gene" if covers else "inversion_breaking_gene"
    elif kind == "BND":
        consequence = "breakend_in_gene"
    else:
        consequence = "insertion_in_gene"
    nmd = None
    if frame == "frameshift":
        # the premature stop is not computed from the sequence: a frameshift that starts before the
        # penultimate exon is assumed to end upstream of the last exon junction (NMD expected); a shift in
        # the last two exons is assumed to escape NMD (ClinGen PVS1 decision tree, Abou Tayoun 2018)
        nmd = max(e.number for e in hit) < len(tx.exons) - 1
    return GeneEffect(
        tx.gene,
        tx,
        consequence,
        tuple(e.number for e in hit),
        tuple(e.number for e in partial),
        frame,
        cds_bases,
        covers,
        five,
        three,
        nmd,
    )


def annotate(
    event: StructuralVariant, models: dict[str, list[TranscriptModel]], transcripts: dict[str, str]
) -> list[GeneEffect]:
    """Effects on every gene whose reporting transcript the event touches, most severe first."""
    effects = []
    for gene, txs in models.items():
        effect = gene_effect(event, reporting_transcript(txs, transcripts.get(gene)))
        if effect is not None:
            effects.append(effect)
    return sorted(effects, key=lambda e: (SEVERITY.index(e.consequence), e.gene))


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        value = value[0]
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        value = value[0]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _pair(value: Any) -> tuple[int, int] | None:
    if value is None or not isinstance(value, tuple | list) or len(value) != 2:
        return None
    return int(value[0]), int(value[1])


def _event(record: Any, column: int) -> StructuralVariant:
    info = record.INFO
    svtype = info.get("SVTYPE")
    if svtype not in {"DEL", "DUP", "INV", "BND", "INS"}:
        raise ValueError(f"{record.CHROM}:{record.POS} INFO/SVTYPE {svtype!r} is not DEL/DUP/INV/BND/INS")
    symbolic = bool(record.ALT) and str(record.ALT[0]).startswith("<")
    start1 = record.POS + 1 if symbolic and svtype in {"DEL", "DUP", "INV"} else record.POS
    end = _int(info.get("END"))
    end1 = record.POS if svtype in {"BND", "INS"} else (end if end is not None else record.end)
    if svtype in {"DEL", "DUP", "INV"} and end1 < start1:
        raise ValueError(f"{record.CHROM}:{record.POS} END {end1} lies before the event's start")
    svlen = _int(info.get("SVLEN"))
    length = None if svtype == "BND" else (abs(svlen) if svlen is not None else end1 - start1 + 1)
    callers = info.get("CALLERS")
    gts = record.genotypes
    genotype = None
    if gts and column < len(gts):
        alleles = [str(a) if a >= 0 else "." for a in gts[column][:-1]]
        genotype = ("|" if gts[column][-1] else "/").join(alleles)
    return StructuralVariant(
        chrom=record.CHROM,
        start1=start1,
        end1=max(end1, start1),
        svtype=svtype,
        length=length,
        copy_number=_int(info.get("CN")),
        depth_ratio=_float(info.get("DEPTH_RATIO")),
        ci_start=_pair(info.get("CIPOS")),
        ci_end=_pair(info.get("CIEND")),
        callers=[c for c in str(callers).split(",") if c] if callers else [],
        supporting_pairs=_int(info.get("PE")),
        supporting_split_reads=_int(info.get("SR")),
        genotype=genotype,
        filters=[] if record.FILTER in (None, "PASS", ".") else str(record.FILTER).split(";"),
    )


def read_sv_vcf(path: Path, sample: str) -> list[StructuralVariant]:
    """Every record of an SV VCF (the contract in clinwgs.models.structural), for ``sample``'s column (the
    only column, else the one named ``sample``). A missing or unreadable file, or a record breaking the
    contract, is an InputIntegrityError naming the file."""
    from cyvcf2 import VCF

    if not path.is_file():
        raise InputIntegrityError("SV VCF not found", path=path, sample=sample)
    try:
        vcf = VCF(str(path))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot open SV VCF: {exc}", path=path, sample=sample) from exc
    samples = list(vcf.samples)
    column = 0 if len(samples) <= 1 else (samples.index(sample) if sample in samples else -1)
    if column < 0:
        vcf.close()
        raise InputIntegrityError(
            f"sample column {sample!r} not in SV VCF (columns: {', '.join(samples)})",
            path=path,
            sample=sample,
        )
    events: list[StructuralVariant] = []
    try:
        for record in vcf:
            events.append(_event(record, column))
    except ValueError as exc:
        raise InputIntegrityError(f"SV VCF record breaks the contract: {exc}", path=path) from exc
    except Exception as exc:  # cyvcf2 raises bare Exception on corrupt input
        raise InputIntegrityError(
            f"SV VCF unreadable after {len(events)} records: {exc}", path=path, sample=sample
        ) from exc
    finally:
        vcf.close()
    return events
