"""Segregation of a proband's variant in a sequenced family (issue 16).

Input: the pedigree (clinwgs.models.family), each member's call at the proband's allele in the family (joint)
VCF (GT, DP, AD; the proband's FORMAT/DNM from ``bcftools +trio-dnm2`` when present) and the proband's sex.
Output: one of the patterns of ``clinwgs.models.findings.Segregation`` with the evidence in words.

Rules (documented in docs/validation.md, "Segregation"):

- A parent *carries* the allele when its genotype has at least one copy of it (any depth). A parent is
  *confirmed absent* when its genotype is homozygous reference, its depth is at least ``min_depth`` and at
  most ``max_parent_alt_fraction`` of its reads show the allele (more suggests parental mosaicism or a missed
  call). Anything else (no call, no record, too shallow, alt reads) leaves that parent *unknown*.
- Autosomes (and X in a female proband, and the pseudo-autosomal regions): heterozygous proband with both
  parents confirmed absent -> ``de_novo``; one parent carrier and the other confirmed absent ->
  ``inherited_paternal`` / ``inherited_maternal``; homozygous proband with both parents carriers ->
  ``homozygous_biparental``. Everything else -> ``phase_unknown`` with the reason (a parent not sequenced,
  a genotype missing or too shallow, both parents carriers of a heterozygous allele ...).
- X outside the pseudo-autosomal regions in a male proband (hemizygous whatever ploidy the caller wrote):
  mother carrier -> ``x_linked_maternal``; mother confirmed absent -> ``de_novo``; else ``phase_unknown``. The
  father's genotype is shown but not used (a father does not pass his X to a son).
- Mitochondrial DNA: mother carrier -> ``inherited_maternal``; mother confirmed absent -> ``de_novo``.
  Y outside the PARs in a male: father carrier -> ``inherited_paternal``; father confirmed absent ->
  ``de_novo``.
- Compound heterozygosity is decided over the proband's alleles of one gene (:func:`pair_compound_hets`):
  two heterozygous alleles, one ``inherited_paternal`` and one ``inherited_maternal``, are in trans and both
  become ``compound_heterozygous``, each naming the other as ``partner``. Two alleles from the same parent
  are in cis, and say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from clinwgs.core.errors import InputIntegrityError
from clinwgs.models.family import FamilyMember, Pedigree
from clinwgs.models.findings import MemberGenotype, Segregation, SegregationResult

MIN_DEPTH = 10  # a parent's reference call counts as "absent" only at this depth or more
MAX_PARENT_ALT_FRACTION = 0.05  # ... and with at most this fraction of its reads showing the allele

# pseudo-autosomal regions (1-based inclusive), where X behaves like an autosome in males.
# GRCh37/GRCh38 coordinates: GRC "Pseudo-autosomal region" assembly definitions (PAR1, PAR2); the same
# boundaries as the presets of `bcftools +trio-dnm2 --chrX GRCh37|GRCh38`.
PAR: dict[str, tuple[tuple[int, int], ...]] = {
    "GRCh37": ((60001, 2699520), (154931044, 155260560)),
    "GRCh38": ((10001, 2781479), (155701383, 156030895)),
}
_X = {"X", "chrX"}
_Y = {"Y", "chrY"}
_MT = {"MT", "M", "chrM", "chrMT"}


@dataclass(frozen=True)
class MemberCall:
    """One member's call at one ALT allele (``alt_copies`` None: no call, or no record)."""

    member: FamilyMember
    genotype: str
    alt_copies: int | None
    depth: int | None
    alt_reads: int | None = None
    total_reads: int | None = None

    @property
    def allele_fraction(self) -> float | None:
        if not self.total_reads or self.alt_reads is None:
            return None
        return round(self.alt_reads / self.total_reads, 4)

    def to_model(self) -> MemberGenotype:
        return MemberGenotype(
            sample_id=self.member.sample_id,
            relation=self.member.relation,
            affected=self.member.affected,
            genotype=self.genotype,
            alt_copies=self.alt_copies,
            depth=self.depth,
            allele_fraction=self.allele_fraction,
        )


def not_called(member: FamilyMember) -> MemberCall:
    return MemberCall(member, "not called", None, None)


