"""NHS number validation (modulus 11, NHS Data Dictionary)."""

from __future__ import annotations

import re

_TEN_DIGITS = re.compile(r"^\d{10}$")


def normalise_nhs_number(text: str) -> str:
    """Strip the spaces or hyphens people type (``943 476 5919``) and return the 10 digits."""
    return re.sub(r"[\s-]", "", text)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when the remainder makes the number invalid."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(text: str) -> bool:
    digits = normalise_nhs_number(text)
    if not _TEN_DIGITS.match(digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])
