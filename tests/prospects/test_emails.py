"""Contact addresses: validation, shared inboxes, obfuscated addresses, finding them on pages, ranking them."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.prospects.emails import (
    _PLAIN,
    EmailError,
    FoundEmail,
    _plain,
    deobfuscate,
    extract_emails,
    is_role_address,
    rank_contacts,
    validate_email,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("jane.roe@example.com", "jane.roe@example.com"),
        ("  Jane.Roe@EXAMPLE.com ", "Jane.Roe@example.com"),
        ("mailto:jane@example.com", "jane@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("jane@m\u00fcnchen.de", "jane@m\u00fcnchen.de"),
    ],
)
def test_valid_addresses_are_normalised(raw, normal):
    assert validate_email(raw) == normal


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("jane", "not a valid email"),
        ("jane@@example.com", "not a valid email"),
        ("jane@example", "not a valid email"),
        ("jane @example.com", "not a valid email"),
        ("jane@localhost", "not a valid email"),
    ],
)
def test_invalid_addresses_say_why(raw, why):
    with pytest.raises(EmailError, match=why):
        validate_email(raw)


@pytest.mark.parametrize(
    "addr",
    [
        "info@example.com", "editor@example.com", "contact@example.com", "admin@example.com", "support@example.com",
        "hello@example.com", "press@example.com", "marketing@example.com", "webmaster@example.com",
        "sales@example.com", "team@example.com", "office@example.com", "enquiries@example.com", "INFO@example.com",
        "info2@example.com", "press.office@example.com", "sales-team@example.com", "hello+seo@example.com",
        "no-reply@example.com", "partnerships@example.com",
    ],
)  # fmt: skip
def test_shared_inboxes_are_role_addresses(addr):
    assert is_role_address(addr)


@pytest.mark.parametrize(
    "addr", ["jane@example.com", "jane.roe@example.com", "j.sales@example.com", "infoman@example.com", "ed@example.com"]
)
def test_people_are_not_role_addresses(addr):
    assert not is_role_address(addr)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane [at] example [dot] com", "jane@example.com"),
        ("jane(at)example.com", "jane@example.com"),
        ("jane (at) example (dot) co (dot) uk", "jane@example.co.uk"),
        ("jane at example dot com", "jane@example.com"),
        ("Jane AT Example DOT com", "Jane@Example.com"),
        ("jane {at} example {dot} com", "jane@example.com"),
        ("jane.roe[@]example[.]com", "jane.roe@example.com"),
        ("jane&#64;example&#46;com", "jane@example.com"),
        (
            "&#106;&#97;&#110;&#101;&#64;&#101;&#120;&#97;&#109;&#112;&#108;&#101;&#46;&#99;&#111;&#109;",
            "jane@example.com",
        ),
        ("email me at jane dot roe at example dot com", "email me at jane.roe@example.com"),
    ],
)
def test_obfuscated_addresses_are_restored(text, expected):
    assert deobfuscate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Meet us at the office at 10am.",
        "find us at example.com for details",
        "We are at home dot com era",
        "Prices start at 5.99 dollars",
        "look at this dot com boom",
    ],
)
def test_prose_with_at_is_left_alone(text):
    assert deobfuscate(text) == text


def _cloudflare(address: str, key: int = 0x42) -> str:
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in address.encode())


PAGE = f"""<!doctype html><html><head><title>Contact</title>
<script>var hidden = "tracking@example.com";</script><style>.x{{content:"css@example.com"}}</style></head>
<body>
  <p>Editorial: <a href="mailto:Editor%40Example.com?subject=Guest%20post&amp;cc=x@example.com">the editor</a></p>
  <p>Our writer <a href="MAILTO:alex.poe@blog.example.com">Alex Poe</a> covers widgets.</p>
  <p>Questions? info [at] example [dot] com or jane (at) example (dot) com.</p>
  <p>Partners: <a href="mailto:someone@partner.org">our agency</a>, careers@jobs-example.net</p>
  <p><a href="/cdn-cgi/l/email-protection#{_cloudflare("press@example.com")}">[email&#160;protected]</a></p>
  <img src="logo@2x.png" alt="logo"> <span>icon@2x.png</span>
</body></html>"""


def test_addresses_on_a_page_of_the_same_site_are_found():
    found = extract_emails(PAGE.encode("utf-8"), "https://www.example.com/contact")
    assert {(f.email, f.via) for f in found} == {
        ("Editor@example.com", "mailto"),
        ("alex.poe@blog.example.com", "mailto"),
        ("press@example.com", "protected"),
        ("info@example.com", "text"),
        ("jane@example.com", "text"),
    }
    assert all(f.page_url == "https://www.example.com/contact" for f in found)
    assert {f.email: f.name for f in found}["alex.poe@blog.example.com"] == "Alex Poe"


def test_text_pages_and_other_encodings_work():
    page = "<p>Caf\u00e9 owner: marie@caf\u00e9-example.fr</p><p>r\u00e9servations: booking@example.fr</p>"
    found = extract_emails(page.encode("latin-1"), "https://example.fr/", encoding="latin-1")
    assert [f.email for f in found] == ["booking@example.fr"]
    assert [f.email for f in extract_emails(page, "https://example.fr/")] == ["booking@example.fr"]


def test_contacts_rank_people_before_editors_before_catch_alls():
    page = "https://example.com/about"
    found = [
        FoundEmail("info@example.com", page, "mailto"),
        FoundEmail("support@example.com", page, "text"),
        FoundEmail("editor@example.com", page, "text"),
        FoundEmail("j.roe@example.com", page, "text"),
        FoundEmail("hello@example.com", page, "text"),
        FoundEmail("alex.poe@example.com", "https://example.com/team", "mailto", name="Alex Poe"),
        FoundEmail("noreply@example.com", page, "mailto"),
    ]
    ranked = rank_contacts(found)
    assert [f.email for f in ranked] == [
        "alex.poe@example.com",
        "j.roe@example.com",
        "editor@example.com",
        "hello@example.com",
        "info@example.com",
        "support@example.com",
        "noreply@example.com",
    ]
    assert ranked[0].page_url == "https://example.com/team"


def test_ranking_keeps_one_sighting_per_address_preferring_a_link():
    ranked = rank_contacts(
        [
            FoundEmail("jane@example.com", "https://example.com/blog", "text"),
            FoundEmail("JANE@example.com", "https://example.com/contact", "mailto", name="Jane Roe"),
            FoundEmail("bo@example.com", "https://example.com/team", "text"),
        ]
    )
    assert [(f.email, f.page_url) for f in ranked] == [
        ("JANE@example.com", "https://example.com/contact"),
        ("bo@example.com", "https://example.com/team"),
    ]


@settings(max_examples=400, deadline=None)
@given(text=st.from_regex(_PLAIN, fullmatch=True) | st.emails())
def test_the_fast_path_agrees_with_the_full_validator(text):
    plain = _plain(text)
    if plain is None:
        return
    assert email_validator.validate_email(text, check_deliverability=False).normalized == plain


@pytest.mark.parametrize("raw", [
    "a@b.123", "a@b-.com", "a@-b.com", "a@xn--abc.com", "a@ab--cd.com", "a..b@x.com", ".a@x.com", "a.@x.com",
    "a@a.test", "a@sub.local", "a@localhost", "a@b", "a@" + "b" * 64 + ".com",
    "a@" + ("b" * 60 + ".") * 5 + "com",
])
def test_the_fast_path_never_vouches_for_an_address_the_full_validator_refuses(raw):
    assert _plain(raw) is None  # the full validator decides, and refuses
    with pytest.raises(EmailError):
        validate_email(raw)
