"""NHS number validation (modulus 11, NHS Data Dictionary) and the identity rules registration applies.

An NHS number is 10 ASCII digits. People type spaces or hyphens (``943 476 5919``); those are removed.
Other Unicode digits (fullwidth, Arabic-Indic, ...) are refused: Python's ``int()`` would read them, so a
real number resent in fullwidth digits would otherwise become a second patient. Numbers of one repeated digit
(``0000000000``, ``4444444444``) and numbers starting ``000`` are never issued and are refused even when the
check digit happens to fit.
"""

from __future__ import annotations

import re

_TEN_DIGITS = re.compile(r"^[0-9]{10}$")  # ASCII only: \d would also match other scripts' digits
_TYPED_SEPARATORS = re.compile(r"[ \t-]")


def normalise_nhs_number(text: str) -> str:
    """Strip the ASCII spaces or hyphens people type (``943 476 5919``) and return what is left."""
    return _TYPED_SEPARATORS.sub("", text)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when the remainder makes the number invalid."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_problem(text: str) -> str | None:
    """Why ``text`` is not a usable NHS number, or None when it is one."""
    digits = normalise_nhs_number(text)
    if not _TEN_DIGITS.match(digits):
        return "must be 10 digits 0-9 (spaces or hyphens allowed between them; no other characters)"
    if len(set(digits)) == 1:
        return "a number of one repeated digit is never issued"
    if digits.startswith("000"):
        return "numbers starting 000 are never issued"
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        return "fails the modulus-11 check (the last digit does not match the first nine)"
    return None


def is_valid_nhs_number(text: str) -> bool:
    return nhs_number_problem(text) is None
