"""Errors a user sees. Every one names the file (and sample) at fault and what is wrong."""

from __future__ import annotations

from pathlib import Path


class ClinwgsError(Exception):
    """Base class: a problem the user can fix. The CLI prints it and exits non-zero."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, sample: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.sample = sample
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.sample:
            where.append(f"sample {self.sample}")
        if self.path:
            where.append(f"file {self.path}")
        prefix = f"[{', '.join(where)}] " if where else ""
        return f"{prefix}{self.message}"


class ConfigError(ClinwgsError):
    """config.yaml, samples.tsv or units.tsv is invalid. `problems` holds one line per problem."""

    def __init__(self, problems: list[str], *, path: str | Path | None = None) -> None:
        self.problems = list(problems)
        text = f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        super().__init__(text, path=path)


class InputIntegrityError(ClinwgsError):
    """An input file (FASTQ, BAM/CRAM, VCF, panel) is unreadable, truncated or inconsistent."""


class ReferenceMismatchError(ClinwgsError):
    """A reference bundle does not match its manifest, or an input was made against another reference."""
