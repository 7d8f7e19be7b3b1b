"""Family analysis (issue 16): pedigree validation, de novo candidate filtering and family QC (relatedness,
sex, Mendelian errors, depth). Rules: rules/family.smk; contracts: clinwgs.models.family."""
