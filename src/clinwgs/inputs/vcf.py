"""Strict VCF checks that htslib lets through, run in a separate process.

``bcftools view`` reads ``POS 43,077,756`` as 43 and exits 0; malformed header lines, undefined INFO keys
and out-of-range GT alleles only produce warnings. ``check_vcf`` parses the file line by line in a child
process (so a parser crash, a runaway file or a C-level fault cannot take the workflow down) and raises
``InputIntegrityError`` naming the file, line number and problem.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError
from clinwgs.core.io import compression

FIXED = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
STRUCTURED = {"INFO", "FORMAT", "FILTER", "contig", "ALT"}
META_RE = re.compile(r"^##([A-Za-z0-9_.-]+)=(.*)$")
FIELD_RE = re.compile(r'([A-Za-z0-9_.]+)=("(?:[^"\\]|\\.)*"|[^,>]*)')
NUMBER_RE = re.compile(r"^(\d+|[ARG.])$")
TYPES = {"Integer", "Float", "Flag", "Character", "String"}
REF_RE = re.compile(r"^[ACGTNacgtn]+$")
ALT_RE = re.compile(
    r"^([ACGTNacgtn]+|\*|<[^<>]+>|\.|[ACGTNacgtn]*[\[\]][^\[\]]+[\[\]][ACGTNacgtn]*"
    r"|\.?[ACGTNacgtn]+\.?)$"
)
INT_RE = re.compile(r"^-?\d+$")
FLOAT_RE = re.compile(r"^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|nan|Inf|NaN|INF|NAN)$")


class VcfProblem(Exception):
    """Raised inside the checking process: one line, one problem."""

    def __init__(self, line_no: int, message: str) -> None:
        super().__init__(f"line {line_no}: {message}")


def _open_text(path: Path) -> TextIO:
    if compression(path) != "none":
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return path.open("rt", encoding="utf-8", newline="\n")


def _split_fields(body: str) -> dict[str, str] | None:
    """``ID=x,Number=1,Description="a, b"`` -> dict; None when the text is not key=value pairs."""
    fields: dict[str, str] = {}
    at = 0
    while at < len(body):
        match = FIELD_RE.match(body, at)
        if match is None:
            return None
        fields[match.group(1)] = match.group(2).strip('"')
        at = match.end()
        if at < len(body):
            if body[at] != ",":
                return None
            at += 1
    return fields


def _parse_structured(line_no: int, key: str, value: str) -> dict[str, str]:
    if not (value.startswith("<") and value.endswith(">")):
        raise VcfProblem(line_no, f"malformed ##{key} header line: value must be <...>")
    fields = _split_fields(value[1:-1])
    if fields is None or "ID" not in fields:
        raise VcfProblem(line_no, f"malformed ##{key} header line: {value[:80]!r}")
    if key in {"INFO", "FORMAT"}:
        if not NUMBER_RE.match(fields.get("Number", "")):
            raise VcfProblem(
                line_no, f"##{key} ID={fields['ID']} has invalid Number={fields.get('Number')!r}"
            )
        if fields.get("Type") not in TYPES:
            raise VcfProblem(line_no, f"##{key} ID={fields['ID']} has invalid Type={fields.get('Type')!r}")
    return fields


class Header:
    def __init__(self) -> None:
        self.info: dict[str, dict[str, str]] = {}
        self.fmt: dict[str, dict[str, str]] = {}
        self.filters: set[str] = {"PASS"}
        self.contigs: set[str] = set()
        self.samples: list[str] = []
        self.warnings: list[str] = []
        self.n_warnings = 0

    def warn(self, line_no: int, message: str) -> None:
        self.n_warnings += 1
        if len(self.warnings) < 10:
            self.warnings.append(f"line {line_no}: {message}")

    def add_meta(self, line_no: int, line: str) -> None:
        match = META_RE.match(line)
        if match is None:
            raise VcfProblem(line_no, f"malformed header line (expected ##key=value): {line[:80]!r}")
        key, value = match.groups()
        if key not in STRUCTURED:
            return
        fields = _parse_structured(line_no, key, value)
        target = {"INFO": self.info, "FORMAT": self.fmt}.get(key)
        if target is not None:
            target[fields["ID"]] = fields
        elif key == "FILTER":
            self.filters.add(fields["ID"])
        elif key == "contig":
            self.contigs.add(fields["ID"])


def _check_value(header: Header, line_no: int, key: str, value: str, n_alt: int, where: str) -> None:
    """Number/Type mismatches are warnings: public files (ExAC, GIAB) are full of them and htslib copes."""
    spec = (header.info if where == "INFO" else header.fmt)[key]
    kind = spec.get("Type")
    values = value.split(",")
    number = spec.get("Number", ".")
    expected = {"A": n_alt, "R": n_alt + 1}.get(number, int(number) if number.isdigit() else None)
    if expected is not None and kind != "Flag" and len(values) != expected and value != ".":
        header.warn(
            line_no, f"{where} {key} has {len(values)} value(s), header Number={number} expects {expected}"
        )
        return
    checker = {"Integer": INT_RE, "Float": FLOAT_RE}.get(kind or "")
    for item in values:
        if checker is not None and item != "." and not checker.match(item):
            header.warn(line_no, f"{where} {key}={value[:40]!r} is not of Type={kind}")
            return


def _check_info(line_no: int, header: Header, info: str, n_alt: int) -> None:
    if info == ".":
        return
    for item in info.split(";"):
        key, sep, value = item.partition("=")
        spec = header.info.get(key)
        if spec is None:
            raise VcfProblem(line_no, f"INFO key {key!r} is not defined in the header")
        if spec.get("Type") == "Flag":
            if sep:
                raise VcfProblem(line_no, f"INFO flag {key} must not carry a value")
            continue
        if not sep:
            raise VcfProblem(line_no, f"INFO key {key} has no value")
        _check_value(header, line_no, key, value, n_alt, "INFO")


def _check_genotype(line_no: int, sample: str, gt: str, n_alt: int) -> None:
    for allele in re.split(r"[/|]", gt):
        if allele == ".":
            continue
        if not allele.isdigit():
            raise VcfProblem(line_no, f"sample {sample}: GT {gt!r} has a non-numeric allele")
        if int(allele) > n_alt:
            raise VcfProblem(
                line_no,
                f"sample {sample}: GT {gt!r} refers to allele {allele} but the record has "
                f"{n_alt} ALT allele(s)",
            )


def _check_samples(line_no: int, header: Header, cols: list[str], n_alt: int) -> None:
    if len(cols) == 8:
        return
    keys = cols[8].split(":")
    for key in keys:
        if key not in header.fmt:
            raise VcfProblem(line_no, f"FORMAT key {key!r} is not defined in the header")
    for name, column in zip(header.samples, cols[9:], strict=True):
        values = column.split(":")
        if len(values) > len(keys):
            raise VcfProblem(line_no, f"sample {name}: {len(values)} values for {len(keys)} FORMAT keys")
        for key, value in zip(keys, values, strict=False):
            if key == "GT":
                _check_genotype(line_no, name, value, n_alt)
            elif header.fmt[key].get("Number") not in {"G"}:
                _check_value(header, line_no, key, value, n_alt, f"sample {name} FORMAT")


def _check_record(line_no: int, header: Header, cols: list[str]) -> tuple[str, int]:
    width = 8 + (1 + len(header.samples) if header.samples else 0)
    if len(cols) != width:
        raise VcfProblem(line_no, f"{len(cols)} tab-separated columns, the #CHROM line declares {width}")
    chrom, pos, _id, ref, alt, qual, filt, info = cols[:8]
    if not chrom or any(c.isspace() for c in chrom):
        raise VcfProblem(line_no, f"CHROM {chrom!r} is empty or contains whitespace")
    if header.contigs and chrom not in header.contigs:
        raise VcfProblem(line_no, f"CHROM {chrom!r} is not declared by a ##contig header line")
    if not pos.isdigit():
        raise VcfProblem(line_no, f"POS {pos!r} is not a plain integer (digits only, no commas)")
    if not REF_RE.match(ref):
        raise VcfProblem(line_no, f"REF {ref[:40]!r} is not a DNA sequence")
    alts = alt.split(",")
    for allele in alts:
        if not ALT_RE.match(allele):
            raise VcfProblem(line_no, f"ALT allele {allele[:40]!r} is malformed")
    if qual != "." and not FLOAT_RE.match(qual):
        raise VcfProblem(line_no, f"QUAL {qual!r} is not a number")
    for flag in filt.split(";"):
        if flag != "." and flag not in header.filters:
            raise VcfProblem(line_no, f"FILTER {flag!r} is not defined in the header")
    n_alt = 0 if alt == "." else len(alts)
    _check_info(line_no, header, info, n_alt)
    _check_samples(line_no, header, cols, n_alt)
    return chrom, int(pos)


def _lines(handle: TextIO) -> Iterator[tuple[int, str]]:
    for line_no, line in enumerate(handle, start=1):
        yield line_no, line.rstrip("\n").rstrip("\r")


def scan(path: Path) -> dict[str, Any]:
    """Check one VCF in this process; returns counts. Raises VcfProblem or OSError/EOFError on bad input."""
    header, records, order = Header(), 0, _Order()
    with _open_text(path) as handle:
        lines = _lines(handle)
        first = next(lines, (1, ""))[1]
        if not first.startswith("##fileformat=VCFv4"):
            raise VcfProblem(1, "first line is not ##fileformat=VCFv4.x")
        for line_no, line in lines:
            if line.startswith("##"):
                header.add_meta(line_no, line)
            elif line.startswith("#"):
                cols = line.split("\t")
                if cols[:8] != FIXED or (len(cols) > 8 and cols[8] != "FORMAT"):
                    raise VcfProblem(line_no, "#CHROM line does not have the 8 fixed VCF columns (+ FORMAT)")
                header.samples = cols[9:]
                repeated = sorted({name for name in header.samples if header.samples.count(name) > 1})
                if repeated:
                    raise VcfProblem(
                        line_no,
                        f"sample name(s) {', '.join(repeated)} appear more than once in the #CHROM line: "
                        "genotypes could be read for the wrong sample; give each sample column a unique name",
                    )
                break
        else:
            raise VcfProblem(1, "no #CHROM header line")
        for line_no, line in lines:
            if not line:
                raise VcfProblem(line_no, "empty line in the record section")
            chrom, pos = _check_record(line_no, header, line.split("\t"))
            order.see(line_no, chrom, pos)
            records += 1
    return {
        "records": records,
        "samples": header.samples,
        "contigs": sorted(order.done | {order.chrom} - {""}),
        "warnings": header.warnings,
        "n_warnings": header.n_warnings,
    }


class _Order:
    """Records must be grouped by contig and sorted by POS within one (what tabix/bcftools need)."""

    def __init__(self) -> None:
        self.chrom, self.pos, self.done = "", 0, set[str]()

    def see(self, line_no: int, chrom: str, pos: int) -> None:
        if chrom != self.chrom:
            if chrom in self.done:
                raise VcfProblem(line_no, f"records of {chrom} are not contiguous (file is not sorted)")
            if self.chrom:
                self.done.add(self.chrom)
            self.chrom, self.pos = chrom, 0
        if pos < self.pos:
            raise VcfProblem(line_no, f"POS {pos} after {self.pos} on {chrom}: file is not sorted")
        self.pos = pos


def _child_main(path: str) -> int:
    try:
        summary = scan(Path(path))
    except VcfProblem as exc:
        print(json.dumps({"ok": False, "problem": str(exc)}))
        return 0
    except (EOFError, OSError, zlib.error, UnicodeDecodeError) as exc:
        print(json.dumps({"ok": False, "problem": f"unreadable or truncated ({type(exc).__name__}: {exc})"}))
        return 0
    print(json.dumps({"ok": True, **summary}))
    return 0


def check_vcf(path: Path, *, sample: str | None = None, timeout_s: float = 3600) -> dict[str, Any]:
    """Check ``path`` in a child process; returns a summary or raises InputIntegrityError."""
    if not path.is_file():
        raise InputIntegrityError("VCF file does not exist", path=path, sample=sample)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "clinwgs.inputs.vcf", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputIntegrityError(
            f"VCF check did not finish in {timeout_s:.0f} s", path=path, sample=sample
        ) from exc
    try:
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise InputIntegrityError(
            f"VCF parser process failed (exit {done.returncode}): {done.stderr.strip()[-300:]}",
            path=path,
            sample=sample,
        ) from None
    if not result.pop("ok"):
        raise InputIntegrityError(f"malformed VCF: {result['problem']}", path=path, sample=sample)
    return result


def check_vcf_reference(
    path: Path, fasta: Path, *, build: str | None = None, sample: str | None = None
) -> dict[str, Any]:
    """``clinwgs audit check-vcf --reference/--bundle``: the VCF belongs to this reference. Refuses plain gzip
    (not BGZF: tabix and bcftools cannot index it), records on contigs the FASTA lacks or beyond their end,
    ``##contig`` lengths that differ from the FASTA's full-length chromosomes (or that are another build's
    chromosome lengths, with ``build``), and any REF allele that differs from the FASTA (an N in the FASTA is
    not compared). Returns counts; raises ReferenceMismatchError (InputIntegrityError for plain gzip)."""
    import pysam

    from clinwgs.reference.builds import Build, build_problems, builds_matching
    from clinwgs.reference.consistency import open_fasta

    if compression(path) == "gzip":
        raise InputIntegrityError(
            f"VCF is plain gzip, not BGZF (cannot be indexed): run `zcat {path.name} | bgzip > "
            f"{path.name.removesuffix('.gz')}.bgz.vcf.gz`",
            path=path,
            sample=sample,
        )
    checked = mismatched = 0
    first = ""
    quiet = pysam.set_verbosity(0)  # htslib would print "Could not retrieve index file" for an unindexed VCF
    try:
        with open_fasta(fasta) as ref, pysam.VariantFile(str(path)) as vcf:
            lengths = dict(zip(ref.references, ref.lengths, strict=True))
            declared = {str(c): vcf.header.contigs[c].length for c in vcf.header.contigs}
            # a FASTA contig of full chromosome length must have that length in the header too (a slice of a
            # chromosome, as in the demo bundles, proves nothing: its REF alleles are compared below)
            wrong = [
                f"{c} is {n:,} bp in the header, {lengths[c]:,} in the FASTA"
                for c, n in declared.items()
                if n and c in lengths and n != lengths[c] and builds_matching(c, lengths[c])
            ]
            if build is not None:
                wrong += build_problems(cast("Build", build), {c: n for c, n in declared.items() if n})
            if wrong:
                raise ReferenceMismatchError(
                    f"VCF ##contig lines belong to another build than {fasta.name}: {'; '.join(wrong[:3])}",
                    path=path,
                    sample=sample,
                )
            for record in vcf:
                if record.chrom not in lengths:
                    raise ReferenceMismatchError(
                        f"VCF has records on contig {record.chrom!r}, which {fasta.name} lacks "
                        f"({', '.join(list(lengths)[:4])}): another build or contig naming",
                        path=path,
                        sample=sample,
                    )
                if record.stop > lengths[record.chrom]:
                    raise ReferenceMismatchError(
                        f"VCF record {record.chrom}:{record.pos} lies beyond the end of {record.chrom} in "
                        f"{fasta.name} ({lengths[record.chrom]:,} bp): another build",
                        path=path,
                        sample=sample,
                    )
                have = ref.fetch(record.chrom, record.start, record.stop).upper()
                checked += 1
                if have != (record.ref or "").upper() and "N" not in have:
                    mismatched += 1
                    first = first or f"{record.chrom}:{record.pos} REF {record.ref} (FASTA {have[:20]})"
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"VCF or FASTA not readable ({exc})", path=path, sample=sample) from exc
    finally:
        pysam.set_verbosity(quiet)
    if mismatched:
        raise ReferenceMismatchError(
            f"{mismatched} of {checked} REF alleles differ from {fasta.name}, first {first}: the VCF was "
            "called on another reference",
            path=path,
            sample=sample,
        )
    return {"records_checked_against_reference": checked, "reference": str(fasta)}


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1]))
