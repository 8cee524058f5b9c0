"""Email addresses of prospects: validation, role addresses, de-obfuscation, extraction from pages, ranking."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import email_validator
from selectolax.lexbor import LexborHTMLParser

from crm.net.domains import normalise_host, registrable_domain, same_site


class EmailError(ValueError):
    """An address that cannot be used; the message says why in words a user understands."""


# Plain ASCII addresses that email_validator always accepts, unchanged but for the domain's case: a launch checks
# thousands of addresses, and the full validator spends ~100 µs on each (IDNA, Unicode tables). Anything else, and
# every refusal, goes through the full validator. tests/prospects/test_emails.py holds the two to agreeing.
_PLAIN = re.compile(
    r"(?P<local>[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
_SPECIAL_USE = frozenset(email_validator.SPECIAL_USE_DOMAIN_NAMES)
_UNDER_SPECIAL_USE = tuple("." + d for d in sorted(_SPECIAL_USE))  # str.endswith takes them all at once


def _plain(text: str) -> str | None:
    """The normalised form of an everyday ASCII address, or None when the full validator must decide."""
    found = _PLAIN.fullmatch(text)
    if found is None or len(text) > 254 or len(found["local"]) > 64 or "--" in found["domain"]:
        return None
    domain = found["domain"].lower()
    if len(domain) > 253 or domain in _SPECIAL_USE or domain.endswith(_UNDER_SPECIAL_USE):
        return None
    return f"{found['local']}@{domain}"


def validate_email(addr: str) -> str:
    """Return the normalised address (domain lower-cased, "mailto:" and <> removed) or raise EmailError."""
    text = addr.strip().strip("<>").strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    if not text:
        raise EmailError("The email address is empty.")
    plain = _plain(text)
    if plain is not None:
        return plain
    try:
        result = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise EmailError(f"'{text[:80]}' is not a valid email address: {exc}") from None
    return result.normalized


# Shared inboxes, best first for a link-building pitch: people who decide what gets published (editors,
# content, PR, partnerships) come before inboxes meant for outsiders (hello, contact), which come before
# triaged catch-alls (info, office), then mailboxes for other business (support, sales, billing, jobs, legal),
# where a pitch is noise; addresses that cannot receive mail come last.
ROLE_ORDER = (
    "editor", "editors", "editorial", "editorinchief", "content", "submissions", "submit", "contribute",
    "contributors", "guestpost", "guestposts", "writers", "write", "news", "newsroom", "newsdesk", "tips", "pr",
    "press", "media", "partnerships", "partnership", "partners", "partner", "collab", "collabs", "collaborations",
    "advertising", "advertise", "ads", "sponsor", "sponsorship", "sponsorships", "marketing", "outreach", "seo",
    "hello", "hi", "hey", "contact", "contactus", "contacts", "enquiries", "enquiry", "inquiries", "inquiry", "info",
    "information", "general", "office", "team", "mail", "email", "reception", "admin", "administrator",
    "webmaster", "web", "website", "support", "help", "helpdesk", "service", "customerservice", "care",
    "feedback", "community", "social", "events", "sales", "shop", "store", "orders", "bookings", "booking",
    "reservations", "billing", "accounts", "accounting", "finance", "invoices", "hr", "jobs", "careers",
    "recruitment", "legal", "privacy", "gdpr", "compliance", "security", "abuse", "postmaster", "hostmaster",
    "noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon",
)  # fmt: skip
_ROLE_RANK = {name: i for i, name in enumerate(ROLE_ORDER)}
# Words that join role words in addresses like "press.office@" or "sales-team@".
_ROLE_JOINERS = frozenset({"team", "office", "desk", "dept", "department", "the", "us", "box", "inbox"})

FREEMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "hotmail.co.uk",
    "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "protonmail.com",
    "proton.me", "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com",
    "zoho.com", "qq.com", "163.com", "126.com", "fastmail.com", "hey.com", "tutanota.com", "seznam.cz", "orange.fr",
    "free.fr", "libero.it", "t-online.de",
})  # fmt: skip


def _role_rank(local: str) -> int | None:
    """Position of a local part in ROLE_ORDER when it is a shared inbox, else None."""
    local = local.lower().split("+", 1)[0]
    if local in _ROLE_RANK:
        return _ROLE_RANK[local]
    trimmed = local.rstrip("0123456789")
    if trimmed in _ROLE_RANK:
        return _ROLE_RANK[trimmed]
    tokens = [t for t in re.split(r"[._-]+", local) if t]
    ranks = [_ROLE_RANK[t] for t in tokens if t in _ROLE_RANK]
    if ranks and all(t in _ROLE_RANK or t in _ROLE_JOINERS for t in tokens):
        return min(ranks)
    if re.fullmatch(r"(?:no|do-?not)-?reply\d*", local):
        return _ROLE_RANK["noreply"]
    return None


def is_role_address(addr: str) -> bool:
    """True for shared inboxes (info@, editor@, press.office@, ...) rather than a named person's address."""
    return _role_rank(addr.rpartition("@")[0]) is not None


