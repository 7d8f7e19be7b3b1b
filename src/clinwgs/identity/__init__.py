"""Sample identity: a genotype fingerprint per unit and per sample at a fixed panel of common SNPs of the
reference bundle, compared between the units of a sample, with an expected fingerprint the lab supplies, and
across the samples of a run; plus the sex check (chrX/chrY depth) where the bundle can assess it.

Modules: ``sites`` (the bundle's SNP panel: selection and loading), ``genotype`` (allele counts and calls
from a BAM), ``compare`` (discordance and verdicts), ``check`` (a sample's identity result and its release
blockers), ``settings`` (the ``identity:`` section of config.yaml). Thresholds: docs/validation.md.
"""
