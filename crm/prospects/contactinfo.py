"""A contact's social profiles and email verification status: reading them from files, showing them, what they block."""

from __future__ import annotations

import re

from crm.prospects.models import EMAIL_VERIFICATIONS

# What email finders and verifiers write, in their words, and the status it means.
_VERDICTS = {
    "valid": "valid", "verified": "valid", "deliverable": "valid", "ok": "valid", "safe": "valid", "yes": "valid",
    "true": "valid",
    "accept_all": "accept_all", "accept all": "accept_all", "accept-all": "accept_all", "catch-all": "accept_all",
    "catch all": "accept_all", "catchall": "accept_all", "catch_all": "accept_all", "risky": "accept_all",
    "invalid": "invalid", "undeliverable": "invalid", "bounce": "invalid", "bounced": "invalid",
    "unknown": "unknown", "unverified": "unknown", "no": "unknown", "false": "unknown",
    "webmail": "webmail", "disposable": "disposable",
}  # fmt: skip
VERIFICATION_LABELS = {
    "valid": "verified", "accept_all": "accept-all domain", "unknown": "not verifiable", "invalid": "invalid address",
    "webmail": "webmail", "disposable": "disposable address",
}
_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,15})$")
_TWITTER_URL = re.compile(r"^(?:https?://)?(?:www\.|mobile\.)?(?:twitter|x)\.com/@?([A-Za-z0-9_]{1,15})/?(?:[?#].*)?$",
                          re.IGNORECASE)
_LINKEDIN_URL = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(\S+)$", re.IGNORECASE)
_LINKEDIN_SLUG = re.compile(r"^[\w-]{3,100}$")


def parse_verification(cell: str) -> str:
    """The status a file's verification cell means; words we do not know read as "unknown"."""
    return _VERDICTS.get(" ".join(cell.split()).lower(), "unknown")


def parse_twitter(cell: str) -> str:
    """An X/Twitter handle (without @) from a handle or a profile address; ValueError when it is neither."""
    text = cell.strip()
    found = _HANDLE.match(text) or _TWITTER_URL.match(text)
    if not found:
        raise ValueError(f"{text[:60]!r} is not an X/Twitter handle or profile address")
    return found.group(1)


def parse_linkedin(cell: str) -> str:
    """A LinkedIn profile address from an address or a bare profile name; ValueError when it is neither."""
    text = cell.strip()
    found = _LINKEDIN_URL.match(text)
    if found:
        return f"https://www.linkedin.com/{found.group(1)}"[:2048]
    if _LINKEDIN_SLUG.match(text):
        return f"https://www.linkedin.com/in/{text}"
    raise ValueError(f"{text[:60]!r} is not a LinkedIn profile address")


def twitter_url(handle: str) -> str:
    """The profile address of an X/Twitter handle."""
    return f"https://x.com/{handle}" if handle else ""


def verification_label(status: str) -> str:
    """How a verification status reads on a page ("" when nobody checked the address)."""
    return VERIFICATION_LABELS.get(status, "") if status in EMAIL_VERIFICATIONS else ""


def verification_check(contact) -> tuple[list[str], list[str]]:
    """What the email finder's verdict means for sending to a contact: (reasons it blocks, warnings)."""
    status = getattr(contact, "email_verification", "") or ""
    if status == "invalid":
        return [f"The email finder marked {contact.email} invalid: mail to it would bounce."], []
    if status == "accept_all":
        return [], [f"{contact.email} is on an accept-all domain: it could not be verified and may bounce."]
    if status == "disposable":
        return [f"{contact.email} is a disposable address."], []
    return [], []