def is_hemizygous_x(chrom: str, pos1: int, build: str, sex: str) -> bool:
    """True for X outside the pseudo-autosomal regions in a male."""
    if sex != "male" or chrom not in _X:
        return False
    return not _in_par(pos1, build)


def _in_par(pos1: int, build: str) -> bool:
    return any(start <= pos1 <= end for start, end in PAR.get(build, PAR["GRCh38"]))


def _depth(call: MemberCall) -> str:
    return f"{call.depth}x" if call.depth is not None else "depth unknown"


def _state(call: MemberCall | None, min_depth: int, max_alt: float) -> tuple[str, str]:
    """("carrier" | "absent" | "unknown", why) for a parent."""
    if call is None:
        return "unknown", "not sequenced"
    if call.alt_copies is None:
        return "unknown", "genotype missing" if call.genotype != "not called" else "no call in the family VCF"
    if call.alt_copies > 0:
        return "carrier", f"{call.genotype}, {_depth(call)}"
    if call.depth is None or call.depth < min_depth:
        return "unknown", f"{call.genotype} at {_depth(call)}, below {min_depth}x"
    fraction = call.allele_fraction
    if fraction is not None and fraction > max_alt:
        return (
            "unknown",
            f"{call.genotype} but {fraction:.0%} of {call.depth} reads show the allele (mosaic?)",
        )
    return "absent", f"{call.genotype}, {_depth(call)}"


def _who(member: FamilyMember) -> str:
    affected = {"affected": "affected ", "unaffected": "unaffected "}.get(member.affected, "")
    return f"{affected}{member.relation}"


def segregate(
    proband: MemberCall,
    father: MemberCall | None,
    mother: MemberCall | None,
    *,
    chrom: str,
    pos1: int,
    build: str,
    de_novo_probability: float | None = None,
    min_depth: int = MIN_DEPTH,
    max_parent_alt_fraction: float = MAX_PARENT_ALT_FRACTION,
    de_novo_checks_failed: tuple[str, ...] = (),
) -> SegregationResult:
    """The segregation of the proband's allele (``father``/``mother`` None: that parent is not sequenced).
    ``de_novo_checks_failed``: the read-level de novo checks the record failed (INFO/DNM_FILTER); a de novo
    result carries them, and its description names them."""
    p = proband
    dnm = de_novo_probability
    posterior = f"; trio-dnm2 posterior {dnm:.3g}" if dnm is not None else ""
    failed = ", ".join(de_novo_checks_failed)
    checks = f"; read-level de novo checks failed: {failed}" if failed else ""
    de_novo_note = posterior + checks  # appended to every de novo description

    origin: dict[str, Literal["father", "mother", "both"]] = {
        "inherited_paternal": "father",
        "inherited_maternal": "mother",
        "x_linked_maternal": "mother",
        "homozygous_biparental": "both",
    }

    def result(pattern: Segregation, text: str, confirmed: bool = False) -> SegregationResult:
        return SegregationResult(
            pattern=pattern,
            description=text,
            parents_confirmed=confirmed,
            de_novo_probability=dnm,
            inherited_from=origin.get(pattern),
            de_novo_checks_failed=list(de_novo_checks_failed) if pattern == "de_novo" else [],
        )

    if p.alt_copies is None or p.alt_copies == 0:
        return result("phase_unknown", "phase unknown: the proband's genotype is missing in the family VCF")
    if p.depth is not None and p.depth < min_depth:
        return result("phase_unknown", f"phase unknown: the proband's depth {p.depth}x is below {min_depth}x")
    fs, fwhy = _state(father, min_depth, max_parent_alt_fraction)
    ms, mwhy = _state(mother, min_depth, max_parent_alt_fraction)
    both = fs != "unknown" and ms != "unknown"
    sex = p.member.sex
    if is_hemizygous_x(chrom, pos1, build, sex):
        if ms == "carrier":
            assert mother is not None
            return result(
                "x_linked_maternal",
                f"hemizygous X-linked, inherited from the {_who(mother.member)} (carrier: {mwhy})",
                confirmed=True,
            )
        if ms == "absent":
            assert mother is not None
            return result(
                "de_novo",
                f"de novo (hemizygous X-linked; absent in the mother, maternal depth {_depth(mother)})"
                f"{de_novo_note}",
                confirmed=True,
            )
        return result("phase_unknown", f"phase unknown (hemizygous X-linked): mother {mwhy}")
    if chrom in _MT:  # mitochondrial DNA comes from the mother only
        if ms == "carrier":
            assert mother is not None
            return result(
                "inherited_maternal",
                f"mitochondrial, inherited from the {_who(mother.member)} ({mwhy})",
                True,
            )
        if ms == "absent":
            return result(
                "de_novo", f"de novo (mitochondrial; absent in the mother: {mwhy}){de_novo_note}", True
            )
        return result("phase_unknown", f"phase unknown (mitochondrial): mother {mwhy}")
    if chrom in _Y and sex == "male" and not _in_par(pos1, build):  # Y from the father only
        if fs == "carrier":
            assert father is not None
            return result(
                "inherited_paternal", f"Y-linked, inherited from the {_who(father.member)} ({fwhy})", True
            )
        if fs == "absent":
            return result("de_novo", f"de novo (Y-linked; absent in the father: {fwhy}){de_novo_note}", True)
        return result("phase_unknown", f"phase unknown (Y-linked): father {fwhy}")
    if p.alt_copies >= 2:
        if fs == "carrier" and ms == "carrier":
            return result(
                "homozygous_biparental",
                f"homozygous, both parents carriers (father {fwhy}; mother {mwhy})",
                confirmed=True,
            )
        return result("phase_unknown", f"phase unknown (homozygous): father {fwhy}; mother {mwhy}")
    if fs == "absent" and ms == "absent":
        assert father is not None and mother is not None
        return result(
            "de_novo",
            f"de novo (absent in both parents, parental depth {_depth(father)}/{_depth(mother)})"
            f"{de_novo_note}",
            confirmed=True,
        )
    if fs == "carrier" and ms == "absent":
        assert father is not None
        return result(
            "inherited_paternal",
            f"inherited from the {_who(father.member)} (father {fwhy}; mother {mwhy})",
            confirmed=True,
        )
    if ms == "carrier" and fs == "absent":
        assert mother is not None
        return result(
            "inherited_maternal",
            f"inherited from the {_who(mother.member)} (mother {mwhy}; father {fwhy})",
            confirmed=True,
        )
    if fs == "carrier" and ms == "carrier":
        return result(
            "phase_unknown",
            f"phase unknown: both parents carry the allele (father {fwhy}; mother {mwhy})",
            confirmed=both,
        )
    return result("phase_unknown", f"phase unknown: father {fwhy}; mother {mwhy}")


