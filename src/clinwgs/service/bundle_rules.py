"""What a published transaction Bundle must satisfy beyond FHIR R4 structure, checked before it is touched.

- shape: ``resourceType`` Bundle, ``type`` transaction, a list of entries each with a ``urn:uuid`` fullUrl
  (unique) and a resource of a type this service stores;
- size: at most ``MAX_ENTRIES`` entries and no text value longer than the configured cap (the PDF's base64
  ``presentedForm.data`` excepted: the request-size limit bounds it);
- codes: the DiagnosticReport, Observation and component codes come from the value sets the HL7 Genomics
  Reporting IG (STU3) uses (``ALLOWED_CODES``);
- subject: every Patient the Bundle names is the registered patient of the sample's test request.

Each problem is a 422 naming the entry and field, e.g. ``entry.3.fullUrl: missing``.
"""

from __future__ import annotations

from typing import Any

from clinwgs.fhir.codes import IG_CS, LOINC, SAMPLE_ID_SYSTEM
from clinwgs.service.problems import ApiError

STORED_TYPES = ("DiagnosticReport", "Observation", "Procedure", "Provenance", "FamilyMemberHistory")
MAX_ENTRIES = 5_000
TBD_CS = f"{IG_CS}/tbd-codes-cs"

VARIANT_COMPONENTS = (
    "48018-6 62374-4 48000-4 48001-2 92822-6 81254-5 69547-8 69551-0 53034-5 48002-0 51958-7 48013-7 "
    "48004-6 48005-3 81290-9 81252-9 81255-2 48019-4 48006-1 81258-6 82121-5 92821-8 81300-6 82155-3 "
    "81301-4 81302-2 82120-7 81263-6 81304-8 92823-4"
    " 94186-4"  # issue 16: variant-inheritance (origin of germline genetic variant)
)
IMPLICATION_COMPONENTS = "53037-8 81259-4 93044-6 51961-1 53040-2 81299-0"
# (resource type, element) -> system -> allowed codes. LOINC codes of the Genomics Reporting IG (STU3).
ALLOWED_CODES: dict[str, dict[str, frozenset[str]]] = {
    "DiagnosticReport.code": {LOINC: frozenset({"51969-4"})},
    "Observation.code": {
        LOINC: frozenset({"69548-6", "81247-9", "51968-6", "53041-0", "84414-2", "82155-3"}),
        TBD_CS: frozenset(
            {"diagnostic-implication", "therapeutic-implication", "molecular-consequence", "grouper"}
        ),
    },
    "Observation.component.code": {
        LOINC: frozenset((VARIANT_COMPONENTS + " " + IMPLICATION_COMPONENTS).split()),
        TBD_CS: frozenset(
            [
                "predicted-phenotype",
                "evidence-level",
                "conclusion-string",
                "mode-of-inheritance",
                "feature-consequence",
            ]
        ),
    },
}


def _fail(problems: list[str]) -> None:
    if problems:
        raise ApiError(422, "FHIR Bundle refused: " + "; ".join(problems[:20]))


