"""Sample identity on real 1000 Genomes reads (GRCh38_BRCA1 demo BAMs, split by read group where a test
needs units) and real 1000 Genomes phase 3 genotypes as expected fingerprints (tests/data/identity).

What these people look like at the panel (measured, docs/BENCHMARKS.md): HG00101 differs from HG00096 and
HG00099 at nearly every site; HG00096 and HG00099 carry the same common BRCA1 haplotypes (1000 Genomes: the
same genotype at 2,049 of 2,052 sites), so this bundle can refuse HG00101 for HG00096 as a mismatch but can
never confirm that a sample IS HG00096: that comparison must come out "insufficient data", never a pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pysam
import pytest

from clinwgs.config.load import validate_model
from clinwgs.config.models import IdentitySection
from clinwgs.core.errors import ConfigError, InputIntegrityError
from clinwgs.core.io import sha256_file
from clinwgs.identity.check import (
    compare_run,
    duplicates_check,
    expected_check,
    identity_blockers,
    manifest_summary,
    not_assessable,
    sample_identity,
    sex_result,
    units_check,
    write_model,
)
from clinwgs.identity.compare import compare
from clinwgs.identity.genotype import (
    Fingerprint,
    SiteCall,
    call_genotype,
    fingerprint_alignment,
    fingerprint_from_vcf,
)
from clinwgs.identity.sites import Selection, Site, assign_blocks, load_sites, low_complexity, select_sites
from clinwgs.reference.bundles import load_manifest
from tests.support.interpret_vcf import FRAMESHIFT, record, run, write_vcf

REPO = Path(__file__).resolve().parents[3]
BUNDLE = load_manifest(REPO / "reference" / "GRCh38_BRCA1" / "manifest.yaml")
assert BUNDLE.files.fingerprint is not None
PANEL = BUNDLE.files.fingerprint.path
SITES = load_sites(PANEL)
SHA = sha256_file(PANEL)
READS = REPO / "reference" / "demo_reads"
EXPECTED = REPO / "tests" / "data" / "identity"
S = IdentitySection()


def bam(person: str) -> Path:
    return READS / f"{person}.BRCA1.GRCh38.bam"


def fp(path: Path, sample: str, unit: str | None = None) -> Fingerprint:
    return fingerprint_alignment(path, SITES, SHA, S, sample, unit_id=unit)


def lane(person: str, read_group: str, out: Path) -> Path:
    """One real lane (read group) of a demo BAM as its own unit BAM, unindexed like the workflow's."""
    with pysam.AlignmentFile(str(bam(person))) as src:
        dst = pysam.AlignmentFile(str(out), "wb", template=src)
        for read in src:
            if read.get_tag("RG") == read_group:
                dst.write(read)
        dst.close()
    return out


@pytest.fixture(scope="module")
def people() -> dict[str, Fingerprint]:
    return {p: fp(bam(p), p) for p in ("HG00096", "HG00099", "HG00101")}


def expected(person: str, as_sample: str) -> Fingerprint:
    """The person's 1000 Genomes genotypes as the expected fingerprint of sample ``as_sample``."""
    if person == "HG00096":  # a one-sample VCF: the column needs no name
        return fingerprint_from_vcf(EXPECTED / "1000G_phase3.HG00096.panel.vcf", SITES, SHA, as_sample)
    multi = EXPECTED / "1000G_phase3.HG00096_HG00099_HG00101.panel.vcf"
    return fingerprint_from_vcf(multi, SITES, SHA, as_sample, person)


# --- the panel ---------------------------------------------------------------------------------------------


def test_panel_is_what_the_build_script_selects() -> None:
    pop = next(p for p in BUNDLE.files.pop_af if p.name == "1KG")
    rebuilt = select_sites(pop.path, BUNDLE.files.fasta.path, Selection())
    assert rebuilt == SITES
    assert len(SITES) == 95 and all(0.2 <= s.af <= 0.8 for s in SITES)
    # the whole BRCA1 panel spans < 100 kb: one marker, so it can never confirm a match on its own
    assert {s.block for s in SITES} == {1}


