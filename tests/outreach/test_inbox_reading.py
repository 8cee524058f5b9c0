"""The inbox thread shows a message as written: line breaks kept, quoted history folded, nothing from mail as markup."""

from crm.outreach.reading import split_quoted
from tests.outreach.test_inbound_webhook import sent  # noqa: F401 - the fixture: three pitches sent
from tests.outreach.webhooks import inbound_url, parse_form

BODY = ("Sounds good.\nSend me <script>alert(1)</script> the topics\n\nAna\n\n"
        "On Mon, 23 Nov 2026 at 09:00, Sam Rivera wrote:\n> Hi Ana,\n>\n> I loved your raised beds article.")


def test_the_quoted_tail_is_split_off_but_inline_quotes_stay():
    body = split_quoted(BODY)
    assert body.fresh.endswith("\n\nAna") and body.quoted.startswith("On Mon, 23 Nov 2026")
    inline = "Hi\n> your first question\nmy answer\nthanks"
    assert split_quoted(inline).fresh == inline and split_quoted(inline).quoted == ""
    assert split_quoted("Yes\n-----Original Message-----\nFrom: Sam\nHi").quoted.startswith("-----Original")


def test_a_reply_keeps_its_line_breaks_folds_its_quote_and_shows_script_as_text(app, client, as_role, sent):  # noqa: F811
    client.post(inbound_url(app, sent[0].workspace_id), data=parse_form(sent[0], text=BODY))
    page = as_role("viewer").get(f"/inbox/sites/{sent[0].site_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "Send me &lt;script&gt;alert(1)&lt;/script&gt; the topics\n\nAna</div>" in page
    assert ".message-text { white-space: pre-wrap" in client.get("/static/css/app.css").get_data(as_text=True)
    fresh, _, folded = page.partition("<summary>Show quoted text</summary>")
    assert "Sounds good." in fresh and "I loved your raised beds article" not in fresh.rpartition("Sounds good.")[2]
    assert "&gt; I loved your raised beds article." in folded.partition("</details>")[0]
