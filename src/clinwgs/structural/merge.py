"""Merge and filter one sample's SV/CNV caller outputs into the SV VCF contract (rule ``merge_sv``).

Inputs: delly's calls (all types, gathered), optionally TIDDIT's, and CNVkit's called segments
(``<sample>.call.cns``). Output: ``layout.sv_vcf(sample)``, one record per event, INFO and FORMAT as
:mod:`clinwgs.models.structural` specifies. The policy (:class:`clinwgs.config.models.SvSettings`):

- a breakpoint call (delly, TIDDIT) for which the sample's genotype is not non-reference is dropped, and so is
  a DEL/DUP/INV/INS shorter than ``min_size`` (the small-variant caller's range);
- FILTER keeps the caller's own reasons (delly ``LowQual``: fewer than 3 pairs or mapping quality < 20 for
  imprecise calls) when ``require_pass``, and adds ``LowSupport`` (PE + SR below ``min_support``) and
  ``SizeRange`` (longer than ``max_size``);
- a CNVkit segment is a candidate when its integer copy number differs from 2 on an autosome (sex
  chromosomes are not assessed by depth: the flat reference has no sex-matched normal), it spans at least
  ``cnv_min_size`` bp and ``cnv_min_bins`` bins; a loss is DEL, a gain DUP;
- a depth segment and a breakpoint call of the same type that overlap reciprocally by ``merge_overlap`` are
  one event: the breakpoint call keeps its coordinates and gains ``CN``/``DEPTH_RATIO`` and ``cnvkit`` in
  ``CALLERS``; an unmatched segment becomes a depth-only record (no CIPOS/CIEND/PE/SR; GT 1/1 for copy number
  0, else 0/1 for a loss, ./1 for a gain, whose allele count depth cannot tell);
- TIDDIT calls join a delly call of the same type by the same overlap (BND: both ends within
  ``BND_DISTANCE``), else stand alone (``CALLERS=tiddit``).
Delly's own read-depth estimate gives ``CN`` (FORMAT RDCN) and ``DEPTH_RATIO`` (RC over its
two flanking control windows, each half the event's length, RCL + RCR; delly's RDCN is twice this ratio,
rounded) for DEL/DUP when CNVkit has no matching segment.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pysam

from clinwgs.config.models import SvSettings
from clinwgs.core.errors import InputIntegrityError
from clinwgs.models.structural import StructuralVariant
from clinwgs.structural.targets import NOT_ASSESSED_KEY

BND_DISTANCE = 500
END_RE = re.compile(r"(?:^|;)END=([0-9]+)(?:;|$)")
SEX_AND_OTHER = {"X", "Y", "M", "MT", "chrX", "chrY", "chrM", "chrMT"}
SV_TYPES = ("DEL", "DUP", "INV", "BND", "INS")


@dataclass
class SvCall:
    chrom: str
    pos: int  # VCF POS: the base before the event (DEL/DUP/INV), the breakend (BND), the insertion point
    end: int  # INFO END: last affected base (= POS for BND and INS)
    svtype: str
    ref: str = "N"
    alt: str = ""  # BND: the breakend ALT; others: symbolic <TYPE>
    gt: str = "0/1"
    filters: list[str] = field(default_factory=list)
    callers: list[str] = field(default_factory=list)
    cipos: tuple[int, int] | None = None
    ciend: tuple[int, int] | None = None
    pe: int | None = None
    sr: int | None = None
    cn: int | None = None
    depth_ratio: float | None = None
    insert_len: int | None = None  # INS: SVLEN
    bins: int | None = None  # depth segments: bins (probes) in the segment
    sv_id: str = "."

    @property
    def length(self) -> int | None:
        if self.svtype == "BND":
            return None
        if self.svtype == "INS":
            return self.insert_len
        return self.end - self.pos

    @property
    def svlen(self) -> int | None:
        n = self.length
        return -n if n is not None and self.svtype == "DEL" else n

    def to_model(self) -> StructuralVariant:
        return StructuralVariant(
            chrom=self.chrom,
            start1=self.pos + 1 if self.svtype in ("DEL", "DUP", "INV") else self.pos,
            end1=self.end,
            svtype=self.svtype,  # type: ignore[arg-type]
            length=self.length,
            copy_number=self.cn,
            depth_ratio=self.depth_ratio,
            ci_start=self.cipos,
            ci_end=self.ciend,
            callers=self.callers,
            supporting_pairs=self.pe,
            supporting_split_reads=self.sr,
            genotype=self.gt,
            filters=self.filters,
        )


def _int(value: object) -> int | None:
    if isinstance(value, tuple):
        value = value[0] if value else None
    return int(value) if isinstance(value, int | float) else None


def _pair(value: object) -> tuple[int, int] | None:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (int(value[0]), int(value[1]))
    return None


def _info(rec: pysam.VariantRecord, key: str) -> object:
    """An INFO value, None when absent or when the header does not declare the key (TIDDIT has no CIPOS)."""
    return rec.info.get(key) if key in rec.header.info else None


def _end(rec: pysam.VariantRecord) -> int:
    """INFO END as written: pysam hides END and htslib derives rec.stop from SVLEN when a record has one
    (TIDDIT writes SVLEN without the anchor base), so the record text is read."""
    match = END_RE.search(str(rec).split("\t", 8)[7])
    return int(match[1]) if match else int(rec.stop)


def _gt(call: pysam.VariantRecordSample) -> str | None:
    alleles = call.get("GT") or ()
    if not alleles or all(a in (None, 0) for a in alleles):
        return None  # no call, or reference: not this sample's event
    sep = "|" if call.phased else "/"
    return sep.join("." if a is None else str(a) for a in alleles)


def read_breakpoint_vcf(path: Path, caller: str) -> list[SvCall]:
    """Non-reference calls of the (single) sample of a delly or TIDDIT VCF/BCF."""
    try:
        handle = pysam.VariantFile(str(path))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read {caller} SV calls: {exc}", path=path) from exc
    calls: list[SvCall] = []
    with handle:
        if len(handle.header.samples) < 1:
            raise InputIntegrityError(f"{caller} SV calls have no sample column", path=path)
        for rec in handle:
            svtype = str(_info(rec, "SVTYPE") or "")
            if svtype not in SV_TYPES:
                continue
            sample = rec.samples[0]
            gt = _gt(sample)
            if gt is None:
                continue
            filters = [str(f) for f in rec.filter if f != "PASS"]
            call = SvCall(
                chrom=rec.chrom,
                pos=rec.pos,
                end=rec.pos if svtype in ("BND", "INS") else _end(rec),
                svtype=svtype,
                ref=str(rec.ref or "N")[0],
                alt=str(rec.alts[0]) if svtype == "BND" and rec.alts else f"<{svtype}>",
                gt=gt,
                filters=filters,
                callers=[caller],
                cipos=_pair(_info(rec, "CIPOS")),
                ciend=_pair(_info(rec, "CIEND")),
                pe=_int(_info(rec, "PE")) if _info(rec, "PE") is not None else _int(sample.get("DV")),
                sr=_int(_info(rec, "SR")) if _info(rec, "SR") is not None else _int(sample.get("RV")),
                insert_len=abs(_int(_info(rec, "SVLEN")) or 0) or None if svtype == "INS" else None,
                sv_id=str(rec.id or "."),
            )
            if svtype in ("DEL", "DUP") and "RDCN" in sample:
                call.cn = _int(sample.get("RDCN"))
                rc, rcl, rcr = (_int(sample.get(k)) for k in ("RC", "RCL", "RCR"))
                if rc is not None and rcl and rcr:
                    call.depth_ratio = round(rc / (rcl + rcr), 3)
            calls.append(call)
    return calls


def not_assessed(path: Path) -> list[str]:
    """Reasons a caller step could not assess the sample (``##clinwgs_sv_not_assessed=`` header lines)."""
    try:
        with pysam.VariantFile(str(path)) as handle:
            return sorted({str(r.value) for r in handle.header.records if r.key == NOT_ASSESSED_KEY})
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read SV calls: {exc}", path=path) from exc


def read_cnvkit_segments(path: Path) -> list[SvCall]:
    """CNVkit ``call`` segments (.call.cns) whose copy number differs from 2 on an autosome."""
    calls: list[SvCall] = []
    try:
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as exc:
        raise InputIntegrityError(f"cannot read CNVkit segments: {exc}", path=path) from exc
    for number, row in enumerate(rows, start=2):
        try:
            chrom, start0, end = row["chromosome"], int(row["start"]), int(row["end"])
            cn, log2 = int(row["cn"]), float(row["log2"])
            bins = int(row.get("probes") or 0)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputIntegrityError(f"line {number}: not a CNVkit call.cns row ({exc})", path=path) from exc
        if cn == 2 or chrom in SEX_AND_OTHER:
            continue
        svtype = "DEL" if cn < 2 else "DUP"
        gt = "1/1" if cn == 0 else "0/1" if cn < 2 else "./1"
        calls.append(
            SvCall(
                chrom=chrom,
                pos=max(start0, 1),
                end=end,
                svtype=svtype,
                alt=f"<{svtype}>",
                gt=gt,
                callers=["cnvkit"],
                cn=cn,
                depth_ratio=round(2**log2, 3),
                bins=bins,
            )
        )
    return calls


def reciprocal_overlap(a: SvCall, b: SvCall) -> float:
    if a.chrom != b.chrom:
        return 0.0
    overlap = min(a.end, b.end) - max(a.pos, b.pos)
    la, lb = a.end - a.pos, b.end - b.pos
    if overlap <= 0 or la <= 0 or lb <= 0:
        return 0.0
    return min(overlap / la, overlap / lb)


def _same_event(a: SvCall, b: SvCall, min_overlap: float) -> bool:
    if a.svtype != b.svtype or a.chrom != b.chrom:
        return False
    if a.svtype in ("BND", "INS"):
        return abs(a.pos - b.pos) <= BND_DISTANCE
    return reciprocal_overlap(a, b) >= min_overlap


def apply_policy(calls: list[SvCall], policy: SvSettings) -> list[SvCall]:
    """Size floor (dropped), caller FILTER, LowSupport, SizeRange for breakpoint calls."""
    kept = []
    for call in calls:
        n = call.length
        if n is not None and n < policy.min_size:
            continue
        filters = list(call.filters) if policy.require_pass else []
        if (call.pe or 0) + (call.sr or 0) < policy.min_support:
            filters.append("LowSupport")
        if n is not None and n > policy.max_size:
            filters.append("SizeRange")
        kept.append(replace(call, filters=filters))
    return kept


def collapse_inversions(calls: list[SvCall], min_overlap: float) -> list[SvCall]:
    """Delly reports an inversion's two junctions (CT 3to3 and 5to5) as two INV records over the same bases:
    they are one event. The better supported record stays, with the support of both and the filters of the
    better one."""
    kept: list[SvCall] = []
    for call in calls:
        twin = next((k for k in kept if k.svtype == "INV" and _same_event(k, call, min_overlap)), None)
        if call.svtype != "INV" or twin is None:
            kept.append(call)
            continue
        best, other = (
            (call, twin)
            if (call.pe or 0) + (call.sr or 0) > (twin.pe or 0) + (twin.sr or 0)
            else (twin, call)
        )
        merged = replace(best, pe=(best.pe or 0) + (other.pe or 0), sr=(best.sr or 0) + (other.sr or 0))
        kept[kept.index(twin)] = merged
    return kept


def merge_calls(
    delly: list[SvCall], depth: list[SvCall], tiddit: list[SvCall], policy: SvSettings
) -> list[SvCall]:
    """One record per event (see the module docstring); not sorted."""
    events = apply_policy(collapse_inversions(delly, policy.merge_overlap), policy)
    for other in apply_policy(tiddit, policy):
        match = next(
            (e for e in events if "delly" in e.callers and _same_event(e, other, policy.merge_overlap)), None
        )
        if match is None:
            events.append(other)
        elif "tiddit" not in match.callers:
            match.callers.append("tiddit")
    for seg in depth:
        if (seg.length or 0) < policy.cnv_min_size or (seg.bins or 0) < policy.cnv_min_bins:
            continue
        matches = [e for e in events if _same_event(e, seg, policy.merge_overlap)]
        for match in matches:
            match.cn, match.depth_ratio = seg.cn, seg.depth_ratio
            if "cnvkit" not in match.callers:
                match.callers.append("cnvkit")
        if not matches:
            events.append(replace(seg, callers=list(seg.callers)))
    return events


FILTER_HEADER = {
    "LowQual": "Caller's own quality filter (delly: PE support < 3 or mapping quality < 20)",
    "LowSupport": "Supporting discordant pairs + split reads below sv.min_support",
    "SizeRange": "Longer than sv.max_size",
}


def header_lines(
    contigs: list[tuple[str, int]], sample: str, filters: set[str], notes: list[str] | None = None
) -> list[str]:
    lines = ["##fileformat=VCFv4.2", "##source=clinwgs merge_sv (delly, tiddit, cnvkit; issue 17)"]
    # a caller that could not assess the sample (too few read pairs): the VCF says so, it is not "no SV"
    lines += [f"##{NOT_ASSESSED_KEY}={note}" for note in notes or []]
    lines += [f"##contig=<ID={name},length={length}>" for name, length in contigs]
    lines += [
        f'##ALT=<ID={t},Description="{d}">'
        for t, d in (("DEL", "Deletion"), ("DUP", "Duplication"), ("INV", "Inversion"), ("INS", "Insertion"))
    ]
    for name in sorted(filters | set(FILTER_HEADER)):
        lines.append(f'##FILTER=<ID={name},Description="{FILTER_HEADER.get(name, "Caller filter")}">')
    lines += [
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="DEL, DUP, INV, BND or INS">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="Last affected base (POS for BND and INS)">',
        '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length in bp (negative for deletions)">',
        '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">',
        '##INFO=<ID=CN,Number=1,Type=Integer,Description="Copy number estimated from read depth">',
        '##INFO=<ID=DEPTH_RATIO,Number=1,Type=Float,Description="Read depth in the event / expected">',
        '##INFO=<ID=CALLERS,Number=.,Type=String,Description="Callers supporting the event">',
        '##INFO=<ID=PE,Number=1,Type=Integer,Description="Discordant read pairs supporting">',
        '##INFO=<ID=SR,Number=1,Type=Integer,Description="Split reads supporting">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]),
    ]
    return lines


def record_line(call: SvCall, index: int) -> str:
    info = [f"SVTYPE={call.svtype}", f"END={call.end}"]
    if call.svlen is not None:
        info.append(f"SVLEN={call.svlen}")
    if call.cipos:
        info.append(f"CIPOS={call.cipos[0]},{call.cipos[1]}")
    if call.ciend:
        info.append(f"CIEND={call.ciend[0]},{call.ciend[1]}")
    if call.cn is not None:
        info.append(f"CN={call.cn}")
    if call.depth_ratio is not None:
        info.append(f"DEPTH_RATIO={call.depth_ratio:g}")
    info.append("CALLERS=" + ",".join(call.callers))
    if call.pe is not None:
        info.append(f"PE={call.pe}")
    if call.sr is not None:
        info.append(f"SR={call.sr}")
    sv_id = call.sv_id if call.sv_id != "." else f"{call.callers[0]}_{call.svtype}_{index}"
    fields = [call.chrom, str(call.pos), sv_id, call.ref, call.alt or f"<{call.svtype}>", ".",
              ";".join(call.filters) or "PASS", ";".join(info), "GT", call.gt]  # fmt: skip
    return "\t".join(fields)


def write_sv_vcf(
    calls: list[SvCall], fasta: Path, sample: str, out: Path, notes: list[str] | None = None
) -> None:
    """Sorted bgzipped VCF + .tbi (written under temporary names, renamed when both are complete)."""
    with pysam.FastaFile(str(fasta)) as ref:
        contigs = list(zip(ref.references, ref.lengths, strict=True))
        order = {name: i for i, (name, _) in enumerate(contigs)}
        for call in calls:
            if call.chrom not in order:
                raise InputIntegrityError(f"SV call on {call.chrom}, which the reference lacks", path=fasta)
            if call.ref == "N" and call.callers == ["cnvkit"]:
                call.ref = ref.fetch(call.chrom, call.pos - 1, call.pos).upper() or "N"
    ordered = sorted(calls, key=lambda c: (order[c.chrom], c.pos, c.end, c.svtype))
    filters = {f for c in ordered for f in c.filters}
    text = "\n".join(
        [
            *header_lines(contigs, sample, filters, notes),
            *(record_line(c, i) for i, c in enumerate(ordered, 1)),
        ]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    plain = out.with_name(out.name + ".tmp.vcf")
    packed = out.with_name(out.name + ".tmp.vcf.gz")
    try:
        plain.write_text(text + "\n")
        pysam.tabix_compress(str(plain), str(packed), force=True)
        pysam.tabix_index(str(packed), preset="vcf", force=True)
        os.replace(f"{packed}.tbi", f"{out}.tbi")
        os.replace(packed, out)
    finally:
        for tmp in (plain, packed, Path(f"{packed}.tbi")):
            tmp.unlink(missing_ok=True)


def merge_sample(
    delly: Path,
    cnvkit: Path | None,
    tiddit: Path | None,
    fasta: Path,
    sample: str,
    policy: SvSettings,
    out: Path,
) -> list[SvCall]:
    """Rule ``merge_sv``: read each caller's output, merge and filter, write the contract VCF."""
    calls = merge_calls(
        read_breakpoint_vcf(delly, "delly"),
        read_cnvkit_segments(cnvkit) if cnvkit else [],
        read_breakpoint_vcf(tiddit, "tiddit") if tiddit else [],
        policy,
    )
    notes = not_assessed(delly) + (not_assessed(tiddit) if tiddit else [])
    write_sv_vcf(calls, fasta, sample, out, notes)
    return calls