def pair_compound_hets(
    alleles: Iterable[tuple[str, str, SegregationResult]],
) -> dict[tuple[str, str], SegregationResult]:
    """Compound heterozygotes among one proband's alleles: (key "chrom:pos ref>alt", gene, segregation) ->
    the updated segregation, keyed (gene, key), of each allele whose phase against another allele of its
    gene is known (in trans: ``compound_heterozygous`` with ``partner``; in cis: the same pattern, described
    as in cis)."""
    by_gene: dict[str, list[tuple[str, SegregationResult]]] = {}
    for key, gene, seg in alleles:
        if seg.pattern in ("inherited_paternal", "inherited_maternal"):
            by_gene.setdefault(gene, []).append((key, seg))
    out: dict[tuple[str, str], SegregationResult] = {}
    for gene, items in by_gene.items():
        paternal = [k for k, s in items if s.pattern == "inherited_paternal"]
        maternal = [k for k, s in items if s.pattern == "inherited_maternal"]
        for key, seg in items:
            trans = maternal if seg.pattern == "inherited_paternal" else paternal
            cis = [k for k in (paternal if seg.pattern == "inherited_paternal" else maternal) if k != key]
            if trans:
                partner = trans[0]
                side = "father" if seg.pattern == "inherited_paternal" else "mother"
                other = "mother" if side == "father" else "father"
                more = f" (and {len(trans) - 1} more)" if len(trans) > 1 else ""
                out[(gene, key)] = seg.model_copy(
                    update={
                        "pattern": "compound_heterozygous",
                        "partner": partner,
                        "description": (
                            f"compound heterozygous in {gene}: in trans with {partner}{more}; this allele "
                            f"from the {side}, the other from the {other} ({seg.description})"
                        ),
                    }
                )
            elif cis:
                out[(gene, key)] = seg.model_copy(
                    update={
                        "description": (
                            f"{seg.description}; in cis with {', '.join(cis)} in {gene} (same parent)"
                        )
                    }
                )
    return out


