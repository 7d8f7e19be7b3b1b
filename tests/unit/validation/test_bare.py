"""The bare-caller reference point: the region it calls and the exact command it runs."""

from __future__ import annotations

from pathlib import Path

from clinwgs.calling.commands import caller_command
from clinwgs.validation.bare import FLANK_BP, bare_commands, span_regions


def test_span_covers_bed_with_flank(tmp_path: Path) -> None:
    bed = tmp_path / "conf.bed"
    bed.write_text("chr20\t10000845\t10002407\nchr20\t10009932\t10010531\nchr21\t500\t600\n")
    assert span_regions(bed) == [f"chr20:{10000846 - FLANK_BP}-{10010531 + FLANK_BP}", "chr21:1-1600"]
    clipped = span_regions(bed, lengths={"chr20": 10010600, "chr21": 1000})
    assert clipped == [f"chr20:{10000846 - FLANK_BP}-10010600", "chr21:1-1000"]


def test_commands_match_the_workflow_callers(tmp_path: Path) -> None:
    """The bare check runs the workflow's own caller settings (clinwgs.calling.commands), over a region."""
    bam, ref, out = Path("s.bam"), Path("ref.fa.gz"), Path("o.vcf.gz")
    for caller in ("bcftools", "freebayes"):
        workflow = caller_command(caller, ref, bam, out, bed="chunk.bed")
        bare = bare_commands(caller, bam, ref, "chr20:1-100", out)
        assert bare == workflow.replace("-R chunk.bed", "-r chr20:1-100").replace("-t chunk.bed",
                                                                                   "-r chr20:1-100")
    assert "--genotype-qualities" in bare_commands("freebayes", bam, ref, "chr20:1-100", out)
