"""Coverage of each panel gene: the merged coding exons of its protein-coding transcripts (bundle GFF3) are
written as a BED, mosdepth runs over it with ``--thresholds``, and the fraction of coding bases at or above
the threshold is read back per gene and per exon interval.

A gene is "fully assessed" only when every coding base is at or above the threshold. A panel gene with no
model in the bundle's GFF3 is reported with fraction 0 and the note that it was not analysed at all.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import write_text_atomic
from clinwgs.models.findings import CoverageGap, GeneCoverage

Interval = tuple[int, int]  # start0, end0 (half-open)
NO_MODEL = "no gene model in the reference bundle"


@dataclass(frozen=True)
class GeneModel:
    gene: str
    contig: str
    exons: list[tuple[str, Interval]]  # (label, interval) merged coding intervals, labelled by genomic span


def _attrs(field: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in field.strip().split(";") if "=" in kv)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def gene_models(gff3: Path, genes: set[str]) -> dict[str, GeneModel]:
    """Merged CDS intervals per gene (csq-ready GFF3: gene -> transcript -> CDS via ID/Parent)."""
    gene_name: dict[str, str] = {}
    tx_gene: dict[str, str] = {}  # protein-coding transcripts only
    cds: dict[str, list[Interval]] = defaultdict(list)
    contig: dict[str, str] = {}
    opener = gzip.open if gff3.suffix == ".gz" else open
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
                    tx_gene[attrs.get("ID", "")] = attrs.get("Parent", "")
                elif kind == "CDS":
                    tx = attrs.get("Parent", "")
                    cds[tx].append((int(cols[3]) - 1, int(cols[4])))
                    contig[tx] = cols[0]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read GFF3 gene models: {exc}", path=gff3) from exc
    per_gene: dict[str, list[Interval]] = defaultdict(list)
    gene_contig: dict[str, str] = {}
    for tx, intervals in cds.items():
        name = gene_name.get(tx_gene.get(tx, ""), "")
        if name in genes:
            per_gene[name].extend(intervals)
            gene_contig[name] = contig[tx]
    return {
        g: GeneModel(g, gene_contig[g], [(f"{gene_contig[g]}:{s + 1}-{e}", (s, e)) for s, e in _merge(iv)])
        for g, iv in per_gene.items()
    }


def write_panel_bed(models: dict[str, GeneModel], out: Path) -> None:
    """BED of the panel genes' merged coding intervals, named ``GENE|chrom:start1-end`` (mosdepth --by)."""
    lines = [
        f"{m.contig}\t{span[0]}\t{span[1]}\t{gene}|{label}\n"
        for gene, m in sorted(models.items())
        for label, span in m.exons
    ]
    write_text_atomic(out, "".join(sorted(lines, key=lambda x: (x.split("\t")[0], int(x.split("\t")[1])))))