# --- reading the family VCF --------------------------------------------------------------------------------


def dnm_converter(header_description: str, header_type: str) -> Any:
    """FORMAT/DNM (bcftools +trio-dnm2 --dnm-tag DNM:log|prob|phred|flag) -> a probability. The type is read
    from the tag's header description as the plugin writes it (bcftools 1.16 trio-dnm2.c)."""
    text = header_description.lower()
    if "log scaled" in text:
        return lambda v: math.exp(v)  # natural log of the probability (checked against DNM:prob output)
    if "phred" in text:
        return lambda v: 1.0 - 10 ** (-v / 10)
    if "probability" in text:
        return lambda v: float(v)
    if header_type == "Integer":  # flag: the naive model marks a DNM with 1
        return lambda v: 1.0 if v >= 1 else 0.0
    return None


@dataclass(frozen=True)
class FamilyCall:
    """Every member's call at one ALT allele of the family VCF, and the proband's de novo probability."""

    calls: dict[str, MemberCall]  # sample_id -> call (members without a VCF column are absent)
    de_novo_probability: float | None
    de_novo_checks_failed: tuple[str, ...] = ()  # INFO/DNM_FILTER (clinwgs.family.denovo)


def _genotype_text(gt: list[Any]) -> str:
    alleles, phased = gt[:-1], bool(gt[-1]) if gt else False
    return ("|" if phased else "/").join("." if a is None or a < 0 else str(a) for a in alleles)


class FamilyVcf:
    """The family VCF (columns named by sample_id), looked up allele by allele (an index is used when there is
    one; else the whole file is read once, keeping only the wanted positions)."""

    def __init__(self, path: Path, pedigree: Pedigree) -> None:
        from cyvcf2 import VCF

        if not path.is_file():
            raise InputIntegrityError("family VCF not found", path=path)
        try:
            self._vcf = VCF(str(path))
        except (OSError, ValueError) as exc:
            raise InputIntegrityError(f"cannot open family VCF: {exc}", path=path) from exc
        self.path = path
        self.pedigree = pedigree
        samples = list(self._vcf.samples)
        if pedigree.proband not in samples:
            raise InputIntegrityError(
                f"proband {pedigree.proband!r} has no column in the family VCF "
                f"(columns: {', '.join(samples)})",
                path=path,
            )
        self.columns = {
            m.sample_id: samples.index(m.sample_id) for m in pedigree.members if m.sample_id in samples
        }
        self._dnm = None
        for h in self._vcf.header_iter():
            if h["HeaderType"] == "FORMAT" and h["ID"] == "DNM":
                self._dnm = dnm_converter(str(h["Description"]), str(h["Type"]))
        self._indexed = any(Path(f"{path}{ext}").is_file() for ext in (".tbi", ".csi"))
        self._cache: dict[tuple[str, int], list[Any]] | None = None

    def close(self) -> None:
        self._vcf.close()

    @property
    def sequenced_parents(self) -> list[str]:
        return [p for p in (self.pedigree.father, self.pedigree.mother) if p and p in self.columns]

    def prefetch(self, positions: set[tuple[str, int]]) -> None:
        """Read the records at ``positions`` (without an index: one pass over the file)."""
        if self._indexed:
            return
        self._cache = {}
        for record in self._vcf:
            key = (record.CHROM, record.POS)
            if key in positions:
                self._cache.setdefault(key, []).append(record)

    def _records(self, chrom: str, pos1: int) -> list[Any]:
        if self._cache is not None:
            return self._cache.get((chrom, pos1), [])
        if self._indexed:
            return [r for r in self._vcf(f"{chrom}:{pos1}-{pos1}") if pos1 == r.POS]
        self.prefetch({(chrom, pos1)})
        return self._records(chrom, pos1)

    def lookup(self, chrom: str, pos1: int, ref: str, alt: str) -> FamilyCall:
        for record in self._records(chrom, pos1):
            if ref != record.REF or alt not in record.ALT:
                continue
            return self.calls(record, record.ALT.index(alt))
        return FamilyCall({sid: not_called(self.pedigree.member(sid)) for sid in self.columns}, None)

    def calls(self, record: Any, alt_index: int) -> FamilyCall:
        """Every member's call at ALT ``alt_index`` of a cyvcf2 record of this file."""
        gts = record.genotypes
        dp = _format(record, "DP")
        ad = _format(record, "AD")
        calls: dict[str, MemberCall] = {}
        for sid, col in self.columns.items():
            gt = gts[col]
            called = [a for a in gt[:-1] if a is not None and a >= 0]
            copies = called.count(alt_index + 1) if called else None
            reads = [int(x) for x in ad[col] if x >= 0] if ad is not None else []
            total = sum(reads) if reads else None
            alt_reads = reads[alt_index + 1] if len(reads) > alt_index + 1 else None
            depth = int(dp[col][0]) if dp is not None and dp[col][0] >= 0 else total
            calls[sid] = MemberCall(
                self.pedigree.member(sid), _genotype_text(gt), copies, depth, alt_reads, total
            )
        probability = None
        if self._dnm is not None:
            values = _format(record, "DNM")
            col = self.columns[self.pedigree.proband]
            if values is not None:
                raw = float(values[col][0])
                if not math.isnan(raw) and raw > -1e30 and raw != -2147483648:
                    probability = round(min(1.0, max(0.0, float(self._dnm(raw)))), 6)
        failed = record.INFO.get("DNM_FILTER")
        checks = tuple(str(failed).split(",")) if failed else ()
        return FamilyCall(calls, probability, checks)


