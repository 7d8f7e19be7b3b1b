"""Demo seeding: obviously fake patients (999-range NHS numbers) and tokens for each role.

NHS numbers come from the 999 range reserved for testing and carry a valid modulus-11 check digit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clinwgs.service.auth import Role, create_token
from clinwgs.service.db import Database
from clinwgs.service.models import TestRequest
from clinwgs.service.nhs import nhs_check_digit
from clinwgs.service.registration import RegistrationIn, register

DEMO_ODS = "RDEMO1"
DEMO_LAB_ODS = "LABDEMO"
DEMO_USERS: tuple[tuple[str, Role, str], ...] = (
    ("pipeline", "pipeline", DEMO_LAB_ODS),
    ("dr.checker", "clinician", DEMO_ODS),
    ("dr.authoriser", "clinician", DEMO_ODS),
    ("auditor", "auditor", DEMO_ODS),
)


def synthetic_nhs_number(serial: int) -> str:
    """The ``serial``-th valid NHS number in the 999 test range (skipping numbers with no check digit)."""
    found = -1
    for body in range(999_000_000, 1_000_000_000):
        check = nhs_check_digit(str(body))
        if check is not None:
            found += 1
            if found == serial:
                return f"{body}{check}"
    raise ValueError("serial out of range")


def demo_patient(index: int, test_code: str = "R208") -> RegistrationIn:
    return RegistrationIn(
        nhs_number=synthetic_nhs_number(index),
        family_name=f"TESTPATIENT-{index + 1:03d}",
        given_name="Fictitious",
        birth_date=date(1932, 2, 1 + index % 28),
        ods_code=DEMO_ODS,
        test_code=test_code,
    )


def seed_demo(db: Database, pepper: str, sample_ids: list[str], test_code: str = "R208") -> dict[str, str]:
    """Register one fake patient per sample ID (skipping those already registered); new tokens per user."""
    with db.write() as session:
        known = set(session.execute(select(TestRequest.sample_id)).scalars())
        for index, sample_id in enumerate(sample_ids):
            if sample_id not in known:
                register(session, demo_patient(index, test_code), sample_id=sample_id)
        return {
            user: create_token(session, user=user, role=role, ods_code=ods, pepper=pepper)
            for user, role, ods in DEMO_USERS
        }
