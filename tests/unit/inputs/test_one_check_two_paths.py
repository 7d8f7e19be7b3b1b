"""One implementation per input check: the same bad file gives the same error message through the workflow's
``check_inputs`` rule (the adapter function ``workflow/scripts/check_inputs.py`` calls) and through
``clinwgs audit check-*``."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from clinwgs.cli import main as clinwgs_main
from clinwgs.config.load import Unit
from clinwgs.inputs.run import RULE_ERROR_PREFIX, check_inputs_rule

REPO = Path(__file__).resolve().parents[3]
BAD = REPO / "tests" / "data" / "bad"
FASTA = REPO / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
SAMPLE = "S0042"
BAM_SAMPLE = "HG00096"  # the @RG SM of the corpus BAMs (cut from HG00096's reads)


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("two_paths_gen")
    subprocess.run([sys.executable, str(BAD / "make_corpus.py"), str(out)], check=True)
    return out


def _records(path: Path) -> list[bytes]:
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    return [b"".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]


def _edit(src: Path, dst: Path, change: Callable[[list[bytes]], list[bytes]]) -> Path:
    dst.write_bytes(gzip.compress(b"".join(change(_records(src))), mtime=0))
    return dst


def _line(record: bytes, index: int, new: bytes) -> bytes:
    lines = record.splitlines(keepends=True)
    lines[index] = new + b"\n"
    return b"".join(lines)


def _fastq_variants(gen: Path, tmp: Path) -> dict[str, tuple[Path, Path]]:
    r1, r2 = gen / "good.R1.fastq.gz", gen / "good.R2.fastq.gz"

    def at(n: int, index: int, make: Callable[[bytes], bytes]) -> Callable[[list[bytes]], list[bytes]]:
        def change(recs: list[bytes]) -> list[bytes]:
            old = recs[n].splitlines()[index]
            recs[n] = _line(recs[n], index, make(old))
            return recs

        return change

    def phred64(recs: list[bytes]) -> list[bytes]:
        return [_line(r, 3, bytes(min(c + 31, 104) for c in r.splitlines()[3])) for r in recs]

    iupac = _edit(r1, tmp / "iupac.R1.fastq.gz", at(4, 1, lambda s: b"R" + s[1:]))
    qual = _edit(r1, tmp / "qual.R1.fastq.gz", at(9, 3, lambda q: b" " + q[1:]))
    p64 = _edit(r2, tmp / "p64.R2.fastq.gz", phred64)
    return {
        "truncated gzip": (gen / "truncated.R1.fastq.gz", r2),
        "corrupt deflate": (gen / "crc.R1.fastq.gz", r2),
        "mate count": (r1, gen / "short.R2.fastq.gz"),
        "mates out of step": (r1, gen / "swapped.R2.fastq.gz"),
        "seq/qual length": (gen / "seqqual.R1.fastq.gz", r2),
        "not gzip": (gen / "plain.R1.fastq.gz", r2),
        "non-ACGTN base": (iupac, r2),
        "quality below '!'": (qual, r2),
        "Phred+64": (r1, p64),
        "R1 is R2": (r1, r1),
    }


def _rule_message(unit: Unit, tmp: Path, require_match: bool) -> str:
    out, log = tmp / "results" / "input_check.json", tmp / "logs" / "check_inputs.log"
    assert check_inputs_rule([unit], FASTA, require_match, out, log) == 2
    assert not out.exists(), "a failed check writes no output"
    text = log.read_text()
    assert text.startswith(RULE_ERROR_PREFIX) and text.count("\n") == 1, text
    return text.removeprefix(RULE_ERROR_PREFIX).strip()


def _cli_message(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()  # drop what the rule printed
    assert clinwgs_main(["audit", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clinwgs audit: error: ") and "Traceback" not in err
    return " ".join(err.removeprefix("clinwgs audit: error: ").split())


def test_bad_fastq_pairs_give_one_message_on_both_paths(
    gen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variants = _fastq_variants(gen, tmp_path)
    for name, (fq1, fq2) in variants.items():
        unit = Unit(sample_id=SAMPLE, unit_id="L001", platform="ILLUMINA", fq1=fq1, fq2=fq2)
        rule = _rule_message(unit, tmp_path / name.replace(" ", "_"), False)
        cli = _cli_message(["check-fastq", str(fq1), str(fq2), "--sample", SAMPLE], capsys)
        assert rule == cli, name
        assert f"sample {SAMPLE}" in rule and "file " in rule, name
    expected = {
        "non-ACGTN base": "FASTQ record 5: sequence contains characters other than A, C, G, T, N",
        "quality below '!'": "FASTQ record 10: quality string has characters outside Phred+33",
        "Phred+64": "qualities look Phred+64",
        "R1 is R2": "R1 and R2 are the same file",
    }
    for name, fragment in expected.items():
        unit = Unit(
            sample_id=SAMPLE,
            unit_id="L001",
            platform="ILLUMINA",
            fq1=variants[name][0],
            fq2=variants[name][1],
        )
        assert fragment in _rule_message(unit, tmp_path / f"again_{len(fragment)}", False), name


@pytest.mark.parametrize(
    ("name", "require_match", "fragment"),
    [
        ("corrupt_middle.bam", False, "BAM/CRAM is corrupt or truncated"),
        ("truncated.bam", False, "EOF marker absent"),
        ("truncated.cram", False, "BAM/CRAM is corrupt or truncated"),
        ("header_only.bam", False, "BAM/CRAM has no reads"),
        ("other_ref.bam", True, "@SQ LN 81195210 but reference length 83257441"),
        ("no_rg.bam", False, "has no @RG read groups"),
        ("other_sample.bam", False, "read groups of this BAM/CRAM name another sample"),
        ("two_samples.bam", False, "name 2 different samples"),
    ],
)
def test_bad_alignments_give_one_message_on_both_paths(
    name: str,
    require_match: bool,
    fragment: str,
    gen: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unit = Unit(sample_id=BAM_SAMPLE, unit_id="L001", platform="ILLUMINA", bam=gen / name)
    rule = _rule_message(unit, tmp_path, require_match)
    cli = _cli_message(
        ["check-alignment", str(gen / name), "--reference", str(FASTA), "--sample", BAM_SAMPLE], capsys
    )
    assert rule == cli
    assert fragment in rule and str(gen / name) in rule
    assert "HG00097" not in rule  # the other sample's name (SM) is never quoted


def test_the_rule_and_the_cli_name_the_same_functions() -> None:
    """The workflow adapter and the CLI import the one implementation (no second checker to drift)."""
    script = (REPO / "workflow" / "scripts" / "check_inputs.py").read_text()
    assert "from clinwgs.inputs.run import check_inputs_rule" in script
    audit = (REPO / "src" / "clinwgs" / "cli" / "audit.py").read_text()
    for module in (
        "clinwgs.inputs.fastq",
        "clinwgs.inputs.alignment",
        "clinwgs.inputs.vcf",
        "clinwgs.inputs.panels",
    ):
        assert f"from {module} import" in audit
    inputs = {p.name for p in (REPO / "src" / "clinwgs" / "inputs").glob("*.py")}
    assert {"units.py", "integrity.py"}.isdisjoint(inputs)