def test_low_complexity_and_blocks() -> None:
    assert low_complexity("ACGTAAAAAACGT") and low_complexity("GCACACACAGT")
    assert not low_complexity("ACGTTGCAGT")
    sites = [Site("chr1", p, "A", "G", 0.5, 0) for p in (100, 50_000, 100_100, 250_000)]
    assert [s.block for s in assign_blocks(sites, 100_000)] == [1, 1, 2, 3]


def test_malformed_panel_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "sites.tsv"
    bad.write_text("#chrom\tpos\tref\talt\taf\tblock\nchr1\t12x\tA\tG\t0.5\t1\n")
    with pytest.raises(InputIntegrityError, match=r"sites.tsv.*line 2|line 2.*sites.tsv"):
        load_sites(bad)


# --- genotype calls ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "alt", "call"),
    [(5, 0, 0), (0, 5, 2), (3, 3, 1), (4, 0, None), (12, 1, 0), (6, 2, 1), (0, 0, None)],
)
def test_call_genotype(ref: int, alt: int, call: int | None) -> None:
    assert call_genotype(ref, alt, S)[0] == call


def test_reads_agree_with_1000g_genotypes(people: dict[str, Fingerprint]) -> None:
    """Calls from the reads against the same person's 1000 Genomes genotypes: few discordant calls."""
    for person in ("HG00099", "HG00101"):
        c = compare(people[person], expected(person, person), S)
        assert c.sites_compared >= 40 and c.discordance is not None and c.discordance <= 0.05, c


# --- (b) expected fingerprint: a BAM of another person given as HG00096 -------------------------------------


def test_hg00101_given_as_hg00096_is_a_mismatch(people: dict[str, Fingerprint]) -> None:
    swapped = people["HG00101"].model_copy(update={"sample_id": "HG00096"})
    check, blockers = expected_check(swapped, expected("HG00096", "HG00096"), S)
    assert check.status == "fail" and check.comparisons[0].verdict == "mismatch"
    assert check.comparisons[0].discordance is not None and check.comparisons[0].discordance >= 0.9
    assert len(blockers) == 1 and "HG00096 does not match its expected fingerprint" in blockers[0]
    assert "discordant of" in blockers[0] and "sites called in both" in blockers[0]


def test_hg00099_given_as_hg00096_is_refused_not_passed(people: dict[str, Fingerprint]) -> None:
    """Same common haplotypes: concordant, but one marker cannot confirm identity -> release blocked."""
    swapped = people["HG00099"].model_copy(update={"sample_id": "HG00096"})
    check, blockers = expected_check(swapped, expected("HG00096", "HG00096"), S)
    c = check.comparisons[0]
    assert c.verdict == "insufficient data" and c.concordant and c.markers == 1
    assert check.status != "pass" and blockers and "could not be confirmed" in blockers[0]


def test_expected_match_is_confirmed_with_enough_markers() -> None:
    """The confirming path (no real multi-marker data here): identical synthetic calls over 12 markers."""
    calls = [SiteCall(chrom="chr1", pos=i * 200_000 + 1, ref="A", alt="G", block=i + 1, genotype=i % 3)
             for i in range(12)]
    a = Fingerprint(sample_id="S1", source="alignment", sites_file_sha256="x", calls=calls)
    e = a.model_copy(update={"source": "expected VCF"})
    check, blockers = expected_check(a, e, S)
    assert check.status == "pass" and not blockers
    other = [c.model_copy(update={"genotype": ((c.genotype or 0) + 1) % 3 if i < 4 else c.genotype})
             for i, c in enumerate(calls)]
    check, blockers = expected_check(a, e.model_copy(update={"calls": other}), S)
    assert check.status == "fail" and blockers  # 4 of 12 discordant: 0.33 >= 0.25