def _rows(path: Path) -> list[list[str]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return [
                line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")
            ]
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputIntegrityError(f"cannot read mosdepth output: {exc}", path=path) from exc


def low_runs(quantized: Path, threshold: int) -> dict[str, list[Interval]]:
    """Runs of bases below ``threshold`` from mosdepth ``--quantize 0:<threshold>:`` (contig -> sorted
    half-open intervals). A bin is low when its label's lower bound is below the threshold (default labels
    ``0:20`` / ``20:inf``, or MOSDEPTH_Q0-style names are refused)."""
    out: dict[str, list[Interval]] = defaultdict(list)
    for row in _rows(quantized):
        try:
            label = row[3]
            low = int(label.split(":", 1)[0])
            start, end = int(row[1]), int(row[2])
        except (IndexError, ValueError) as exc:
            raise InputIntegrityError(
                f"malformed mosdepth quantized row {row!r}: {exc}", path=quantized
            ) from exc
        if low < threshold:
            out[row[0]].append((start, end))
    return {k: _merge(v) for k, v in out.items()}


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return _merge(out)


@dataclass(frozen=True)
class CdsMap:
    """Genomic -> c. positions on one transcript (coding part only)."""

    accession: str
    strand: str
    cds: list[Interval]  # half-open, sorted by genomic start

    def c_pos(self, pos1: int) -> int | None:
        offset = 0
        blocks = self.cds if self.strand == "+" else list(reversed(self.cds))
        for start, end in blocks:
            if start < pos1 <= end:
                inner = pos1 - start if self.strand == "+" else end - pos1 + 1
                return offset + inner
            offset += end - start
        return None

    def c_range(self, start1: int, end1: int) -> str | None:
        a, b = self.c_pos(start1), self.c_pos(end1)
        if a is None or b is None:
            return None
        lo, hi = sorted((a, b))
        return f"{self.accession}:c.{lo}_{hi}" if lo != hi else f"{self.accession}:c.{lo}"


def cds_maps(gff3: Path, transcripts: dict[str, tuple[str, str]]) -> dict[str, CdsMap]:
    """gene -> CdsMap of its reporting transcript (``transcripts``: gene -> (transcript ID, accession))."""
    wanted = {tx: gene for gene, (tx, _) in transcripts.items()}
    blocks: dict[str, list[Interval]] = defaultdict(list)
    strand: dict[str, str] = {}
    opener = gzip.open if gff3.suffix == ".gz" else open
    try:
        with opener(gff3, "rt", encoding="utf-8") as handle:
            for line in handle:
                cols = line.rstrip("\n").split("\t")
                if line.startswith("#") or len(cols) < 9 or cols[2] != "CDS":
                    continue
                tx = _attrs(cols[8]).get("Parent", "").split(":", 1)[-1].split(".")[0]
                if tx in wanted:
                    blocks[tx].append((int(cols[3]) - 1, int(cols[4])))
                    strand[tx] = cols[6]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read GFF3 gene models: {exc}", path=gff3) from exc
    return {
        wanted[tx]: CdsMap(transcripts[wanted[tx]][1], strand[tx], _merge(iv)) for tx, iv in blocks.items()
    }


def gene_coverage(
    thresholds: Path,
    regions: Path,
    genes: list[str],
    threshold: int,
    quantized: Path | None = None,
    maps: dict[str, CdsMap] | None = None,
) -> list[GeneCoverage]:
    """Per panel gene, from mosdepth ``--by <panel bed> --thresholds <x>`` outputs (``*.thresholds.bed.gz``:
    chrom start end name count>=x; ``*.regions.bed.gz``: chrom start end name mean)."""
    good: dict[str, int] = defaultdict(int)
    length: dict[str, int] = defaultdict(int)
    depth_sum: dict[str, float] = defaultdict(float)
    below: dict[str, list[str]] = defaultdict(list)
    spans: dict[str, list[tuple[str, Interval]]] = defaultdict(list)
    try:
        for row in _rows(thresholds):
            gene, label = row[3].split("|", 1)
            size, ok = int(row[2]) - int(row[1]), int(row[4])
            length[gene] += size
            good[gene] += ok
            spans[gene].append((row[0], (int(row[1]), int(row[2]))))
            if ok < size:
                below[gene].append(label)
        for row in _rows(regions):
            depth_sum[row[3].split("|", 1)[0]] += (int(row[2]) - int(row[1])) * float(row[4])
    except (IndexError, ValueError) as exc:
        raise InputIntegrityError(f"malformed mosdepth region row: {exc}", path=thresholds) from exc
    low = low_runs(quantized, threshold) if quantized is not None else None
    out: list[GeneCoverage] = []
    for gene in genes:
        if not length.get(gene):
            out.append(
                GeneCoverage(
                    gene=gene,
                    fraction_at_threshold=0.0,
                    mean_depth=0.0,
                    threshold_x=threshold,
                    fully_assessed=False,
                    exons_below=[NO_MODEL],
                    analysed=False,
                )
            )
            continue
        fraction = good[gene] / length[gene]
        gaps: list[CoverageGap] = []
        if low is not None:
            for contig in sorted({c for c, _ in spans[gene]}):
                coding = _merge([iv for c, iv in spans[gene] if c == contig])
                for start, end in _intersect(coding, low.get(contig, [])):
                    cmap = (maps or {}).get(gene)
                    gaps.append(
                        CoverageGap(
                            chrom=contig,
                            start1=start + 1,
                            end1=end,
                            hgvs_c_range=cmap.c_range(start + 1, end) if cmap else None,
                        )
                    )
        out.append(
            GeneCoverage(
                gene=gene,
                fraction_at_threshold=round(fraction, 4),
                mean_depth=round(depth_sum[gene] / length[gene], 2),
                threshold_x=threshold,
                fully_assessed=good[gene] == length[gene],
                exons_below=below[gene],
                gaps=gaps,
            )
        )
    return out
