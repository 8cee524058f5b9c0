"""The cheap header scan that decides which polled messages are read further, and IMAP UID ranges."""

from email.headerregistry import Address
from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.mail.imap import uid_ranges
from crm.mail.incoming import parse_bytes, parse_headers


def test_uid_ranges_collapse_runs_and_keep_singles():
    assert uid_ranges([1, 2, 3, 5, 7, 8, 10]) == "1:3,5,7:8,10"
    assert uid_ranges([42]) == "42" and uid_ranges([]) == ""


def test_the_scan_reads_folded_repeated_and_eight_bit_headers_like_a_full_parse():
    raw = ("From: \"Ed, the editor@desk\" <Editor@Site.example>\r\nTo: sam@agency.example,\r\n"
           " reply+tok@replies.example\r\nIn-Reply-To: <ours-1@agency.example>\r\n"
           "References: <a@b.example>\r\n\t<ours-0@agency.example>\r\nSubject: Grüße\r\n"
           "To: second-to@ignored.example\r\nContent-Type: Multipart/Report; report-type=delivery-status\r\n"
           "\r\n").encode("latin-1")
    mail, kind = parse_headers(raw)
    assert mail.from_email == "editor@site.example" and kind == "multipart/report"
    assert mail.recipients == ("sam@agency.example", "reply+tok@replies.example")
    assert mail.in_reply_to == ("<ours-1@agency.example>",)
    assert mail.references == ("<a@b.example>", "<ours-0@agency.example>")


_address = st.from_regex(r"[a-z][a-z0-9+]{0,8}@[a-z]{1,8}\.example", fullmatch=True)
_name = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)


@settings(max_examples=60, deadline=None)
@given(sender=_address, name=_name, to=st.lists(_address, min_size=1, max_size=3), ids=st.lists(
    st.from_regex(r"<[a-z0-9]{1,10}@[a-z]{1,6}\.example>", fullmatch=True), max_size=3))
def test_the_scan_never_finds_less_than_the_full_parse(sender, name, to, ids):
    """Whatever a full parse would match a message by, the scan sees too, so no reply of ours is left unread."""
    message = EmailMessage()
    message["From"] = Address(display_name=name.strip(), addr_spec=sender)  # quoted as a mail client would
    message["To"] = ", ".join(to)
    if ids:
        message["In-Reply-To"] = ids[-1]
        message["References"] = " ".join(ids)
    message.set_content("hello")
    raw = message.as_bytes()
    full, _ = parse_bytes(raw)
    scanned, _ = parse_headers(raw.split(b"\n\n", 1)[0] + b"\n\n")
    assert scanned.from_email == full.from_email
    assert set(full.recipients) <= set(scanned.recipients)
    assert set(full.in_reply_to) <= set(scanned.in_reply_to) and set(full.references) <= set(scanned.references)
