"""HGVS naming (clinwgs.interpret.nomenclature): SnpEff strings cleaned to current HGVS, and g. names checked
against every allele of the GRCh38_BRCA1 bundle's ClinVar by applying both to the reference."""

from __future__ import annotations

import re
from pathlib import Path

import pysam
import pytest
import yaml

from clinwgs.interpret.nomenclature import clean_c, clean_p, genomic_hgvs, hgvs_problem, protein_agrees

BUNDLE = Path(__file__).resolve().parents[3] / "reference" / "GRCh38_BRCA1"
ACCESSION = "NC_000017.11"


# SnpEff 5.1d's own HGVS.c / HGVS.p on ENST00000357654 for BRCA1 ClinVar records (INFO/ANN as written),
# plus the older delins/ins forms the cleaner also handles
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("c.5467+1G>A", "c.5467+1G>A"),
        ("c.3048_3052dupTGAGA", "c.3048_3052dup"),
        ("c.68_69delAG", "c.68_69del"),
        ("c.4836dupG", "c.4836dup"),
        ("c.100_102delAGGinsT", "c.100_102delinsT"),
        ("c.100_101insTT", "c.100_101insTT"),
    ],
)
def test_clean_c_drops_deprecated_bases(raw: str, clean: str) -> None:
    assert clean_c(raw) == clean


@pytest.mark.parametrize(
    ("raw", "terms", "clean"),
    [
        ("p.Arg1835*", ("stop_gained",), "p.(Arg1835Ter)"),
        ("p.Gly1788Val", ("missense_variant",), "p.(Gly1788Val)"),
        ("p.Ser1613=", ("synonymous_variant",), "p.(Ser1613=)"),
        ("p.Asn1018fs", ("frameshift_variant",), "p.(Asn1018fs)"),
        ("p.Met1?", ("start_lost",), "p.(Met1?)"),
        ("", ("splice_donor_variant", "intron_variant"), "p.?"),
        ("", ("splice_acceptor_variant", "intron_variant"), "p.?"),
        ("", ("intron_variant",), None),
    ],
)
def test_clean_p_is_predicted_three_letter(raw: str, terms: tuple[str, ...], clean: str | None) -> None:
    assert clean_p(raw, terms) == clean
    if clean is not None:
        assert hgvs_problem(f"NP_009225.1:{clean}") is None


def test_splice_site_p_question_mark_is_not_a_disagreement_with_csq() -> None:
    assert protein_agrees("p.?", None)
    assert protein_agrees("p.(Asn1018fs)", "p.(Asn1018MetfsTer8)")
    assert not protein_agrees("p.(Gly1788Val)", "p.(Gly1788Asp)")


# ---------------------------------------------------------------- g. against the bundle's ClinVar
def _apply_vcf(seq: str, start1: int, pos1: int, ref: str, alt: str) -> str:
    i = pos1 - start1
    assert seq[i : i + len(ref)] == ref
    return seq[:i] + alt + seq[i + len(ref) :]


def _apply_g(seq: str, start1: int, name: str) -> str:
    """Apply one g. name (substitution, del, dup, ins, delins) to the forward-strand sequence."""
    m = re.fullmatch(
        rf"{ACCESSION}:g\.(\d+)(?:_(\d+))?(del|dup|ins[ACGT]+|delins[ACGT]+|[ACGT]>[ACGT])", name
    )
    assert m, name
    first, last, edit = int(m[1]), int(m[2] or m[1]), m[3]
    i, j = first - start1, last - start1 + 1  # 0-based half-open span of the named bases
    if edit == "del":
        return seq[:i] + seq[j:]
    if edit == "dup":
        return seq[:j] + seq[i:j] + seq[j:]
    if edit.startswith("delins"):
        return seq[:i] + edit[6:] + seq[j:]
    if edit.startswith("ins"):
        assert last == first + 1, name
        return seq[: i + 1] + edit[3:] + seq[i + 1 :]
    assert seq[i] == edit[0], name
    return seq[:i] + edit[2] + seq[i + 1 :]


def _shifted(name: str) -> str | None:
    """The same del/dup one base further 3' (None for other edits)."""
    m = re.fullmatch(r"(.+:g\.)(\d+)(?:_(\d+))?(del|dup)", name)
    if not m:
        return None
    first, last = int(m[2]) + 1, int(m[3] or m[2]) + 1
    return f"{m[1]}{first}_{last}{m[4]}" if last > first else f"{m[1]}{first}{m[4]}"


def test_genomic_names_of_every_bundle_clinvar_allele_are_equivalent_3prime_and_dup_aware() -> None:
    """2,659 alleles: each g. name describes the same change as the VCF allele, cannot move further 3', and an
    insertion is written as ``ins`` only when it does not repeat the bases before it (else ``dup``)."""
    manifest = yaml.safe_load((BUNDLE / "manifest.yaml").read_text(encoding="utf-8"))
    fasta = pysam.FastaFile(str(BUNDLE / manifest["files"]["fasta"]["path"]))
    start1, end1 = 43044294, 43125483  # the bundle's non-N BRCA1 bases
    seq = fasta.fetch("chr17", start1 - 1, end1).upper()
    problems: list[str] = []
    checked = 0
    with pysam.VariantFile(str(BUNDLE / manifest["files"]["clinvar"]["path"])) as vcf:
        for rec in vcf.fetch("chr17", start1 + 100, end1 - 100):
            for alt in rec.alts or ():
                if not re.fullmatch("[ACGT]+", alt) or not re.fullmatch("[ACGT]+", rec.ref or ""):
                    continue
                name = genomic_hgvs("chr17", rec.pos, rec.ref, alt, fasta, ACCESSION)
                checked += 1
                after = _apply_g(seq, start1, name)
                if after != _apply_vcf(seq, start1, rec.pos, rec.ref, alt):
                    problems.append(f"{rec.pos} {rec.ref}>{alt}: {name} is another change")
                further = _shifted(name)
                if further and _apply_g(seq, start1, further) == after:
                    problems.append(f"{rec.pos} {rec.ref}>{alt}: {name} is not fully 3' shifted")
                ins = re.fullmatch(r".+:g\.(\d+)_(\d+)ins([ACGT]+)", name)
                if ins:
                    last, bases = int(ins[1]), ins[3]
                    if seq[last - start1 + 1 - len(bases) : last - start1 + 1] == bases:
                        problems.append(f"{rec.pos} {rec.ref}>{alt}: {name} is a duplication")
                    if seq[last - start1 + 1] == bases[0]:
                        problems.append(f"{rec.pos} {rec.ref}>{alt}: {name} is not fully 3' shifted")
                assert hgvs_problem(name) is None, name
    fasta.close()
    assert checked > 2500
    assert problems == []
