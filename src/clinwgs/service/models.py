"""SQLAlchemy 2 tables. Identifiers (NHS number, name, birth date) live only in ``patients``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fhir_id: Mapped[str] = mapped_column(String(64), unique=True)
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    family_name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    ods_code: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TestRequest(Base):
    __tablename__ = "test_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    sample_id: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    test_code: Mapped[str] = mapped_column(String(16))
    ods_code: Mapped[str] = mapped_column(String(16), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FamilyMemberLink(Base):
    """A sequenced relative of a proband (issue 16): the relative's patient, linked to the proband's test
    request (its ServiceRequest), with the relative's own pseudonymous sample ID for the family analysis."""

    __tablename__ = "family_members"
    __table_args__ = (UniqueConstraint("test_request_id", "patient_id", name="uq_family_member"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    test_request_id: Mapped[int] = mapped_column(ForeignKey("test_requests.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    relation: Mapped[str] = mapped_column(String(32))
    sample_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Report(Base):
    """One version of a genomic report. Business key: specimen (sample ID) + test request + version."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("specimen_id", "test_request_id", "version", name="uq_report_business_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64), index=True)
    specimen_id: Mapped[str] = mapped_column(String(64), index=True)
    test_request_id: Mapped[int] = mapped_column(ForeignKey("test_requests.id"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    checked_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    authorised_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    authorised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class FhirResource(Base):
    """A stored FHIR resource (JSON) belonging to one report version."""

    __tablename__ = "fhir_resources"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(64), index=True)
    report_row_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    body: Mapped[str] = mapped_column(Text)


class PresentedForm(Base):
    """A version of a report version's presented form rendered by the service: the signed (final) PDF,
    written in the same transaction as the authorisation. The preliminary PDF stays, as published, in the
    stored DiagnosticReport (``fhir_resources``); it is never overwritten."""

    __tablename__ = "presented_forms"
    __table_args__ = (UniqueConstraint("report_row_id", "kind", name="uq_presented_form_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_row_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "signed"
    content_type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))


class ApiToken(Base):
    """A bearer token, stored only as an HMAC-SHA256 of the token with the service's pepper; refused after
    ``expires_at`` or once ``revoked_at`` is set."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    ods_code: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEventRow(Base):
    """Append-only, hash-chained audit log (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    ods_code: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(1))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(2))
    detail: Mapped[str] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
