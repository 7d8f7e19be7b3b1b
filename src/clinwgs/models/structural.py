"""Structural and copy-number variant contract (issue 17).

The SV/CNV stage writes ``results/<sample>/sv/<sample>.sv.vcf.gz``: a sorted, indexed VCF of the sample's
filtered structural and copy-number calls, one record per event, with these INFO keys (VCF 4.2 SV keys):

- ``SVTYPE`` DEL | DUP | INV | BND | INS (CNV losses are DEL, gains DUP), ``END``, ``SVLEN``;
- ``CIPOS``/``CIEND`` (breakpoint confidence; absent for depth-only calls);
- ``CN`` integer copy number where a depth caller estimated it; ``DEPTH_RATIO`` float (sample / expected);
- ``CALLERS`` comma-separated callers supporting the event (delly, tiddit, cnvkit);
- ``PE``/``SR`` discordant pairs / split reads supporting (delly's names);
and FORMAT/GT. FILTER is PASS or the reasons it failed (delly's LowQual, the size/quality policy).
A header line ``##clinwgs_sv_not_assessed=<reason>`` (added by sv-call, issue 17) means a caller could not
assess the sample (e.g. too few read pairs for delly to estimate the insert size): no record then does not
mean no structural variant.

The interpretation stage turns these into :class:`StructuralFinding` entries of findings.json.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SvType = Literal["DEL", "DUP", "INV", "BND", "INS"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StructuralVariant(_Strict):
    chrom: str
    start1: int = Field(ge=1)  # 1-based first affected base (VCF POS + 1 for symbolic DEL/DUP/INV)
    end1: int = Field(ge=1)
    svtype: SvType
    length: int | None = None  # bp; None for BND
    copy_number: int | None = None
    depth_ratio: float | None = None
    ci_start: tuple[int, int] | None = None  # outer/inner uncertainty as CIPOS
    ci_end: tuple[int, int] | None = None
    callers: list[str] = []
    supporting_pairs: int | None = None
    supporting_split_reads: int | None = None
    genotype: str | None = None
    filters: list[str] = []  # empty = PASS
