"""Versions of the external tools as actually installed on the machine that ran the workflow.

Each tool is queried by running its binary (never read from a table), and the resolved binary is hashed, so
the manifest proves which executable ran, not only what it claims to be.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from clinwgs.core.io import sha256_file

# tool -> (arguments that print its version, regex whose first group is the version)
TOOL_QUERIES: dict[str, tuple[list[str], str]] = {
    "samtools": (["--version"], r"^samtools (\S+)"),
    "htslib": (["tabix", "--version"], r"^tabix \(htslib\) (\S+)"),
    "bcftools": (["--version"], r"^bcftools (\S+)"),
    "bwa": ([], r"Version: (\S+)"),
    "minimap2": (["--version"], r"^(\S+)"),
    "freebayes": (["--version"], r"version:\s+v?(\S+)"),
    "fastp": (["--version"], r"^fastp (\S+)"),
    "mosdepth": (["--version"], r"^mosdepth (\S+)"),
    "samblaster": (["--version"], r"Version (\S+)"),
    "bgzip": (["--version"], r"^bgzip \(htslib\) (\S+)"),
    "tabix": (["--version"], r"^tabix \(htslib\) (\S+)"),
    # structural variants (rules/sv.smk, issue 17); Debian names the CNVkit entry point `cnvkit`
    "delly": (["--version"], r"Delly version: v?(\S+)"),
    "cnvkit": (["version"], r"^([0-9]+\.[0-9]+\S*)"),
    "tiddit": (["--version"], r"tiddit-([0-9]\S*)"),
}


def query_tool(tool: str) -> dict[str, str | None]:
    """Run one tool's version command; returns version, resolved path and binary sha256 (None if absent)."""
    args, pattern = TOOL_QUERIES[tool]
    binary_name = args[0] if tool == "htslib" else tool
    call_args = args[1:] if tool == "htslib" else args
    found = shutil.which(binary_name)
    if found is None:
        return {"version": None, "path": None, "sha256": None}
    resolved = Path(os.path.realpath(found))
    try:
        done = subprocess.run(
            [str(resolved), *call_args], capture_output=True, timeout=30, check=False
        )
        text = (done.stdout + b"\n" + done.stderr).decode("utf-8", errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        text = ""
    match = re.search(pattern, text, flags=re.MULTILINE)
    return {
        "version": match.group(1) if match else None,
        "path": str(resolved),
        "sha256": sha256_file(resolved),
    }


def query_tools(tools: list[str] | None = None) -> dict[str, dict[str, str | None]]:
    """Versions of the given tools (default: every tool the workflow can run)."""
    names = tools if tools is not None else sorted(TOOL_QUERIES)
    return {name: query_tool(name) for name in names}


def python_packages() -> dict[str, str]:
    """Versions of the Python packages that shape results."""
    from importlib.metadata import PackageNotFoundError, version

    wanted = [
        "clinwgs",
        "snakemake",
        "pysam",
        "cyvcf2",
        "pydantic",
        "multiqc",
        "weasyprint",
        "fhir.resources",
    ]
    found: dict[str, str] = {}
    for name in wanted:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found
