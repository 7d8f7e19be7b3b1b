"""clinwgs simulate --sv / --random-svs: the haplotype after each event, the truth VCF, the random draw."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pysam
import pytest

from clinwgs import cli
from clinwgs.core.errors import ConfigError
from clinwgs.validation.simulate import Region, SimParams, build_haplotypes, decode, encode, simulate
from clinwgs.validation.simulate_sv import (
    SvEvent,
    parse_sizes,
    random_events,
    read_sv_bed,
    sv_variants,
    to_variant,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "brca1_slice"
SLICE_FA = DATA / "brca1_slice.fa"
SLICE = Region("brca1_slice", 0, 20_000)

# a 20-base toy reference: positions 1..20 (1-based)
TOY = b"ACGTTGCAAACCCGGGTTTA"
TOY_REGION = Region("toy", 0, len(TOY))


def haplotype(event: SvEvent) -> bytes:
    ref = encode(TOY)
    haps = build_haplotypes(ref, TOY_REGION, [to_variant(event, ref, TOY_REGION)], None)
    return decode(haps.seqs[event.haplotypes[0]]).tobytes()


def test_deletion_removes_bases_start_to_end() -> None:
    # bases 5..8 (TGCA) removed
    assert haplotype(SvEvent("toy", 5, 8, "DEL")) == b"ACGT" + b"AACCCGGGTTTA"


def test_duplication_repeats_the_segment_in_tandem() -> None:
    assert haplotype(SvEvent("toy", 5, 8, "DUP")) == b"ACGT" + b"TGCA" + b"TGCA" + b"AACCCGGGTTTA"


def test_inversion_is_the_reverse_complement() -> None:
    # bases 9..13 AACCC -> reverse complement GGGTT
    assert haplotype(SvEvent("toy", 9, 13, "INV")) == b"ACGTTGCA" + b"GGGTT" + b"GGGTTTA"


def test_other_haplotype_keeps_the_reference() -> None:
    ref = encode(TOY)
    var = to_variant(SvEvent("toy", 5, 8, "DEL", (1,)), ref, TOY_REGION)
    haps = build_haplotypes(ref, TOY_REGION, [var], None)
    assert decode(haps.seqs[0]).tobytes() == TOY
    assert var.pos1 == 4 and var.ref == "TTGCA" and var.alt == "T"
    assert var.symbolic == ("T", "<DEL>", "SVTYPE=DEL;END=8;SVLEN=-4")


def test_bed_rows_are_checked(tmp_path: Path) -> None:
    bed = tmp_path / "sv.bed"
    bed.write_text("brca1_slice\t1000\t2000\tDEL\t1|1\tmy_del\nbrca1_slice\t5000\t5600\tdup\n")
    events = read_sv_bed(bed, SLICE)
    assert events[0] == SvEvent("brca1_slice", 1001, 2000, "DEL", (0, 1), "my_del")
    assert events[1].svtype == "DUP" and events[1].haplotypes == (1,) and events[1].length == 600
    bed.write_text("brca1_slice\t2000\t1000\tDEL\nbrca1_slice\t1\t50\tCNV\nchr1\t1\t50\tDEL\n")
    with pytest.raises(ConfigError) as err:
        read_sv_bed(bed, SLICE)
    assert len(err.value.problems) == 3 and "line 2" in err.value.problems[1]


def test_random_events_are_seeded_separated_and_in_their_bins() -> None:
    ref = encode(b"".join(SLICE_FA.read_bytes().split(b"\n")[1:]))
    sizes = ((50, 300), (300, 1000))
    a = random_events(ref, SLICE, 6, np.random.default_rng(5), sizes)
    b = random_events(ref, SLICE, 6, np.random.default_rng(5), sizes)
    assert a == b and len(a) == 6
    assert sorted(e.svtype for e in a) == ["DEL", "DEL", "DUP", "DUP", "INV", "INV"]
    assert sum(50 <= e.length <= 300 for e in a) == 3 and sum(300 <= e.length <= 1000 for e in a) == 3
    for left, right in zip(a, a[1:], strict=False):
        assert right.start1 - left.end1 > 1000


def test_parse_sizes() -> None:
    assert parse_sizes("50-300,1000-10000") == ((50, 300), (1000, 10000))
    for bad in ("300-50", "a-b", "0-5"):
        with pytest.raises(ConfigError):
            parse_sizes(bad)


def test_reads_and_symbolic_truth(tmp_path: Path) -> None:
    bed = tmp_path / "sv.bed"
    bed.write_text("brca1_slice\t8000\t10000\tDEL\t1|1\n")
    res = simulate(
        SLICE_FA,
        SLICE,
        None,
        "SLICE01",
        tmp_path / "s",
        SimParams(depth=10),
        structural=sv_variants(bed, 0, 1),
    )
    with pysam.VariantFile(str(res.truth_vcf)) as vcf:
        (rec,) = list(vcf)
    assert (rec.pos, rec.alts, rec.stop, rec.info["SVLEN"]) == (8000, ("<DEL>",), 10000, -2000)
    assert rec.samples[0]["GT"] == (1, 1)
    # homozygous deletion: no read starts inside the deleted bases (names carry haplotype coordinates)
    names = [line for line in gzip.decompress(res.r1.read_bytes()).split(b"\n")[::4] if line]
    starts = [int(re.match(rb"@[^:]+:[0-9]+:h[12]:([0-9]+)", n)[1]) for n in names]  # type: ignore[index]
    assert all(s < 18_000 for s in starts)
    assert max(starts) > 17_000


def test_cli_random_svs(tmp_path: Path) -> None:
    argv = [
        "simulate", "--reference", str(SLICE_FA), "--region", "brca1_slice:1-20000", "--sample-id", "SIM01",
        "--out-prefix", str(tmp_path / "x"), "--depth", "2", "--random-svs", "3", "--sv-sizes", "100-500",
    ]  # fmt: skip
    assert cli.main(argv) == 0
    with pysam.VariantFile(str(tmp_path / "x.truth.vcf")) as vcf:
        assert sorted(r.info["SVTYPE"] for r in vcf) == ["DEL", "DUP", "INV"]
    assert cli.main([*argv[:-4], "--random-svs", "2", "--sv-types", "CNV"]) == 2
