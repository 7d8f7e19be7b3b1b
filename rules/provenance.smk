# Provenance: results/<sample>/manifest.json, written once every other per-sample result exists (the report
# included) and before publishing, so the FHIR Provenance can carry the manifest's sha256. It records the
# sha256 of every input and output, reference/database versions, tool versions as actually run, the config
# hash, the pipeline version and commit, and each step's start/end/host. `clinwgs audit verify` checks it.
# A report cannot print the hash of a manifest that contains the report itself, so the report cites the
# analysis manifest (results/<sample>/analysis_manifest.json: the same record for everything up to
# findings.json); the final manifest records the report and the analysis manifest with all the rest.


def manifest_inputs(wildcards):
    """Every final per-sample result (each stage adds its own to final_outputs, the report included) except
    the manifest itself and publish/ (written after it)."""
    s = wildcards.sample
    finals = [t for t in final_outputs() if t.startswith(f"results/{s}/")]
    wanted = per_sample_outputs(s) + finals
    skip = (f"results/{s}/manifest.json", f"results/{s}/publish/")
    return sorted({t for t in wanted if not t.startswith(skip)})


def manifest_params(wildcards):
    s = wildcards.sample
    units = RUN.units[s]
    return {
        "inputs": [str(p) for u in units for _, p, _ in u.files()],
        "config_files": [str(p) for p in workflow.configfiles] + [str(RUN.samples_path), str(RUN.units_path)],
        "bundle_manifest": str(RUN.bundles[RUN.samples[s].reference]),
    }


def analysis_outputs(wildcards):
    """What the report stands on: alignment, QC, VCFs and the findings."""
    s = wildcards.sample
    return per_sample_outputs(s) + [f"results/{s}/interpret/findings.json"]


rule write_analysis_manifest:
    input:
        analysis_outputs,
    output:
        manifest="results/{sample}/analysis_manifest.json",
    params:
        p=manifest_params,
        scope="analysis",
    log:
        "logs/write_analysis_manifest/{sample}.log",
    benchmark:
        "benchmarks/out/write_analysis_manifest/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=512,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/write_manifest.py"


rule write_manifest:
    input:
        manifest_inputs,
    output:
        manifest="results/{sample}/manifest.json",
    params:
        p=manifest_params,
        scope="final",
    log:
        "logs/write_manifest/{sample}.log",
    benchmark:
        "benchmarks/out/write_manifest/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=512,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/write_manifest.py"
