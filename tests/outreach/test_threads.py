"""Inbox threads: a reply makes one that needs a reply, an answer makes it wait, a person closes and assigns it;
unread counts per user in the navigation; the inbox filters by state, owner and campaign."""

import re

import pytest
from sqlalchemy import event, func, select

from crm.accounts.models import User
from crm.campaigns.numbers import campaign_numbers
from crm.campaigns.reporting.report import reply_rows
from crm.extensions import db
from crm.outreach import threads
from crm.outreach.models import Reply, Thread
from crm.outreach.thread_queries import Filters
from tests.conftest import csrf_token
from tests.outreach.test_inbound_webhook import sent  # noqa: F401 - the fixture: pitches sent in two campaigns
from tests.outreach.webhooks import inbound_url, parse_form

pytestmark = pytest.mark.both_databases


def _reply(app, client, row, text="Sounds great.\nSend the topics!", message_id=None):
    headers = {"In-Reply-To": row.message_id_header, **({"Message-ID": message_id} if message_id else {})}
    result = client.post(inbound_url(app, row.workspace_id), data=parse_form(row, text=text, headers=headers)).json
    assert result["result"] == "stored", result


def _thread(app, row) -> Thread:
    with app.app_context():
        found = db.session.scalar(select(Thread).where(Thread.contact_id == row.contact_id,
                                                       Thread.opportunity_id == row.opportunity_id))
        db.session.expunge_all()
        return found


def _badge(client) -> str | None:
    match = re.search(r'id="inbox-unread">(\d+)<', client.get("/outbox").get_data(as_text=True))
    return match.group(1) if match else None


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/inbox"), **data})


def test_state_after_an_inbound_message():
    assert threads.state_after_inbound(None, "human") == "needs_reply"
    assert threads.state_after_inbound("done", "human") == "needs_reply"
    assert threads.state_after_inbound("waiting", "out_of_office") == "waiting"
    assert threads.state_after_inbound(None, "out_of_office") == "waiting"
    assert threads.state_after_inbound("needs_reply", "bounce") == "done"
    assert threads.state_after_inbound("waiting", "unsubscribe") == "done"
    assert threads.thread_key(7, None) == "7:-" and threads.thread_key(7, 3) == "7:3"


def test_filters_read_from_the_query_string_ignore_nonsense():
    assert Filters.from_args({"state": "needs_reply", "mine": "1", "campaign": "4"}) == Filters("needs_reply", True, 4)
    assert Filters.from_args({"state": "<script>", "mine": "yes", "campaign": "4 OR 1=1"}) == Filters()
    assert Filters("done", True, 2).args(state=None) == {"mine": "1", "campaign": "2"}


def test_a_reply_makes_a_thread_that_needs_a_reply_and_links_to_its_opportunity(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0])
    thread = _thread(app, sent[0])
    assert thread.state == "needs_reply" and thread.campaign_id == sent[0].campaign_id
    assert thread.site_id == sent[0].site_id and thread.last_inbound_at is not None
    viewer = as_role("viewer")
    listing = viewer.get("/inbox").get_data(as_text=True)
    assert f'href="/inbox/threads/{thread.id}"' in listing and "Needs reply" in listing
    page = viewer.get(f"/inbox/threads/{thread.id}").get_data(as_text=True)
    assert "Send the topics!" in page and f"to {sent[0].to_email}" in page
    assert f'href="/campaigns/opportunities/{sent[0].opportunity_id}"' in page
    assert f'href="/campaigns/{sent[0].campaign_id}"' in page and f'href="/sites/{sent[0].site_id}"' in page
    assert 'id="thread-stage">Replied<' in page
    assert "Mark done" not in page and "Send answer" not in page  # a viewer reads, moves nothing
    old = viewer.get(f"/inbox/contacts/{sent[0].contact_id}").get_data(as_text=True)  # the older address still works
    assert "Send the topics!" in old


def test_the_contact_at_the_same_site_in_another_campaign_has_a_thread_of_their_own(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0], text="About the first campaign")
    _reply(app, client, sent[3], text="About the second campaign")
    first, second = _thread(app, sent[0]), _thread(app, sent[3])
    assert first.id != second.id and first.campaign_id != second.campaign_id
    page = as_role("viewer").get(f"/inbox/threads/{second.id}").get_data(as_text=True)
    assert "About the second campaign" in page and "About the first campaign" not in page


def test_unread_counts_are_per_user_and_come_back_with_new_mail(app, client, as_role, sent):  # noqa: F811
    member, owner = as_role("member"), as_role("owner")
    assert _badge(member) is None
    _reply(app, client, sent[0], message_id="<one@mail.example>")
    _reply(app, client, sent[1], message_id="<two@mail.example>")
    assert _badge(member) == "2" and _badge(owner) == "2"
    thread = _thread(app, sent[0])
    member.get(f"/inbox/threads/{thread.id}")
    assert _badge(member) == "1" and _badge(owner) == "2"  # opening it read it for that user only
    listing = member.get("/inbox").get_data(as_text=True)
    rows = re.findall(r'<a class="([^"]*)"\s+href="[^"]*" data-thread-id="(\d+)"', listing)
    classes = {int(i): c for c, i in rows}
    assert "thread-unread" not in classes[thread.id] and "thread-unread" in classes[_thread(app, sent[1]).id]
    _reply(app, client, sent[0], text="One more thing", message_id="<three@mail.example>")
    assert _badge(member) == "2"


