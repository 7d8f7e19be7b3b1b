"""Prepare a bundle's ClinVar VCF for exact-allele annotation (rules/ref.smk: prepare_clinvar).

Input: the bundle's ClinVar VCF after ``bcftools norm -f <fasta> -m -any`` and ``bcftools sort``
(left-aligned,
one ALT per record, as the sample VCFs are). Output: one record per allele (CHROM, POS, REF, ALT),
bgzipped and
indexed, with two INFO keys added:

* ``CLNACC``: the ClinVar accessions of that allele: the RCV accessions where the release lists them (2015:
  ``CLNACC_2015``), else the Variation ID as a VCV accession (current releases put it in the ID column);
* ``CLNRSALL``: every dbSNP rs ID ClinVar gives for the allele.

Several records for one allele (the 2015 release lists some alleles under up to four rs IDs) become one:
the ID
column keeps the lowest rs number (dbSNP keeps the oldest rs ID when it merges records), the others are
kept in
CLNRSALL; RCV accessions are pooled. Differing classifications are pooled too, so they read as a conflict.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from clinwgs.core.errors import InputIntegrityError

_RS = re.compile(r"^rs(\d+)$")
HEADER = (
    '##INFO=<ID=CLNACC,Number=.,Type=String,Description="ClinVar accessions of this exact allele '
    '(RCV, or VCV from the Variation ID) (clinwgs prepare_clinvar)">',
    '##INFO=<ID=CLNRSALL,Number=.,Type=String,Description="Every dbSNP rs ID ClinVar lists for this exact '
    'allele (clinwgs prepare_clinvar)">',
)


def _values(record: Any, key: str) -> list[str]:
    if key not in record.info:
        return []
    value = record.info[key]
    items = value if isinstance(value, tuple | list) else [value]
    return [str(v) for v in items if v is not None and str(v) not in {"", "."}]


def _accessions(record: Any) -> list[str]:
    rcv = [a for v in _values(record, "CLNACC_2015") for a in v.split("|") if a]
    if rcv:
        return rcv
    ident = record.id or ""
    return [f"VCV{int(ident):09d}"] if ident.isdigit() else []


def _rs_ids(record: Any) -> list[str]:
    ids = [i for i in (record.id or "").split(";") if _RS.match(i)]
    ids += [f"rs{v}" for v in _values(record, "RS") for v in v.split("|") if v.isdigit()]
    return ids


def _rs_key(rs: str) -> int:
    match = _RS.match(rs)
    return int(match.group(1)) if match else 1 << 62


def prepare(vcf_in: Path, vcf_out: Path) -> tuple[int, int]:
    """Collapse to one record per allele; returns (records read, records written)."""
    import pysam

    try:
        src = pysam.VariantFile(str(vcf_in))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot open ClinVar VCF: {exc}", path=vcf_in) from exc
    for line in HEADER:
        src.header.add_line(line)
    tmp = vcf_out.with_name(vcf_out.name + ".tmp.vcf.gz")
    out = pysam.VariantFile(str(tmp), "wz", header=src.header)
    read = written = 0
    group: list[Any] = []

    def flush() -> None:
        nonlocal written
        if not group:
            return
        first = group[0]
        record = out.new_record(
            contig=first.contig, start=first.start, stop=first.stop, alleles=first.alleles, id=first.id
        )
        for key, value in first.info.items():
            record.info[key] = value
        rs = sorted(dict.fromkeys(r for g in group for r in _rs_ids(g)), key=_rs_key)
        acc = list(dict.fromkeys(a for g in group for a in _accessions(g)))
        if len(group) > 1:
            sigs = list(dict.fromkeys(s for g in group for s in _values(g, "CLNSIG")))
            stats = list(dict.fromkeys(s for g in group for s in _values(g, "CLNREVSTAT")))
            if sigs:
                record.info["CLNSIG"] = "|".join(sigs) if len(sigs) > 1 else sigs[0]
            if len(stats) > 1:
                record.info["CLNREVSTAT"] = "criteria_provided,_conflicting_classifications"
        record.id = rs[0] if rs else first.id
        if rs:
            record.info["CLNRSALL"] = rs
        if acc:
            record.info["CLNACC"] = acc
        out.write(record)
        written += 1

    try:
        for rec in src:
            read += 1
            if len(rec.alts or ()) != 1:
                raise InputIntegrityError(
                    f"{rec.contig}:{rec.pos} has {len(rec.alts or ())} ALT alleles: "
                    "split with bcftools norm -m -any",
                    path=vcf_in,
                )
            if group and (rec.contig, rec.pos, rec.ref, rec.alts) != (
                group[0].contig,
                group[0].pos,
                group[0].ref,
                group[0].alts,
            ):
                flush()
                group = []
            group.append(rec)
        flush()
    finally:
        out.close()
        src.close()
    pysam.tabix_index(str(tmp), preset="vcf", force=True)
    tmp.replace(vcf_out)
    Path(str(tmp) + ".tbi").replace(Path(str(vcf_out) + ".tbi"))
    return read, written