def _format(record: Any, key: str) -> Any:
    try:
        return record.format(key)
    except KeyError:
        return None


def segregate_allele(
    family: FamilyVcf, chrom: str, pos1: int, ref: str, alt: str, build: str, min_depth: int = MIN_DEPTH
) -> tuple[SegregationResult, list[MemberGenotype]]:
    """Look up one proband allele in the family VCF: its segregation and every member's genotype."""
    found = family.lookup(chrom, pos1, ref, alt)
    ped = family.pedigree
    proband = found.calls.get(ped.proband) or not_called(ped.member(ped.proband))
    father = found.calls.get(ped.father) if ped.father else None
    mother = found.calls.get(ped.mother) if ped.mother else None
    seg = segregate(
        proband,
        father,
        mother,
        chrom=chrom,
        pos1=pos1,
        build=build,
        de_novo_probability=found.de_novo_probability,
        min_depth=min_depth,
        de_novo_checks_failed=found.de_novo_checks_failed,
    )
    order = [ped.proband, *(m.sample_id for m in ped.members if m.sample_id != ped.proband)]
    genotypes = [(found.calls.get(sid) or _unsequenced(ped.member(sid))).to_model() for sid in order]
    return seg, genotypes


def _unsequenced(member: FamilyMember) -> MemberCall:
    return MemberCall(member, "not in the family VCF", None, None)


def segregate_vcf(
    path: Path, pedigree: Pedigree, build: str, min_depth: int = MIN_DEPTH
) -> list[tuple[str, str, SegregationResult]]:
    """Every ALT allele the proband carries in a family VCF, with its segregation: ("chrom:pos ref>alt",
    filters, result). VCF level: no panel, no annotation needed (the benchmark of docs/BENCHMARKS.md)."""
    family = FamilyVcf(path, pedigree)
    out: list[tuple[str, str, SegregationResult]] = []
    father, mother = pedigree.father, pedigree.mother
    try:
        for record in family._vcf:
            for alt_index, alt in enumerate(record.ALT):
                found = family.calls(record, alt_index)
                proband = found.calls[pedigree.proband]
                if not proband.alt_copies:
                    continue
                seg = segregate(
                    proband,
                    found.calls.get(father) if father else None,
                    found.calls.get(mother) if mother else None,
                    chrom=record.CHROM,
                    pos1=record.POS,
                    build=build,
                    de_novo_probability=found.de_novo_probability,
                    min_depth=min_depth,
                    de_novo_checks_failed=found.de_novo_checks_failed,
                )
                key = f"{record.CHROM}:{record.POS} {record.REF}>{alt}"
                out.append((key, record.FILTER or "PASS", seg))
    finally:
        family.close()
    return out
