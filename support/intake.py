"""SUP-2: what a support request must carry, checked item by item."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slaportal.accounts.choices import ProductLine

from .choices import IntakeItem

# A plausible international number: "+", country code, 8-15 digits in all (E.164);
# spaces, dots, dashes and brackets between digits are allowed.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def phone_is_valid(value: str) -> bool:
    return bool(_E164.match(_PHONE_SEPARATORS.sub("", value or "")))


@dataclass(frozen=True)
class IntakeCheck:
    item: str
    ok: bool
    message: str

    @property
    def label(self) -> str:
        return IntakeItem(self.item).label


def intake_checks(
    *,
    line: str,
    account_email: str,
    contact_email: str,
    has_migration: bool,
    phone: str,
    description: str,
    description_min_length: int,
) -> list[IntakeCheck]:
    """Every check that applies to the line, passed or not (shown item by item)."""
    checks = [
        IntakeCheck(
            IntakeItem.ACCOUNT_EMAIL,
            bool(contact_email) and contact_email.strip().lower() == account_email.lower(),
            "The request carries the e-mail of the customer's account."
            if contact_email and contact_email.strip().lower() == account_email.lower()
            else "The e-mail given is not the e-mail of the customer's account.",
        )
    ]
    if line == ProductLine.CMS:
        checks.append(
            IntakeCheck(
                IntakeItem.MIGRATION_ID,
                has_migration,
                "Migration ID given." if has_migration else "The Migration ID is missing.",
            )
        )
    if line == ProductLine.DATA:
        ok = phone_is_valid(phone)
        checks.append(
            IntakeCheck(
                IntakeItem.PHONE,
                ok,
                "Valid phone number given."
                if ok
                else "A valid phone number in international format (+380 44 123 4567) "
                "is missing.",
            )
        )
    text = (description or "").strip()
    ok = len(text) >= description_min_length
    checks.append(
        IntakeCheck(
            IntakeItem.DESCRIPTION,
            ok,
            "Description given."
            if ok
            else f"The description is too short (at least {description_min_length} characters, "
            "including any error message).",
        )
    )
    return checks