def test_expected_vcf_with_several_samples_needs_a_column() -> None:
    multi = EXPECTED / "1000G_phase3.HG00096_HG00099_HG00101.panel.vcf"
    with pytest.raises(InputIntegrityError, match="3 sample columns"):
        fingerprint_from_vcf(multi, SITES, SHA, "HG00096")
    assert fingerprint_from_vcf(multi, SITES, SHA, "HG00096", "HG00101").called == 95


# --- (a) units of one sample -----------------------------------------------------------------------------


def test_units_of_two_people_are_refused(tmp_path: Path) -> None:
    units = [fp(bam("HG00096"), "PAT01", "L001"), fp(bam("HG00101"), "PAT01", "L002")]
    check, blockers = units_check(units, S)
    assert check.status == "fail" and check.comparisons[0].verdict == "mismatch"
    assert len(blockers) == 1
    assert "sample PAT01: L001 and L002 are not from the same person (mismatch: discordance" in blockers[0]


def test_real_lanes_of_one_person_are_not_refused(tmp_path: Path) -> None:
    units = [
        fp(lane("HG00099", rg, tmp_path / f"{rg}.bam"), "PAT02", rg) for rg in ("SRR741411", "SRR741412")
    ]
    check, blockers = units_check(units, S)
    c = check.comparisons[0]
    # ~4x per lane: 7 sites called in both, all concordant, too few for any verdict - not refused, not passed
    assert not blockers and c.discordant == 0 and c.verdict == "insufficient data"
    assert check.status == "insufficient data" and "need 10" in check.summary


def test_a_foreign_lane_among_real_lanes_is_refused(tmp_path: Path) -> None:
    units = [fp(lane("HG00099", "SRR741411", tmp_path / "a.bam"), "PAT03", "L1"),
             fp(lane("HG00101", "ERR229776", tmp_path / "b.bam"), "PAT03", "L2")]
    check, blockers = units_check(units, S)
    assert check.status == "fail" and blockers


def test_single_unit_is_not_applicable(people: dict[str, Fingerprint]) -> None:
    assert units_check([people["HG00096"]], S)[0].status == "not applicable"


# --- (c) samples of a run ----------------------------------------------------------------------------------


def test_same_person_under_two_ids_is_flagged(people: dict[str, Fingerprint]) -> None:
    """The same reads (HG00099's BAM) loaded under two sample IDs, beside HG00101."""
    a = fp(bam("HG00099"), "RUN-A")
    b = fp(bam("HG00099"), "RUN-B")
    other = people["HG00101"].model_copy(update={"sample_id": "RUN-C"})
    run_id = compare_run([a, b, other], S)
    assert len(run_id.pairs) == 3
    check, flags, blockers = duplicates_check("RUN-A", run_id, S)
    assert [f.other_sample for f in flags] == ["RUN-B"] and not flags[0].confirmed
    assert "possible duplicate of RUN-B" in check.summary and check.status == "insufficient data"
    check_c, flags_c, _ = duplicates_check("RUN-C", run_id, S)
    assert not flags_c and check_c.status == "pass"
    # the limit of this bundle: HG00096 shares HG00099's common haplotypes, so it is flagged too
    with_96 = compare_run([a, people["HG00096"]], S)
    assert [f.other_sample for f in duplicates_check("RUN-A", with_96, S)[1]] == ["HG00096"]


def test_confirmed_duplicate_blocks_unless_acknowledged() -> None:
    calls = [SiteCall(chrom="chr1", pos=i * 200_000 + 1, ref="A", alt="G", block=i + 1, genotype=1)
             for i in range(12)]
    a = Fingerprint(sample_id="X1", source="alignment", sites_file_sha256="x", calls=calls)
    run_id = compare_run([a, a.model_copy(update={"sample_id": "X2"})], S)
    _, flags, blockers = duplicates_check("X1", run_id, S)
    assert flags[0].confirmed and blockers and "X1 and X2 have the same fingerprint" in blockers[0]
    ok = IdentitySection(same_individual=[("X2", "X1")])
    assert duplicates_check("X1", run_id, ok)[2] == []


