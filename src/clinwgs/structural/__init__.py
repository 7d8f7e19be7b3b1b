"""Structural and copy-number variants (issue 17): caller outputs -> the SV VCF contract
(:mod:`clinwgs.models.structural`). Rules: rules/sv.smk; policy: docs/operations.md "Structural variants"."""
