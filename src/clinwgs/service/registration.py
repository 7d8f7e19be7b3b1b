"""Register a patient and a test request; hand out the pseudonymous sample ID the workflow uses."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinwgs.service.models import FamilyMemberLink, Patient, TestRequest
from clinwgs.service.nhs import nhs_number_problem, normalise_nhs_number
from clinwgs.service.problems import ApiError

ODS_PATTERN = r"^[A-Z0-9]{3,8}$"
MAX_NAME_CHARS = 100
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
SAMPLE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$"


def _today() -> date:
    try:
        return datetime.now(ZoneInfo("Europe/London")).date()
    except ZoneInfoNotFoundError:  # no tz database: UTC is at most an hour behind
        return datetime.now(UTC).date()


class _Demographics(BaseModel):
    """NHS number: 10 ASCII digits (spaces/hyphens removed), modulus-11 valid, not a never-issued pattern;
    names: not blank, printable, at most ``MAX_NAME_CHARS`` characters (surrounding spaces removed); birth
    date: from ``EARLIEST_BIRTH_DATE`` to today."""

    nhs_number: str = Field(min_length=10, max_length=14, examples=["999 000 0018"])
    family_name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    given_name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    birth_date: date

    @field_validator("nhs_number")
    @classmethod
    def _nhs_number(cls, value: str) -> str:
        problem = nhs_number_problem(value)
        if problem:
            raise ValueError(f"NHS number {problem}")
        return normalise_nhs_number(value)

    @field_validator("family_name", "given_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip(" ")
        if not value:
            raise ValueError("must not be blank")
        if not value.isprintable():
            raise ValueError("must hold printable characters only (no control or invisible characters)")
        return value

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, value: date) -> date:
        if value < EARLIEST_BIRTH_DATE:
            raise ValueError(f"must not be before {EARLIEST_BIRTH_DATE.isoformat()}")
        if value > _today():
            raise ValueError("must not be in the future")
        return value


class RegistrationIn(_Demographics):
    """A patient and a test request (demographics checked as ``_Demographics`` says)."""

    ods_code: str = Field(pattern=ODS_PATTERN, description="ODS code of the requesting organisation")
    test_code: str = Field(pattern=r"^[A-Z][0-9]{1,4}(\.[0-9]{1,2})?$", examples=["R208"])


class RegistrationOut(BaseModel):
    sample_id: str
    test_request_id: str
    patient_id: str


def new_sample_id() -> str:
    """Random, meaningless and unrelated to any identifier (e.g. ``S7Q2K9W4M1XZ``)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "S" + "".join(secrets.choice(alphabet) for _ in range(11))


def _patient(session: Session, data: RegistrationIn, nhs: str) -> Patient:
    existing = session.execute(select(Patient).where(Patient.nhs_number == nhs)).scalar_one_or_none()
    if existing is None:
        patient = Patient(
            fhir_id=uuid.uuid4().hex,
            nhs_number=nhs,
            family_name=data.family_name,
            given_name=data.given_name,
            birth_date=data.birth_date,
            ods_code=data.ods_code,
            created_at=datetime.now(UTC),
        )
        session.add(patient)
        session.flush()
        return patient
    same = (existing.family_name, existing.given_name, existing.birth_date) == (
        data.family_name,
        data.given_name,
        data.birth_date,
    )
    if not same:
        raise ApiError(409, "this NHS number is already registered with different demographics")
    return existing


def register(session: Session, data: RegistrationIn, sample_id: str | None = None) -> RegistrationOut:
    nhs = normalise_nhs_number(data.nhs_number)
    problem = nhs_number_problem(nhs)
    if problem:
        raise ApiError(422, f"nhs_number: NHS number {problem}")
    patient = _patient(session, data, nhs)
    request = TestRequest(
        request_id=uuid.uuid4().hex,
        sample_id=sample_id or new_sample_id(),
        patient_id=patient.id,
        test_code=data.test_code,
        ods_code=data.ods_code,
        received_at=datetime.now(UTC),
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError as exc:
        raise ApiError(409, f"sample ID {request.sample_id} is already registered") from exc
    return RegistrationOut(
        sample_id=request.sample_id, test_request_id=request.request_id, patient_id=patient.fhir_id
    )


class FamilyMemberIn(_Demographics):
    """A sequenced relative of a registered proband (issue 16): demographics checked as for a registration,
    and the relation to the proband."""

    relation: Literal["father", "mother", "sibling", "half-sibling", "child", "other"]


class FamilyMemberOut(BaseModel):
    sample_id: str  # the relative's own pseudonymous sample ID (the family VCF's column)
    patient_id: str
    relation: str
    proband_sample_id: str
    test_request_id: str  # the proband's test request (ServiceRequest) the relative is linked to


def register_family_member(session: Session, proband_sample_id: str, data: FamilyMemberIn) -> FamilyMemberOut:
    """Register (or find) the relative's patient and link it to the proband's test request."""
    request = session.execute(
        select(TestRequest).where(TestRequest.sample_id == proband_sample_id)
    ).scalar_one_or_none()
    if request is None:
        raise ApiError(404, f"sample {proband_sample_id} has no test request")
    as_registration = RegistrationIn(
        nhs_number=data.nhs_number,
        family_name=data.family_name,
        given_name=data.given_name,
        birth_date=data.birth_date,
        ods_code=request.ods_code,
        test_code=request.test_code,
    )
    patient = _patient(session, as_registration, as_registration.nhs_number)
    if patient.id == request.patient_id:
        raise ApiError(422, "relation: the relative is the proband's own patient record")
    link = FamilyMemberLink(
        test_request_id=request.id,
        patient_id=patient.id,
        relation=data.relation,
        sample_id=new_sample_id(),
        created_at=datetime.now(UTC),
    )
    try:
        with session.begin_nested():
            session.add(link)
            session.flush()
    except IntegrityError as exc:
        raise ApiError(
            409, f"this patient is already linked to sample {proband_sample_id}'s test request"
        ) from exc
    return FamilyMemberOut(
        sample_id=link.sample_id,
        patient_id=patient.fhir_id,
        relation=link.relation,
        proband_sample_id=proband_sample_id,
        test_request_id=request.request_id,
    )
