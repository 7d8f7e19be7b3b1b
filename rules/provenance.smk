# Provenance: results/<sample>/manifest.json, written once every other per-sample result exists (the report
# included) and before publishing, so the FHIR Provenance can carry the manifest's sha256. It records the
# sha256 of every input and output, reference/database versions, tool versions as actually run, the config
# hash, the pipeline version and commit, and each step's start/end/host. `clinwgs audit verify` checks it.
# A report cannot print the hash of a manifest that contains the report itself, so the report cites the
# analysis manifest (results/<sample>/analysis_manifest.json: the same record for everything up to
# findings.json); the final manifest records the report and the analysis manifest with all the rest.
# Helpers: clinwgs.provenance.targets; writer: clinwgs.provenance.manifest (via workflow/scripts/write_manifest.py).
from clinwgs.provenance.targets import analysis_manifest_inputs, final_manifest_inputs, manifest_params


rule write_analysis_manifest:
    input:
        lambda w: analysis_manifest_inputs(w.sample, per_sample_outputs(w.sample))
        + [layout.identity(w.sample)],  # rules/identity.smk
    output:
        manifest=layout.analysis_manifest("{sample}"),
    params:
        p=lambda w: manifest_params(RUN, w.sample, workflow.configfiles, bundle_of(w.sample).key),
        scope="analysis",
    log:
        layout.log("write_analysis_manifest", "{sample}"),
    benchmark:
        layout.timings("write_analysis_manifest", "{sample}")
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
        lambda w: final_manifest_inputs(w.sample, per_sample_outputs(w.sample), sample_final_outputs(w.sample)),
    output:
        manifest=layout.manifest("{sample}"),
    params:
        p=lambda w: manifest_params(RUN, w.sample, workflow.configfiles, bundle_of(w.sample).key),
        scope="final",
    log:
        layout.log("write_manifest", "{sample}"),
    benchmark:
        layout.timings("write_manifest", "{sample}")
    threads: 1
    resources:
        mem_mb=512,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/write_manifest.py"