def test_answering_makes_the_thread_wait_and_counts_as_activity_not_as_a_reply(app, client, as_role, sent):  # noqa: F811
    _reply(app, client, sent[0])
    thread = _thread(app, sent[0])
    with app.app_context():
        numbers, rows = campaign_numbers(sent[0].campaign_id), reply_rows(sent[0].workspace_id, sent[0].campaign_id)
    member = as_role("member")
    page = member.get(f"/inbox/threads/{thread.id}").get_data(as_text=True)
    assert "&gt; Sounds great.\n&gt; Send the topics!" in page  # the composer quotes the last message
    response = member.post(f"/inbox/threads/{thread.id}/answer",
                           data={"body": "Here they are.", "csrf_token": csrf_token(member, "/inbox")})
    assert response.status_code == 302 and response.location.endswith(f"/inbox/threads/{thread.id}")
    assert _thread(app, sent[0]).state == "waiting"
    with app.app_context():
        assert db.session.scalar(select(func.count(Reply.id))) == 1
        assert campaign_numbers(sent[0].campaign_id) == numbers
        assert reply_rows(sent[0].workspace_id, sent[0].campaign_id) == rows
    page = member.get(f"/inbox/threads/{thread.id}").get_data(as_text=True)
    assert page.find("Send the topics!") < page.find("Here they are.")
    assert "&gt; Here they are." in page  # the composer now quotes our answer, the thread's last message
    _reply(app, client, sent[0], text="Thanks, I'll pick one", message_id="<again@mail.example>")
    assert _thread(app, sent[0]).state == "needs_reply"


def test_marking_done_assigning_and_filtering(app, client, as_role, team, sent):  # noqa: F811
    _reply(app, client, sent[0], text="first")
    _reply(app, client, sent[1], text="second")
    _reply(app, client, sent[3], text="other campaign")
    first, second, other = _thread(app, sent[0]), _thread(app, sent[1]), _thread(app, sent[3])
    member = as_role("member")
    assert _post(member, f"/inbox/threads/{first.id}/state", state="done").status_code == 302
    assert _post(member, f"/inbox/threads/{second.id}/owner", owner=str(team.user_ids["member"])).status_code == 302
    assert (_thread(app, sent[0]).state, _thread(app, sent[1]).owner_id) == ("done", team.user_ids["member"])

    def listed(query):
        html = member.get(f"/inbox{query}").get_data(as_text=True)
        return {int(i) for i in re.findall(r'data-thread-id="(\d+)"', html)}

    waiting = _thread(app, sent[2])  # pitched, no answer yet: its thread waits for the contact
    assert listed("") == {first.id, second.id, other.id, waiting.id}
    assert listed("?state=waiting") == {waiting.id}
    assert listed("?state=needs_reply") == {second.id, other.id}
    assert listed("?state=done") == {first.id}
    assert listed("?mine=1") == {second.id}
    assert listed(f"?campaign={sent[3].campaign_id}") == {other.id}
    assert listed(f"?state=needs_reply&campaign={sent[0].campaign_id}") == {second.id}
    assert "No thread matches these filters" in member.get("/inbox?state=waiting&mine=1").get_data(as_text=True)
    assert "Mine" in as_role("owner").get("/inbox").get_data(as_text=True)


def test_a_thread_page_offers_the_keyboard_moves(app, client, as_role, sent):  # noqa: F811
    for index in (0, 1, 2):
        _reply(app, client, sent[index], text=f"reply {index}")
    newest, middle, oldest = (_thread(app, sent[i]) for i in (2, 1, 0))
    page = as_role("member").get(f"/inbox/threads/{middle.id}?state=needs_reply").get_data(as_text=True)
    assert f'href="/inbox/threads/{oldest.id}?state=needs_reply" data-shortcut="j"' in page
    assert f'href="/inbox/threads/{newest.id}?state=needs_reply" data-shortcut="k"' in page
    assert 'href="/inbox?state=needs_reply" data-shortcut="u"' in page
    assert 'data-shortcut="e">Mark done' in page and 'data-shortcut="r"' in page and 'id="shortcut-help"' in page
    assert "js/inbox.js" in page
    script = client.get("/static/js/inbox.js").get_data(as_text=True)
    assert all(f'"{key}"' in script for key in ("j", "k", "?"))


def test_an_unknown_state_or_a_stranger_as_owner_is_refused(app, client, as_role, team, sent):  # noqa: F811
    _reply(app, client, sent[0])
    thread = _thread(app, sent[0])
    member = as_role("member")
    response = _post(member, f"/inbox/threads/{thread.id}/state", state="archived")
    assert "That state is unknown." in member.get(response.location).get_data(as_text=True)
    with app.app_context():
        rival = db.session.scalar(select(User.id).where(User.email == team.rival_owner_email))
    response = _post(member, f"/inbox/threads/{thread.id}/owner", owner=str(rival))
    assert "Choose a member of this workspace." in member.get(response.location).get_data(as_text=True)
    after = _thread(app, sent[0])
    assert (after.state, after.owner_id) == ("needs_reply", thread.owner_id)
    assert _post(as_role("viewer"), f"/inbox/threads/{thread.id}/state", state="done").status_code == 403


def test_the_navigation_count_is_one_query_over_the_users_unread_markers(app, team):
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            assert threads.unread_count(team.workspace_id, team.user_ids["member"]) == 0
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
    assert len(statements) == 1 and "FROM thread_unread" in statements[0] and "JOIN" not in statements[0].upper()
