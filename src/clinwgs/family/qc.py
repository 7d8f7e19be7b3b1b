"""Family QC (layout.family_qc, clinwgs.models.family.FamilyQC): relatedness of every pair, each member's sex
against the sheet, the Mendelian-error rate and each member's depth. A failed check blocks release.

Relatedness is the KING-robust kinship (Manichaikul et al. 2010, within-family form)
``(N_het,het - 2 N_hom-ref,hom-alt) / (N_het,i + N_het,j)`` over informative sites: biallelic SNVs of the
filtered joint VCF with QUAL >= filters.min_qual and every member called with >= family.qc_min_depth reads and
GQ >= filters.min_gq. Only heterozygous and opposite-homozygous genotypes count, so sites where the whole
family is homozygous (or absent from the variant-only VCF) do not bias it. Expected: 0.5 duplicate sample,
0.25 parent-child or full sibling, 0 unrelated; the cut-offs are KING's (``family`` section of config.yaml).
With fewer than family.qc_min_sites informative sites a pair is ``insufficient_data``, never pass or fail.

The Mendelian-error rate is `bcftools +mendelian -m c` over the same informative sites of the trio.
Release blockers: every failed check; and relatedness or Mendelian checks without enough data (a family
analysis whose relationships are unconfirmed must not be released). A sex that cannot be inferred from
chrX/chrY depth is insufficient_data and does not block, as for a lone sample; on a bundle without chrX/chrY
the sex check cannot apply and is left out, with a note (FamilyQC.notes), so it does not make the family QC
"insufficient" when relatedness, Mendelian errors and depth all pass.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pysam

from clinwgs.config.models import FamilySection, Filters
from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import write_text_atomic
from clinwgs.interpret.sex import read_mosdepth_summary, sex_check
from clinwgs.models.family import FamilyCheck, FamilyQC, Pedigree, QCStatus


@dataclass(frozen=True)
class Kinship:
    kinship: float | None
    sites: int  # informative sites genotyped in both
    het_het: int
    opposite_hom: int


def informative_genotypes(
    vcf: Path, samples: list[str], filters: Filters, settings: FamilySection
) -> dict[str, list[int]]:
    """ALT allele count (0, 1, 2) of every member at each informative biallelic SNV, in VCF order."""
    out: dict[str, list[int]] = {s: [] for s in samples}
    try:
        handle = pysam.VariantFile(str(vcf))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read the family VCF: {exc}", path=vcf) from exc
    with handle:
        missing = [s for s in samples if s not in handle.header.samples]
        if missing:
            raise InputIntegrityError(f"the family VCF has no column for {', '.join(missing)}", path=vcf)
        for rec in handle:
            alts = rec.alts or ()
            if len(alts) != 1 or len(rec.ref or "") != 1 or len(alts[0]) != 1 or alts[0] == "*":
                continue
            if rec.qual is None or rec.qual < filters.min_qual:
                continue
            dosages = []
            for s in samples:
                call = rec.samples[s]
                gt = call.get("GT") or ()
                dp, gq = call.get("DP"), call.get("GQ")
                if len(gt) != 2 or None in gt or dp is None or dp < settings.qc_min_depth:
                    break
                if gq is not None and gq < filters.min_gq:
                    break
                dosages.append(sum(1 for a in gt if a))
            else:
                for s, d in zip(samples, dosages, strict=True):
                    out[s].append(d)
    return out


def king_kinship(a: list[int], b: list[int]) -> Kinship:
    het_a = sum(1 for x in a if x == 1)
    het_b = sum(1 for x in b if x == 1)
    het_het = sum(1 for x, y in zip(a, b, strict=True) if x == 1 and y == 1)
    opposite = sum(1 for x, y in zip(a, b, strict=True) if {x, y} == {0, 2})
    informative = sum(1 for x, y in zip(a, b, strict=True) if x == 1 or y == 1 or {x, y} == {0, 2})
    value = (het_het - 2 * opposite) / (het_a + het_b) if het_a + het_b else None
    return Kinship(value, informative, het_het, opposite)


def _expected_relation(ped: Pedigree, a: str, b: str) -> str:
    ma, mb = ped.member(a), ped.member(b)
    if b in {ma.father, ma.mother} or a in {mb.father, mb.mother}:
        return "parent-child"
    if {a, b} == {ped.father, ped.mother}:
        return "parents"
    if ma.father and ma.father == mb.father and ma.mother and ma.mother == mb.mother:
        return "siblings"
    return "other"


def relatedness_check(ped: Pedigree, a: str, b: str, k: Kinship, s: FamilySection) -> FamilyCheck | None:
    relation = _expected_relation(ped, a, b)
    pair = f"{a}-{b}"
    measured = (
        f"kinship {k.kinship:.3f} over {k.sites:,} informative sites"
        if k.kinship is not None
        else f"no heterozygous genotypes over {k.sites:,} informative sites"
    )
    if relation in {"parent-child", "siblings"}:
        expected = f"{relation}: kinship {s.parent_child_min_kinship}-{s.parent_child_max_kinship}"
    elif relation == "parents":
        expected = f"unrelated parents: kinship < {s.unrelated_max_kinship}"
    else:
        return None  # no expectation declared for this pair (e.g. a more distant relative)
    expected += f", over >= {s.qc_min_sites} sites"
    status: QCStatus
    if k.kinship is None or k.sites < s.qc_min_sites:
        status = "insufficient_data"
        message = (
            f"relatedness of {pair} ({relation}) not assessed: {measured}, fewer than the "
            f"{s.qc_min_sites} needed"
        )
    elif relation == "parents":
        ok = k.kinship < s.unrelated_max_kinship
        status = "pass" if ok else "fail"
        message = (
            f"{pair} unrelated as declared ({measured})"
            if ok
            else f"RELATEDNESS FAILURE: parents {pair} appear related ({measured}; expected < "
            f"{s.unrelated_max_kinship}): possible sample swap or consanguinity to confirm"
        )
    else:
        ok = s.parent_child_min_kinship <= k.kinship <= s.parent_child_max_kinship
        status = "pass" if ok else "fail"
        if ok:
            message = f"{pair} related as declared ({relation}; {measured})"
        else:
            what = (
                "the same individual (duplicate)" if k.kinship > s.parent_child_max_kinship else "unrelated"
            )
            message = (
                f"RELATEDNESS FAILURE: {pair} declared {relation} but look {what} ({measured}; expected "
                f"{s.parent_child_min_kinship}-{s.parent_child_max_kinship}): possible sample swap"
            )
    return FamilyCheck(
        name="relatedness", subject=pair, status=status, measured=measured, expected=expected, message=message
    )


def mendelian_counts(
    vcf: Path, mother: str, father: str, child: str, filters: Filters, settings: FamilySection
) -> tuple[int, int]:
    """(consistent, inconsistent) trio genotypes at informative sites (bcftools +mendelian -m c)."""
    include = (
        f"QUAL>={filters.min_qual} && N_MISSING==0 && MIN(FMT/DP)>={settings.qc_min_depth}"
        f" && MIN(FMT/GQ)>={filters.min_gq}"
    )
    view = [
        "bcftools",
        "view",
        "-m2",
        "-M2",
        "-s",
        f"{mother},{father},{child}",
        "-i",
        include,
        "-Ou",
        str(vcf),
    ]
    count = ["bcftools", "+mendelian", "-t", f"{mother},{father},{child}", "-m", "c", "-"]
    try:
        first = subprocess.run(view, capture_output=True, check=True)
        result = subprocess.run(count, input=first.stdout, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise InputIntegrityError(
            f"bcftools +mendelian failed: {detail.decode(errors='replace')[-300:]}", path=vcf
        ) from exc
    return parse_mendelian(result.stdout.decode())


def parse_mendelian(text: str) -> tuple[int, int]:
    """The counts line of `bcftools +mendelian -m c`: ``ngood nmerr nmissing mother father child``."""
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split()
        return int(fields[0]), int(fields[1])
    raise InputIntegrityError("bcftools +mendelian printed no counts line")


def mendelian_check(good: int, errors: int, trio: str, s: FamilySection) -> FamilyCheck:
    sites = good + errors
    rate = errors / sites if sites else None
    measured = f"{errors:,} Mendelian errors over {sites:,} informative trio sites" + (
        f" ({rate:.2%})" if rate is not None else ""
    )
    expected = f"<= {s.max_mendelian_error_rate:.1%} over >= {s.qc_min_sites} sites"
    if rate is None or sites < s.qc_min_sites:
        return FamilyCheck(
            name="mendelian_errors",
            subject=trio,
            status="insufficient_data",
            measured=measured,
            expected=expected,
            message=f"Mendelian errors of {trio} not assessed: {measured}",
        )
    ok = rate <= s.max_mendelian_error_rate
    message = (
        f"Mendelian errors of {trio}: {measured}"
        if ok
        else f"MENDELIAN FAILURE: {trio}: {measured}, above {s.max_mendelian_error_rate:.1%}: possible "
        "sample swap or contamination"
    )
    return FamilyCheck(
        name="mendelian_errors",
        subject=trio,
        status="pass" if ok else "fail",
        measured=measured,
        expected=expected,
        message=message,
    )


def region_mean_depth(summary: Path) -> float | None:
    """Mean depth over the analysable regions (mosdepth ``total_region`` row), else the whole-genome mean."""
    lines = summary.read_text(encoding="utf-8").splitlines()
    means = {ln.split("\t")[0]: float(ln.split("\t")[3]) for ln in lines[1:] if ln.count("\t") >= 3}
    return means.get("total_region", means.get("total"))


def depth_check(sample: str, summary: Path, s: FamilySection) -> FamilyCheck:
    mean = region_mean_depth(summary)
    measured = f"mean depth {mean:.1f}x over the analysable regions" if mean is not None else "no depth"
    ok = mean is not None and mean >= s.min_mean_depth
    message = (
        f"{sample}: {measured}"
        if ok
        else f"DEPTH FAILURE: {sample}: {measured}, below the {s.min_mean_depth:g}x a family analysis needs"
    )
    return FamilyCheck(
        name="depth",
        subject=sample,
        status="pass" if ok else "fail",
        measured=measured,
        expected=f">= {s.min_mean_depth:g}x",
        message=message,
    )


_SEX_CONTIG = re.compile(r"^(chr)?[XY]$")


def member_sex_check(sample: str, reported: str, summary: Path) -> FamilyCheck | None:
    """The member's sex from chrX/chrY depth against the sheet; None when the reference has no chrX/chrY at
    all (the check cannot apply: a note, not a lack of data; the member's identity.json says the same)."""
    depths = read_mosdepth_summary(summary)
    if not any(_SEX_CONTIG.match(contig) for contig in depths):
        return None
    result = sex_check(reported, depths)
    status: QCStatus = (
        "fail"
        if result.mismatch
        else "insufficient_data"
        if result.inferred == "unknown" or reported == "unknown"
        else "pass"
    )
    measured = f"inferred {result.inferred}" + (
        f" (X/autosome {result.x_autosome_ratio:.2f})" if result.x_autosome_ratio is not None else ""
    )
    return FamilyCheck(
        name="sex",
        subject=sample,
        status=status,
        measured=measured,
        expected=f"sheet: {reported}",
        message=f"{sample}: {result.note}",
    )


BLOCKING_WHEN_INSUFFICIENT = frozenset({"relatedness", "mendelian_errors"})


def summarise(family_id: str, checks: list[FamilyCheck], notes: list[str] | None = None) -> FamilyQC:
    statuses = {c.status for c in checks}
    status: QCStatus = (
        "fail" if "fail" in statuses else ("insufficient_data" if "insufficient_data" in statuses else "pass")
    )
    blockers = [f"family {family_id}: {c.message}" for c in checks if c.status == "fail"]
    blockers += [
        f"family {family_id}: {c.message} (family relationships unconfirmed)"
        for c in checks
        if c.status == "insufficient_data" and c.name in BLOCKING_WHEN_INSUFFICIENT
    ]
    return FamilyQC(
        family_id=family_id, status=status, checks=checks, release_blockers=blockers, notes=notes or []
    )


def family_qc(
    ped: Pedigree, vcf: Path, summaries: dict[str, Path], filters: Filters, settings: FamilySection
) -> FamilyQC:
    members = [m.sample_id for m in ped.members]
    genotypes = informative_genotypes(vcf, members, filters, settings)
    checks: list[FamilyCheck] = []
    for a, b in itertools.combinations(members, 2):
        check = relatedness_check(ped, a, b, king_kinship(genotypes[a], genotypes[b]), settings)
        if check is not None:
            checks.append(check)
    if ped.father and ped.mother:
        good, errors = mendelian_counts(vcf, ped.mother, ped.father, ped.proband, filters, settings)
        checks.append(mendelian_check(good, errors, f"{ped.proband}-{ped.father}-{ped.mother}", settings))
    unchecked = []
    for m in ped.members:
        sex = member_sex_check(m.sample_id, m.sex, summaries[m.sample_id])
        if sex is None:
            unchecked.append(m.sample_id)
        else:
            checks.append(sex)
        checks.append(depth_check(m.sample_id, summaries[m.sample_id], settings))
    notes = (
        [f"sex not checked for {', '.join(unchecked)}: the reference bundle has no chrX/chrY sequence"]
        if unchecked
        else []
    )
    return summarise(ped.family_id, checks, notes)


def write_family_qc(
    ped: Pedigree, vcf: Path, summaries: dict[str, Path], filters: Filters, settings: FamilySection, out: Path
) -> FamilyQC:
    qc = family_qc(ped, vcf, summaries, filters, settings)
    write_text_atomic(out, qc.model_dump_json(indent=2) + "\n")
    return qc