def check_shape(bundle: Any) -> None:
    """The Bundle's skeleton, before anything reads an entry."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ApiError(422, "expected a FHIR Bundle (resourceType 'Bundle')")
    if bundle.get("type") != "transaction":
        raise ApiError(422, "expected a FHIR Bundle of type 'transaction'")
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise ApiError(422, "entry: the Bundle has no entries")
    if len(entries) > MAX_ENTRIES:
        raise ApiError(422, f"entry: {len(entries)} entries; at most {MAX_ENTRIES}")
    problems: list[str] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"entry.{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        full_url = entry.get("fullUrl")
        if not isinstance(full_url, str) or not full_url:
            problems.append(f"{where}.fullUrl: missing")
        elif not full_url.startswith("urn:uuid:"):
            problems.append(f"{where}.fullUrl: expected a urn:uuid: identifier")
        elif full_url in seen:
            problems.append(f"{where}.fullUrl: {full_url} appears twice")
        else:
            seen.add(full_url)
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            problems.append(f"{where}.resource: missing")
            continue
        rtype = resource.get("resourceType")
        if rtype not in STORED_TYPES:
            shown = rtype if isinstance(rtype, str) else type(rtype).__name__
            problems.append(
                f"{where}.resource.resourceType: {shown[:64]!r} is not one of {', '.join(STORED_TYPES)}"
            )
        request = entry.get("request")
        if request is not None and (not isinstance(request, dict) or request.get("method") != "POST"):
            problems.append(f"{where}.request.method: expected POST")
    _fail(problems)


def _long_texts(node: Any, path: str, cap: int, out: list[str]) -> None:
    if isinstance(node, str):
        if len(node) > cap:
            out.append(f"{path}: {len(node)} characters; at most {cap} (CLINWGS_MAX_TEXT_CHARS)")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "data" and ".presentedForm." in path + ".":
                continue  # the PDF (base64): bounded by the request-size limit
            _long_texts(value, f"{path}.{key}" if path else str(key), cap, out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _long_texts(value, f"{path}.{index}", cap, out)


def check_text_lengths(bundle: dict[str, Any], cap: int) -> None:
    problems: list[str] = []
    _long_texts(bundle, "", cap, problems)
    _fail(problems)


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _code_problem(concept: Any, element: str, where: str) -> str | None:
    allowed = ALLOWED_CODES[element]
    codings = _codings(concept)
    if not codings:
        return f"{where}: needs a coding from {' or '.join(sorted(allowed))}"
    for coding in codings:
        system, code = coding.get("system"), coding.get("code")
        if system in allowed and code in allowed[system]:
            continue
        return f"{where}: {system}|{code} is not a code {element} may carry here (Genomics Reporting IG)"
    return None


def check_codes(bundle: dict[str, Any]) -> None:
    """DiagnosticReport, Observation and component codes from ``ALLOWED_CODES``."""
    problems: list[str] = []
    for index, entry in enumerate(bundle["entry"]):
        resource = entry["resource"]
        rtype = resource["resourceType"]
        where = f"entry.{index}.resource"
        if rtype in ("DiagnosticReport", "Observation"):
            problem = _code_problem(resource.get("code"), f"{rtype}.code", f"{where}.code")
            if problem:
                problems.append(problem)
        if rtype == "Observation":
            for c_index, comp in enumerate(resource.get("component") or []):
                code = comp.get("code") if isinstance(comp, dict) else None
                problem = _code_problem(
                    code, "Observation.component.code", f"{where}.component.{c_index}.code"
                )
                if problem:
                    problems.append(problem)
    _fail(problems)


def _patient_problems(node: Any, path: str, sample_id: str, patient_ref: str, out: list[str]) -> None:
    if isinstance(node, dict):
        reference, ident = node.get("reference"), node.get("identifier")
        if isinstance(reference, str) and reference.startswith("Patient/") and reference != patient_ref:
            out.append(f"{path}: {reference} is not the patient registered for sample {sample_id}")
        named = (ident.get("system"), ident.get("value")) if isinstance(ident, dict) else None
        if node.get("type") == "Patient" and named is not None and named != (SAMPLE_ID_SYSTEM, sample_id):
            out.append(f"{path}: names a patient other than sample {sample_id}'s")
        for key, value in node.items():
            _patient_problems(value, f"{path}.{key}", sample_id, patient_ref, out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _patient_problems(value, f"{path}.{index}", sample_id, patient_ref, out)


def _is_sample_ref(subject: Any, sample_id: str) -> bool:
    if not isinstance(subject, dict) or subject.get("type") != "Patient" or "reference" in subject:
        return False
    ident = subject.get("identifier")
    return isinstance(ident, dict) and (ident.get("system"), ident.get("value")) == (
        SAMPLE_ID_SYSTEM,
        sample_id,
    )


def check_subjects(bundle: dict[str, Any], sample_id: str, patient_fhir_id: str) -> None:
    """Every Patient the Bundle names (``subject`` and any other reference) is the patient registered for
    the sample's test request, by the logical sample-ID reference or as ``Patient/<id>``; the
    DiagnosticReport must have a subject. One patient per test request: anything else is a 422."""
    problems: list[str] = []
    patient_ref = f"Patient/{patient_fhir_id}"
    for index, entry in enumerate(bundle["entry"]):
        resource = entry["resource"]
        where = f"entry.{index}.resource"
        subject = resource.get("subject")
        if resource["resourceType"] == "DiagnosticReport" and not subject:
            problems.append(f"{where}.subject: missing (the report must name sample {sample_id}'s patient)")
        elif (
            subject is not None
            and subject != {"reference": patient_ref}
            and not _is_sample_ref(subject, sample_id)
        ):
            problems.append(f"{where}.subject: must be sample {sample_id}'s registered patient")
        _patient_problems(resource, where, sample_id, patient_ref, problems)
    _fail(problems)