def is_freemail(domain: str) -> bool:
    """True for webmail providers, whose domain says nothing about the site a contact works for."""
    return normalise_host(domain) in FREEMAIL_DOMAINS


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_AT_SEP = r"(?P<at>\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_DOT_SEP = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\.)"
_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])(?P<local>[A-Za-z0-9_%+-]+(?:{_DOT_SEP}[A-Za-z0-9_%+-]+)*){_AT_SEP}"
    rf"(?P<domain>{_LABEL}(?:{_DOT_SEP}{_LABEL})+)",
    re.IGNORECASE,
)
_SEP_DOT = re.compile(_DOT_SEP, re.IGNORECASE)
# Words that come before " at " in prose ("find us at ..."); with them a spelled-out " at " is not an address.
_PROSE = frozenset({
    "us", "me", "him", "her", "them", "you", "we", "it", "is", "are", "was", "be", "find", "found", "meet", "reach",
    "visit", "look", "looking", "available", "here", "there", "located", "online", "email", "mail", "write",
    "contact", "call", "site", "website",
})  # fmt: skip


def _address_from(match: re.Match) -> str | None:
    """The address an obfuscated match spells, or None when it is ordinary prose."""
    local, domain, at = match["local"], match["domain"], match["at"]
    tld = _SEP_DOT.split(domain)[-1]
    if not tld.isalpha() or len(tld) < 2:
        return None
    # A bare "at" is only an address when the writer also spelled or bracketed a dot ("jane at site dot com");
    # "find us at example.com" names a website.
    bare_at = at.strip().lower() == "at"
    if bare_at and (local.lower() in _PROSE or not re.search(r"\s|[\[({<]", domain)):
        return None
    return _SEP_DOT.sub(".", local) + "@" + _SEP_DOT.sub(".", domain)


def deobfuscate(text: str) -> str:
    """Rewrite "jane [at] site [dot] com", "jane(at)site.com", "jane at site dot com" and HTML entities as addresses."""
    text = html.unescape(text).replace("\uff20", "@").replace("\uff0e", ".")
    out, pos = [], 0
    search_from = 0
    while True:
        match = _OBFUSCATED.search(text, search_from)
        if match is None:
            break
        address = _address_from(match)
        if address is None:
            search_from = match.start() + 1
            continue
        out.append(text[pos : match.start()])
        out.append(address)
        pos = search_from = match.end()
    out.append(text[pos:])
    return "".join(out)


_PLAIN_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.UNICODE)


@dataclass(frozen=True)
class FoundEmail:
    """An address found on a page, with the page it was found on and how it was shown there."""

    email: str
    page_url: str
    via: str = "text"  # "mailto" (a link), "protected" (Cloudflare email protection) or "text"
    name: str = ""  # the link text when it names a person

    @property
    def is_role(self) -> bool:
        """True for a shared inbox."""
        return is_role_address(self.email)


