"""Family structure from the sample sheet (columns family_id, relation, sex, father, mother, affected) or a
PED file named in config.yaml (``family: {ped: ...}``), validated into one ``Pedigree`` per family with two
or more sequenced members.

Every problem is one line naming the sheet (or PED file) and the family: a parent of the wrong sex, a parent
that is not a row of the family, a cycle, two probands, a proband who is not affected, a relation that
contradicts the father/mother columns. A family of one sequenced member is analysed as a lone sample.

Where the father/mother columns are empty, the rows whose relation is ``father``/``mother`` are taken as the
proband's parents (so sheets that only had family_id and relation keep working). Affected status defaults to
``affected`` for the proband and ``unknown`` for everyone else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from clinwgs.config.models import Sample
from clinwgs.core.errors import ConfigError
from clinwgs.models.family import FamilyMember, Pedigree

_PED_SEX = {"1": "male", "2": "female", "0": "unknown"}
_PED_AFFECTED = {"2": "affected", "1": "unaffected", "0": "unknown", "-9": "unknown"}


@dataclass(frozen=True)
class Row:
    """One member as declared: from the sheet, or from the PED file (``source`` names which)."""

    sample_id: str
    family_id: str
    sex: str
    relation: str
    father: str | None
    mother: str | None
    affected: str | None
    source: str
    reference: str = ""


def rows_from_samples(samples: dict[str, Sample], sheet: str) -> list[Row]:
    return [
        Row(
            s.sample_id,
            s.family_id,
            s.sex,
            s.relation or "",
            s.father,
            s.mother,
            s.affected,
            sheet,
            s.reference,
        )
        for s in samples.values()
        if s.family_id
    ]


def read_ped(path: Path, samples: dict[str, Sample]) -> tuple[list[Row], list[str]]:
    """PED rows (family, individual, father, mother, sex, phenotype; '0' = none) for samples of the sheet.

    The relation is taken from the sheet (the proband is the sheet's ``proband`` row); an individual that is
    not a sample of the sheet is an error (every member of a family analysis must be sequenced)."""
    where = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{where}: cannot read the PED file ({type(exc).__name__})"]
    rows, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) < 6:
            problems.append(
                f"{where} line {number}: {len(fields)} fields; a PED line has 6 "
                "(family, individual, father, mother, sex, phenotype)"
            )
            continue
        fam, ind, father, mother, sex, pheno = fields[:6]
        if ind not in samples:
            problems.append(
                f"{where} line {number} (family {fam}): individual {ind!r} is not a sample of the "
                "sample sheet"
            )
            continue
        if sex not in _PED_SEX or pheno not in _PED_AFFECTED:
            problems.append(
                f"{where} line {number} (family {fam}): sex {sex!r} / phenotype {pheno!r} not "
                "valid; allowed: sex 1, 2, 0 and phenotype 2, 1, 0, -9"
            )
            continue
        sheet = samples[ind]
        if sheet.sex != "unknown" and _PED_SEX[sex] not in {"unknown", sheet.sex}:
            problems.append(
                f"{where} line {number} (family {fam}): {ind} is {_PED_SEX[sex]} in the PED file "
                f"but {sheet.sex} in the sample sheet"
            )  # the row is kept: one line per problem
        rows.append(
            Row(
                ind,
                fam,
                _PED_SEX[sex] if sheet.sex == "unknown" else sheet.sex,
                sheet.relation or "",
                None if father == "0" else father,
                None if mother == "0" else mother,
                _PED_AFFECTED[pheno],
                where,
                sheet.reference,
            )
        )
    return rows, problems


def _cycle(members: dict[str, Row]) -> list[str] | None:
    """A chain of ancestry that returns to its start (sample IDs), or None."""
    for start in sorted(members):
        path, seen = [start], {start}
        frontier = [(start, [start])]
        while frontier:
            node, path = frontier.pop()
            row = members.get(node)
            for parent in (row.father, row.mother) if row else ():
                if parent == start:
                    return [*path, start]
                if parent and parent not in seen:
                    seen.add(parent)
                    frontier.append((parent, [*path, parent]))
    return None


def _family(fid: str, rows: list[Row]) -> tuple[Pedigree | None, list[str]]:
    where = rows[0].source
    label = f"{where}: family {fid}"
    problems = []
    bundles = sorted({r.reference for r in rows})
    if len(bundles) > 1:
        problems.append(
            f"{label}: members use different reference bundles ({', '.join(bundles)}); joint "
            "calling needs one"
        )
    probands = sorted(r.sample_id for r in rows if r.relation == "proband")
    if len(probands) > 1:
        problems.append(
            f"{label}: {len(probands)} probands ({', '.join(probands)}); a family test reports on "
            "one proband: mark the others as sibling"
        )
    elif not probands:
        problems.append(f"{label}: no member has relation 'proband'; mark the child the test reports on")
    # parents from the relation column where the father/mother columns are empty
    by_relation = {rel: [r.sample_id for r in rows if r.relation == rel] for rel in ("father", "mother")}
    resolved = {}
    for r in rows:
        father, mother = r.father, r.mother
        if r.relation == "proband":
            for rel in ("father", "mother"):
                given = father if rel == "father" else mother
                named = by_relation[rel]
                if given is None and len(named) == 1:
                    given = named[0]
                elif given is not None and named and given not in named:
                    problems.append(
                        f"{label}: the proband {r.sample_id}'s {rel} column names {given} but the "
                        f"row with relation {rel!r} is {', '.join(named)}"
                    )
                if rel == "father":
                    father = given
                else:
                    mother = given
        resolved[r.sample_id] = Row(
            r.sample_id, r.family_id, r.sex, r.relation, father, mother, r.affected, r.source, r.reference
        )
    for r in resolved.values():
        for rel, parent, sex in (("father", r.father, "male"), ("mother", r.mother, "female")):
            if parent is None:
                continue
            if parent == r.sample_id:
                problems.append(f"{label}: {r.sample_id} is named as its own {rel}")
            elif parent not in resolved:
                problems.append(
                    f"{label}: {r.sample_id}'s {rel} {parent} is not a row of this family (every "
                    "parent named must be a sequenced member with the same family_id)"
                )
            elif resolved[parent].sex not in {sex, "unknown"}:
                problems.append(
                    f"{label}: {parent} is {r.sample_id}'s {rel} but its sex is "
                    f"{resolved[parent].sex} (a {rel} must be {sex})"
                )
        if r.father is not None and r.father == r.mother:
            problems.append(f"{label}: {r.sample_id} has the same sample {r.father} as father and mother")
    cycle = _cycle(resolved)
    if cycle:
        problems.append(
            f"{label}: the parents form a cycle ({' -> '.join(cycle)}); a member cannot be its own ancestor"
        )
    if len(probands) == 1:
        status = resolved[probands[0]].affected
        if status in {"unaffected", "unknown"}:
            problems.append(
                f"{label}: the proband {probands[0]} is marked {status}; a family test reports on "
                "an affected proband"
            )
    if problems:
        return None, problems
    proband = probands[0]
    family = [
        FamilyMember(
            sample_id=r.sample_id,
            father=r.father,
            mother=r.mother,
            sex=r.sex,  # type: ignore[arg-type]
            affected=(r.affected or ("affected" if r.sample_id == proband else "unknown")),  # type: ignore[arg-type]
            relation=r.relation or "other",
        )
        for r in sorted(resolved.values(), key=lambda x: (x.sample_id != proband, x.sample_id))
    ]
    return Pedigree(family_id=fid, proband=proband, members=family), []


def build_pedigrees(rows: list[Row]) -> tuple[dict[str, Pedigree], list[str]]:
    """One Pedigree per family with two or more members, and every problem found (one line each)."""
    families: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        families[r.family_id].append(r)
    pedigrees, problems = {}, []
    for fid in sorted(families):
        members = families[fid]
        if len(members) < 2:
            lone = members[0]
            if lone.father or lone.mother:
                parent = lone.father or lone.mother
                problems.append(
                    f"{lone.source}: family {fid}: {lone.sample_id}'s parent {parent} is not a row "
                    "of this family (every parent named must be a sequenced member with the same "
                    "family_id)"
                )
            continue
        pedigree, found = _family(fid, members)
        problems += found
        if pedigree is not None:
            pedigrees[fid] = pedigree
    return pedigrees, problems


def pedigree_problems(
    samples: dict[str, Sample], sheet: str, ped: Path | None
) -> tuple[dict[str, Pedigree], list[str]]:
    """The run's pedigrees (from the PED file when one is named, else the sheet) and their problems."""
    if ped is None:
        return build_pedigrees(rows_from_samples(samples, sheet))
    if not ped.is_file():
        return {}, [f"{ped}: PED file does not exist (config.yaml family.ped)"]
    rows, problems = read_ped(ped, samples)
    pedigrees, more = build_pedigrees(rows)
    return pedigrees, problems + more


def load_pedigrees(samples: dict[str, Sample], sheet: str, ped: Path | None) -> dict[str, Pedigree]:
    """As pedigree_problems, raising ConfigError (one line per problem) when there is any."""
    pedigrees, problems = pedigree_problems(samples, sheet, ped)
    if problems:
        raise ConfigError(problems, path=ped or sheet)
    return pedigrees
