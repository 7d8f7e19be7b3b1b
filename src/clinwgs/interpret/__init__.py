"""Interpretation: annotated VCF + gene panels -> ACMG pre-classification -> tiers -> findings.json."""
