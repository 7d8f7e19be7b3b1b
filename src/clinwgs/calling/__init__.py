"""Small-variant calling: the caller command lines (one place for the workflow and the bare-caller check)."""