def _cloudflare(encoded: str) -> str:
    """Decode Cloudflare's email protection (a hex string XOR-ed with its first byte)."""
    try:
        data = bytes.fromhex(encoded)
    except ValueError:
        return ""
    if len(data) < 2:
        return ""
    return bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace")


def _looks_like_name(text: str) -> bool:
    """Link text such as "Jane Roe", not "Email us" or an address."""
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    return all(w[:1].isupper() and w.replace("-", "").replace(".", "").isalpha() for w in words)


def extract_emails(
    page: bytes | str, page_url: str, *, encoding: str | None = None, site_domain: str | None = None
) -> list[FoundEmail]:
    """Addresses on a page (mailto links, protected links, visible text) that belong to the page's own site.

    With `site_domain` (a registrable domain), addresses on that domain are kept instead, whatever host served
    the page: a prospect's pages may be read from another address than its domain (a homepage set by hand).
    """
    if isinstance(page, bytes) and encoding:
        page = page.decode(encoding, "replace")
    tree = LexborHTMLParser(page, encoding=True) if isinstance(page, bytes) else LexborHTMLParser(page)
    host = urlsplit(page_url).hostname or ""
    candidates: list[tuple[str, str, str]] = []
    for link in tree.css("a[href]"):
        href = (link.attributes.get("href") or "").strip()
        text = " ".join(link.text(deep=True).split())
        name = text if _looks_like_name(text) else ""
        if href[:7].lower() == "mailto:":
            for part in unquote(href[7:].split("?", 1)[0]).split(","):
                candidates.append((deobfuscate(part).strip(), "mailto", name))
        elif "/cdn-cgi/l/email-protection#" in href:
            candidates.append((_cloudflare(href.rsplit("#", 1)[1]), "protected", name))
    for node in tree.css("[data-cfemail]"):
        candidates.append((_cloudflare(node.attributes.get("data-cfemail") or ""), "protected", ""))
    tree.strip_tags(["script", "style", "template"])
    root = tree.body or tree.root
    visible = root.text(separator=" ") if root is not None else ""
    candidates.extend((m.group(0).rstrip(".-"), "text", "") for m in _PLAIN_EMAIL.finditer(deobfuscate(visible)))

    found: dict[str, FoundEmail] = {}
    for raw, via, name in candidates:
        try:
            email = validate_email(raw)
        except EmailError:
            continue
        key = email.lower()
        email_domain = email.rpartition("@")[2]
        if site_domain is not None:
            belongs = registrable_domain(email_domain) == site_domain
        else:
            belongs = same_site(email_domain, host)
        if key in found or not belongs:
            continue
        found[key] = FoundEmail(email=email, page_url=page_url, via=via, name=name)
    return list(found.values())


_VIA_ORDER = {"mailto": 0, "protected": 1, "text": 2}


def contact_rank(found: FoundEmail) -> tuple[int, int]:
    """Sort key: a named person, then any personal address, then shared inboxes in ROLE_ORDER."""
    role = _role_rank(found.email.rpartition("@")[0])
    if role is None:
        return (0 if found.name else 1), 0
    return 2, role


def rank_contacts(found: Iterable[FoundEmail]) -> list[FoundEmail]:
    """Deduplicate addresses (case-insensitively) and order them best first for outreach."""
    best: dict[str, tuple[int, FoundEmail]] = {}
    for order, item in enumerate(found):
        key = item.email.lower()
        seen = best.get(key)
        # Keep the sighting that says most: a mailto link (the site wants it used) or one carrying a name.
        if seen is None or (_VIA_ORDER[item.via], not item.name) < (_VIA_ORDER[seen[1].via], not seen[1].name):
            best[key] = (seen[0] if seen else order, item)
    ranked = sorted(best.values(), key=lambda pair: (contact_rank(pair[1]), _VIA_ORDER[pair[1].via], pair[0]))
    return [item for _, item in ranked]
