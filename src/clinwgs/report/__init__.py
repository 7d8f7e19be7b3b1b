"""Clinician report: findings.json (+ QC files) -> HTML, PDF (WeasyPrint) and JSON."""