# --- sex, the whole result, and the hooks (findings, report, manifest) --------------------------------------


def test_sex_not_assessable_without_x_and_y(tmp_path: Path) -> None:
    r = sex_result("female", Path(f"{BUNDLE.files.fasta.path}.fai"), None)
    assert r.status == "not assessable"
    fai = tmp_path / "g.fa.fai"
    fai.write_text("chr1\t1000\t6\t60\t61\nchrX\t1000\t6\t60\t61\nchrY\t1000\t6\t60\t61\n")
    summary = tmp_path / "s.mosdepth.summary.txt"
    summary.write_text(
        "chrom\tlength\tbases\tmean\tmin\tmax\nchr1\t1000\t30000\t30\t0\t60\n"
        "chrX\t1000\t15000\t15\t0\t60\nchrY\t1000\t12000\t12\t0\t60\n"
    )
    assert sex_result("female", fai, summary).status == "fail"
    assert sex_result("male", fai, summary).status == "pass"


def test_identity_blocks_findings_and_shows_in_report(tmp_path: Path) -> None:
    units = [fp(bam("HG00096"), "PAT01", "L001"), fp(bam("HG00101"), "PAT01", "L002")]
    sample = fp(bam("HG00096"), "PAT01")
    na_sex = sex_result("female", Path(f"{BUNDLE.files.fasta.path}.fai"), None)
    result = sample_identity(
        sample=sample, units=units, expected=None, run=compare_run([sample], S), sex=na_sex,
        bundle=BUNDLE.name, panel_markers=1, settings=S,
    )
    assert result.status == "fail" and result.sex.status == "not assessable"
    path = tmp_path / "PAT01.identity.json"
    write_model(result, path)
    assert identity_blockers(path) == result.release_blockers
    summary = manifest_summary(path)
    assert summary["status"] == "fail" and summary["release_blockers"]

    findings = run(write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT}")), sample="PAT01", identity=path)
    assert findings.release_blocked
    prefix = "SAMPLE IDENTITY: sample PAT01: L001 and L002"
    assert any(b.startswith(prefix) for b in findings.release_blockers)

    from clinwgs.report.render import identity_section, render_html, report_json

    section = identity_section(path)
    html = render_html(findings, REPO / "reports", {}, {}, None, section)
    assert 'id="identity"' in html and "PAT01 unit L001 vs PAT01 unit L002: mismatch" in html
    assert json.loads(json.dumps(report_json(findings, {}, section)))["identity"]["status"] == "fail"


def test_bundle_without_panel_is_not_assessable() -> None:
    sex = sex_result("female", Path(f"{BUNDLE.files.fasta.path}.fai"), None)
    r = not_assessable("NA1", "GRCh37_chr20", sex, expected_configured=False)
    assert r.status == "not confirmed" and r.units.status == "not assessable" and not r.release_blockers
    r = not_assessable("NA1", "GRCh37_chr20", sex, expected_configured=True)
    assert r.status == "fail" and "could not be confirmed" in r.release_blockers[0]


def test_settings_errors_name_the_key() -> None:
    with pytest.raises(ConfigError, match="key 'min_sites': 0"):
        validate_model(IdentitySection, {"min_sites": 0}, "config.yaml identity")
    with pytest.raises(ConfigError, match="colour"):
        validate_model(IdentitySection, {"colour": "red"}, "config.yaml identity")
    with pytest.raises(ConfigError, match="match_max_discordance must be below"):
        validate_model(IdentitySection, {"match_max_discordance": 0.5}, "config.yaml identity")
    assert IdentitySection().min_sites == 10
