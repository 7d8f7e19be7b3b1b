"""Accuracy: compare a call set with a truth set (``clinwgs benchmark``) and the validation pack
(``clinwgs validate-pipeline``). Method and limitations: docs/accuracy.md."""
