"""A campaign report mailed to a client every month: made on the report page, sent once a month, never twice."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.campaigns.models import Campaign
from crm.campaigns.reporting.headlines import campaign_headline
from crm.extensions import db
from crm.reports import schedules
from crm.reports.models import ReportSchedule, ShareLink
from tests.conftest import csrf_token

SHARE_LINK = re.compile(r"https?://[^\s/]+/share/(\S+)")


@pytest.mark.parametrize(("after", "day", "expected"), [
    (datetime(2026, 12, 6, 10, 0, tzinfo=UTC), 7, datetime(2026, 12, 7, 7, tzinfo=UTC)),
    (datetime(2026, 12, 7, 6, 59, tzinfo=UTC), 7, datetime(2026, 12, 7, 7, tzinfo=UTC)),
    (datetime(2026, 12, 7, 7, 0, tzinfo=UTC), 7, datetime(2027, 1, 7, 7, tzinfo=UTC)),  # strictly after
    (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), 1, datetime(2027, 1, 1, 7, tzinfo=UTC)),
    (datetime(2027, 1, 30, 12, 0, tzinfo=UTC), 28, datetime(2027, 2, 28, 7, tzinfo=UTC)),
])
def test_the_next_mail_is_on_the_chosen_day_of_the_next_month_that_has_it_ahead(after, day, expected):
    assert schedules.next_send_at(after, day) == expected


def _schedule(client, campaign_id: int, **fields):
    token = csrf_token(client, f"/campaigns/{campaign_id}/report")
    data = {"schedule-csrf_token": token, "schedule-recipient": "Client@Shoes.example", "schedule-day": "3"}
    data.update({f"schedule-{k}": v for k, v in fields.items()})
    return client.post(f"/campaigns/{campaign_id}/report-schedules", data=data, follow_redirects=True)


def _rows(app) -> list[ReportSchedule]:
    with app.app_context():
        return list(db.session.scalars(select(ReportSchedule)))


def _due(app, schedule_id: int, when: datetime) -> None:
    with app.app_context():
        db.session.get(ReportSchedule, schedule_id).next_send_at = when
        db.session.commit()


def _mails(app) -> list[email.message.EmailMessage]:
    outbox = os.path.join(app.instance_path, "outbox")
    names = sorted(os.listdir(outbox)) if os.path.isdir(outbox) else []
    with_bytes = [Path(outbox, n).read_bytes() for n in names if n.endswith(".eml")]
    return [email.message_from_bytes(raw, policy=email.policy.default) for raw in with_bytes]


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_an_admin_schedules_the_report_from_its_page_and_can_stop_it(app, scenario, as_role):
    admin = as_role("admin")
    html = _schedule(admin, scenario.campaign_id, show_costs="y").get_data(as_text=True)
    assert "The report goes to client@shoes.example on day 3 of every month" in html
    [row] = _rows(app)
    assert (row.recipient, row.day_of_month, row.show_costs, row.show_risks) == ("client@shoes.example", 3, True, False)
    assert row.next_send_at.day == 3 and row.next_send_at.hour == schedules.SEND_HOUR
    assert row.workspace_id == scenario.workspace_id and row.campaign_id == scenario.campaign_id
    page = admin.get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    assert 'id="report-schedules"' in page and "client@shoes.example" in page

    token = csrf_token(admin, f"/campaigns/{scenario.campaign_id}/report")
    response = admin.post(f"/report-schedules/{row.id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "client@shoes.example no longer gets this report." in response.get_data(as_text=True)
    assert _rows(app) == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"recipient": "not an address"}, "not an email address"),
    ({"day": "29"}, "a day between 1 and 28"),
    ({"recipient": ""}, "a day between 1 and 28"),
])
def test_a_bad_address_or_day_is_refused_and_nothing_is_saved(app, scenario, as_role, fields, message):
    html = _schedule(as_role("admin"), scenario.campaign_id, **fields).get_data(as_text=True)
    assert message in html
    assert _rows(app) == []


def test_the_same_address_twice_is_refused(app, scenario, as_role):
    admin = as_role("admin")
    _schedule(admin, scenario.campaign_id)
    assert "already gets this report every month" in _schedule(admin, scenario.campaign_id).get_data(as_text=True)
    assert len(_rows(app)) == 1


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_schedule_and_do_not_see_the_form(app, scenario, as_role, role):
    client = as_role(role)
    assert 'id="schedule-form"' not in client.get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    token = csrf_token(client, "/")
    response = client.post(f"/campaigns/{scenario.campaign_id}/report-schedules",
                           data={"schedule-csrf_token": token, "schedule-recipient": "c@client.example",
                                 "schedule-day": "3"})
    assert response.status_code == 403
    assert _rows(app) == []


def test_the_mail_carries_the_reports_figures_and_a_link_that_opens_it(app, scenario, team, as_role):
    _schedule(as_role("admin"), scenario.campaign_id)
    [row] = _rows(app)
    now = datetime.now(UTC)
    _due(app, row.id, now - timedelta(minutes=1))
    with app.app_context():
        assert schedules.send_due(now) == {"sent": 1, "failed": 0, "refused": 0}
        headline = campaign_headline(scenario.workspace_id, db.session.get(Campaign, scenario.campaign_id))
        live, lost, pitched, won = headline.links.live, headline.links.lost, headline.counts["pitched"], \
            headline.counts["won"]
    assert live == 4  # the scenario's hand count, so the mail's figure is the report's
    [mail] = _mails(app)
    assert mail["To"] == "client@shoes.example"
    assert mail["From"].addresses[0].display_name == "Acme"  # white label: the workspace, never the product
    assert mail["Reply-To"] == team.emails["admin"]
    assert mail["Subject"] == f"Spring running guide: link-building report, {now:%B %Y}"
    text = _text(mail)
    html = mail.get_body(("html",)).get_content()
    assert f"Live links: {live} " in text and f"Links lost: {lost}\n" in text
    assert f"Sites pitched: {pitched}\n" in text and f"Placements won: {won}\n" in text
    assert f'data-figure="live-links">{live}<' in html
    # Internal notes stay out unless ticked in.
    for hidden in ("Spent", "Per live link", "Replied"):
        assert hidden not in text and hidden not in html
    token = SHARE_LINK.search(text).group(1)
    shared = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    assert "Spring running guide" in shared and re.search(rf'id="figure-live-links">\s*{live}\s*<', shared)
    assert 'id="figure-reply-rate"' not in shared
    with app.app_context():
        link = db.session.scalars(select(ShareLink)).one()
        assert (link.show_costs, link.show_reply_rates, link.show_risks) == (False, False, False)
        assert timedelta(days=29) < link.expires_at - now < timedelta(days=schedules.SHARE_DAYS, minutes=1)


def test_ticked_notes_reach_the_mail_and_its_link(app, scenario, as_role):
    _schedule(as_role("admin"), scenario.campaign_id, show_costs="y", show_reply_rates="y")
    [row] = _rows(app)
    now = datetime.now(UTC)
    _due(app, row.id, now)
    with app.app_context():
        schedules.send_due(now)
        headline = campaign_headline(scenario.workspace_id, db.session.get(Campaign, scenario.campaign_id))
        replied, rate = headline.counts["replied"], headline.reply_rate
    text = _text(_mails(app)[0])
    assert f"Replied: {replied} ({rate * 100:.1f}".removesuffix(".0") in text
    assert "Spent: " in text and "Per live link: " in text
    token = SHARE_LINK.search(text).group(1)
    assert 'id="figure-reply-rate"' in app.test_client().get(f"/share/{token}").get_data(as_text=True)


def test_a_month_is_mailed_once_and_the_next_month_again(app, scenario, as_role, runner):
    _schedule(as_role("admin"), scenario.campaign_id)
    [row] = _rows(app)
    now = datetime.now(UTC)
    _due(app, row.id, now - timedelta(hours=1))
    result = runner.invoke(args=["reports", "send-due"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"sent": 1, "failed": 0, "refused": 0}
    assert json.loads(runner.invoke(args=["reports", "send-due"]).output)["sent"] == 0
    [again] = _rows(app)
    assert again.next_send_at == schedules.next_send_at(again.last_sent_at, 3)
    with app.app_context():
        assert schedules.send_due(again.next_send_at)["sent"] == 1
        assert len(db.session.scalars(select(ShareLink)).all()) == 2  # each month brings its own link
    assert len(_mails(app)) == 2


def test_the_month_is_claimed_before_the_mail_goes(app, scenario, as_role, httpserver):
    """A worker killed while SendGrid has the message must not mail the client again when it restarts."""
    _schedule(as_role("admin"), scenario.campaign_id)
    [row] = _rows(app)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    seen: list[str] = []

    def handler(request):
        from werkzeug import Response
        with sqlite3.connect(path) as conn:  # what another worker would read while this mail is in flight
            seen.append(conn.execute("SELECT next_send_at FROM report_schedule").fetchone()[0])
        return Response("", status=202, headers={"X-Message-Id": "report-1"})

    httpserver.expect_request("/v3/mail/send", method="POST").respond_with_handler(handler)
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=httpserver.url_for(""),
                      PUBLIC_BASE_URL="https://crm.agency.example")
    now = datetime.now(UTC)
    _due(app, row.id, now)
    with app.app_context():
        assert schedules.send_due(now)["sent"] == 1
    assert len(seen) == 1 and seen[0].startswith(f"{schedules.next_send_at(now, 3):%Y-%m-%d}")
    body = json.loads(httpserver.log[0][0].data)
    assert body["personalizations"][0]["to"] == [{"email": "client@shoes.example"}]
    assert body["from"]["name"] == "Acme"
    assert "https://crm.agency.example/share/" in body["content"][0]["value"]


def test_real_mail_is_refused_while_the_link_would_not_open_for_the_client(app, scenario, as_role, httpserver):
    _schedule(as_role("admin"), scenario.campaign_id)
    [row] = _rows(app)
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=httpserver.url_for(""),
                      PUBLIC_BASE_URL="http://127.0.0.1:5000")
    now = datetime.now(UTC)
    _due(app, row.id, now)
    with app.app_context():
        counts = schedules.send_due(now)
    assert counts["refused"] == 1 and counts["sent"] == 0 and "PUBLIC_BASE_URL" in counts["reason"]
    assert httpserver.log == []
    [after] = _rows(app)
    assert "report links" in after.last_error and after.last_sent_at is None
    assert after.next_send_at == now + schedules.RETRY_AFTER
    page = as_role("admin").get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    assert "PUBLIC_BASE_URL http://127.0.0.1:5000 is not https" in page


def test_failed_sends_are_retried_hourly_then_the_month_is_given_up(app, scenario, as_role, httpserver):
    httpserver.expect_request("/v3/mail/send", method="POST").respond_with_data("{}", status=400)
    app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=httpserver.url_for(""),
                      PUBLIC_BASE_URL="https://crm.agency.example")
    _schedule(as_role("admin"), scenario.campaign_id)
    [row] = _rows(app)
    now = datetime.now(UTC)
    _due(app, row.id, now)
    with app.app_context():
        for attempt in range(1, schedules.MAX_FAILURES):
            assert schedules.send_due(now)["failed"] == 1
            now = db.session.get(ReportSchedule, row.id).next_send_at
            assert db.session.get(ReportSchedule, row.id).failures == attempt
        assert schedules.send_due(now)["failed"] == 1
        given_up = db.session.get(ReportSchedule, row.id)
        assert given_up.failures == 0 and given_up.next_send_at == schedules.next_send_at(now, 3)
    assert len(httpserver.log) == schedules.MAX_FAILURES


def test_due_mail_of_one_workspace_never_carries_anothers_report(app, scenario, team, as_role):
    """Each mail is built from its own schedule's campaign: the rival's campaign and name never appear."""
    _schedule(as_role("admin"), scenario.campaign_id)
    with app.app_context():
        from tests.reports.factories import ReportScheduleFactory
        ReportScheduleFactory(workspace_id=team.rival_workspace_id, campaign_id=scenario.rival_campaign_id,
                              recipient="boss@rival.example", day_of_month=3,
                              next_send_at=datetime.now(UTC) - timedelta(minutes=5))
        db.session.commit()
    for row in _rows(app):
        _due(app, row.id, datetime.now(UTC) - timedelta(minutes=1))
    with app.app_context():
        assert schedules.send_due()["sent"] == 2
    mails = {m["To"]: m for m in _mails(app)}
    ours = _text(mails["client@shoes.example"])
    theirs = _text(mails["boss@rival.example"])
    assert "Spring running guide" in ours and "Rival" not in ours
    assert "Spring running guide" not in theirs and mails["boss@rival.example"]["From"].addresses[0].display_name == \
        "Rival"
