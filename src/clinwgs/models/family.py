"""Family analysis contracts (issue 16): the pedigree and the family QC result, written by the family stage
(``results/families/<family_id>/``) and read by interpretation, the report, FHIR and provenance.

``pedigree.json`` is a :class:`Pedigree`; ``family_qc.json`` is a :class:`FamilyQC`. Bump
``FAMILY_SCHEMA_VERSION`` (semver) on any change; consumers refuse an unknown major version.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FAMILY_SCHEMA_VERSION = "1.1.0"

Sex = Literal["female", "male", "unknown"]
Affected = Literal["affected", "unaffected", "unknown"]
QCStatus = Literal["pass", "fail", "insufficient_data"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FamilyMember(_Strict):
    sample_id: str  # pseudonymous sample ID (never a patient identifier)
    father: str | None = None  # sample_id of the father when sequenced in this family, else None
    mother: str | None = None
    sex: Sex
    affected: Affected
    relation: str  # as written in the sample sheet: proband, father, mother, sibling ...


class Pedigree(_Strict):
    schema_version: str = FAMILY_SCHEMA_VERSION
    family_id: str
    proband: str  # sample_id of the proband (the one affected child the family test reports on)
    members: list[FamilyMember] = Field(min_length=1)

    def member(self, sample_id: str) -> FamilyMember:
        for m in self.members:
            if m.sample_id == sample_id:
                return m
        raise KeyError(sample_id)

    @property
    def father(self) -> str | None:
        return self.member(self.proband).father

    @property
    def mother(self) -> str | None:
        return self.member(self.proband).mother


class FamilyCheck(_Strict):
    """One family QC check (relatedness of a pair, a member's sex, Mendelian errors, a member's depth)."""

    name: str  # e.g. "relatedness", "sex", "mendelian_errors", "depth"
    subject: str  # the sample or pair it is about, e.g. "PROBAND-FATHER" or "FATHER"
    status: QCStatus
    measured: str  # the figure, with the number of informative sites, e.g. "kinship 0.25 over 1,204 sites"
    expected: str  # what passes, e.g. "parent-child: kinship 0.177-0.354"
    message: str  # one line for the report; names the pair/sample and the measured value on failure


class FamilyQC(_Strict):
    schema_version: str = FAMILY_SCHEMA_VERSION
    family_id: str
    status: QCStatus  # fail if any check fails; insufficient_data if none fails and any lacks data
    checks: list[FamilyCheck]
    release_blockers: list[str] = []  # one line each; non-empty blocks release of the family report
    # checks that could not apply, one line each (e.g. sex on a bundle without chrX/chrY); added in 1.1.0
    notes: list[str] = []
