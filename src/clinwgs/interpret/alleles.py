"""One sample's ALT alleles from an annotated VCF record (cyvcf2), with what the interpreter needs: genotype,
depth, allele fraction, consequences, population AFs and the ClinVar assertion. Positions are 1-based (pos1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clinwgs.interpret import clinvar
from clinwgs.interpret.acmg import PopulationEvidence
from clinwgs.interpret.consequence import Consequence, parse_bcsq, parse_vep, vep_fields


@dataclass(frozen=True)
class HeaderInfo:
    consequence_key: str | None  # "BCSQ" or "CSQ"
    vep_columns: list[str]
    population: list[tuple[str, str]]  # present (INFO key, label)
    has_clinvar: bool
    annotators: dict[str, str]  # e.g. {"bcftools csq": "1.16+htslib-1.16"}
    has_ann: bool = False  # SnpEff INFO/ANN present (HGVS names)


_VERSION_LINE = re.compile(
    r"^##(bcftools[_/](?:csq|annotate|norm|call|view|mpileup))Version=(\S+)", re.MULTILINE
)
_VEP_LINE = re.compile(r"^##VEP=\"?(v?[\w.]+)", re.MULTILINE)
_SNPEFF_LINE = re.compile(r"^##SnpEffVersion=\"?([\w.]+)", re.MULTILINE)
_REGENOTYPE_LINE = re.compile(r"^##clinwgs_regenotypeVersion=(\S+)", re.MULTILINE)
REGENOTYPE = "clinwgs regenotype"
"""The tool_versions key saying spanning-read indel re-genotyping ran (clinwgs.calling.regenotype)."""


def inspect_header(vcf: Any, population_keys: list[tuple[str, str]]) -> HeaderInfo:
    raw: str = vcf.raw_header
    infos = {h["ID"]: h for h in vcf.header_iter() if h["HeaderType"] == "INFO"}
    key = "BCSQ" if "BCSQ" in infos else "CSQ" if "CSQ" in infos else None
    columns = vep_fields(infos["CSQ"]["Description"]) if key == "CSQ" else []
    annotators = {
        m.group(1).replace("_", " ").replace("/", " "): m.group(2) for m in _VERSION_LINE.finditer(raw)
    }
    vep = _VEP_LINE.search(raw)
    if vep:
        annotators["Ensembl VEP"] = vep.group(1)
    snpeff = _SNPEFF_LINE.search(raw)
    if snpeff:
        annotators["SnpEff"] = snpeff.group(1)
    regenotype = _REGENOTYPE_LINE.search(raw)
    if regenotype:
        annotators[REGENOTYPE] = regenotype.group(1)
    return HeaderInfo(
        consequence_key=key,
        vep_columns=columns,
        population=[(k, label) for k, label in population_keys if k in infos],
        has_clinvar="CLNSIG" in infos,
        annotators=annotators,
        has_ann="ANN" in infos,
    )


@dataclass(frozen=True)
class Allele:
    chrom: str
    pos1: int
    ref: str
    alt: str
    copies: int  # copies of this ALT in the sample's genotype
    ploidy: int
    depth: int | None
    allele_fraction: float | None
    genotype_quality: int | None
    filters: list[str]
    consequences: list[Consequence]
    population: PopulationEvidence
    clinvar: clinvar.ClinVarAssertion | None
    ann: str | None = None  # raw SnpEff INFO/ANN (parsed only for records that are reported)


def info_list(record: Any, key: str) -> list[str] | None:
    value = record.INFO.get(key)
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [str(value)]


def _af(record: Any, key: str, alt_index: int) -> float | None:
    value = record.INFO.get(key)
    if value is None:
        return None
    if isinstance(value, tuple | list):
        value = value[alt_index] if alt_index < len(value) else None
    try:
        number = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return None if number is None or number != number else number  # NaN = missing


def _format_int(record: Any, key: str, sample: int) -> int | None:
    try:
        values = record.format(key)
    except KeyError:
        return None
    if values is None:
        return None
    value = int(values[sample][0])
    return value if value >= 0 else None


def _allele_fraction(record: Any, sample: int, alt_index: int) -> float | None:
    try:
        ad = record.format("AD")
    except KeyError:
        return None
    if ad is None:
        return None
    counts = [int(x) for x in ad[sample] if x >= 0]
    total = sum(counts)
    return round(counts[alt_index + 1] / total, 4) if total and len(counts) > alt_index + 1 else None


def parse_consequences(text: str, header: HeaderInfo) -> list[Consequence]:
    """A record's consequence text (INFO/BCSQ or INFO/CSQ, one string) parsed with the header's parser."""
    return parse_bcsq(text) if header.consequence_key == "BCSQ" else parse_vep(text, header.vep_columns)


def _consequences(
    record: Any, header: HeaderInfo, alt: str, parsed: list[Consequence] | None = None
) -> list[Consequence]:
    if parsed is None:
        if header.consequence_key is None:
            return []
        value = record.INFO.get(header.consequence_key)
        if value is None:
            return []
        text = ",".join(value) if isinstance(value, tuple | list) else str(value)
        parsed = parse_consequences(text, header)
    if len(record.ALT) == 1:
        return parsed
    mine = [c for c in parsed if c.allele == alt or (c.hgvs_g or "").endswith(f">{alt}")]
    return mine or parsed


def sample_alleles(
    record: Any, sample: int, header: HeaderInfo, parsed: list[Consequence] | None = None
) -> Iterator[Allele]:
    """Every ALT allele present in the sample's genotype (no-calls and REF-only genotypes yield nothing).
    ``parsed``: the record's consequence text already parsed (``parse_consequences``), read-only."""
    genotype = record.genotypes[sample]
    calls = [a for a in genotype[:-1] if a is not None and a >= 0]
    filters = [] if record.FILTER is None else [f for f in str(record.FILTER).split(";") if f != "PASS"]
    for alt_index, alt in enumerate(record.ALT):
        copies = calls.count(alt_index + 1)
        if copies == 0:
            continue
        cv = None
        if header.has_clinvar:
            cv = clinvar.from_info(
                info_list(record, "CLNSIG"),
                info_list(record, "CLNREVSTAT"),
                info_list(record, "CLNDN"),
                str(record.INFO.get("CLNVID") or record.ID or "") or None,
                info_list(record, "CLNACC"),
                info_list(record, "CLNRSALL"),
            )
        ann = record.INFO.get("ANN") if header.has_ann else None
        yield Allele(
            chrom=record.CHROM,
            pos1=record.POS,
            ref=record.REF,
            alt=alt,
            copies=copies,
            ploidy=len(genotype) - 1,
            depth=_format_int(record, "DP", sample),
            allele_fraction=_allele_fraction(record, sample, alt_index),
            genotype_quality=_format_int(record, "GQ", sample),
            filters=filters,
            consequences=_consequences(record, header, alt, parsed),
            population=PopulationEvidence(
                {label: _af(record, key, alt_index) for key, label in header.population}
            ),
            clinvar=cv,
            ann=(",".join(ann) if isinstance(ann, tuple | list) else str(ann)) if ann else None,
        )
