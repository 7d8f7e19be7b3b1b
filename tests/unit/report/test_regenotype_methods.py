"""The report's methods say that indel zygosity was re-checked on spanning reads only when it was (the VCF
header's ##clinwgs_regenotypeVersion, carried into findings.json tool_versions)."""

from __future__ import annotations

from clinwgs.interpret.alleles import REGENOTYPE
from clinwgs.report.render import render_html
from tests.support.interpret_vcf import DATA, REPO, run

TEMPLATES = REPO / "reports"
SENTENCE = "re-checked on the reads that span its whole"


def test_methods_name_the_regenotyping_only_when_it_ran() -> None:
    findings = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096")
    assert REGENOTYPE not in findings.tool_versions  # this VCF predates the step
    assert SENTENCE not in render_html(findings, TEMPLATES, {}, {})
    ran = findings.model_copy(update={"tool_versions": {**findings.tool_versions, REGENOTYPE: "0.1.0"}})
    assert SENTENCE in render_html(ran, TEMPLATES, {}, {})
