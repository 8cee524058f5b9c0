"""Rows written right after a given revision, to prove later migrations keep existing data.

Each seed takes a connection, inserts rows with plain SQL (the models may have moved on) and returns a
function that checks them at the newest schema.
"""

from __future__ import annotations

from sqlalchemy import text


def accounts(conn):
    """A workspace with an owner, as the first schema knew them."""
    conn.execute(text(
        "INSERT INTO workspace (id, name, postal_address, created_at, updated_at) "
        "VALUES (900, 'Seeded agency', '1 Old Road', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))
    conn.execute(text(
        "INSERT INTO user_account (id, email, name, password_hash, active, created_at, updated_at) "
        "VALUES (900, 'seed@agency.example', 'Seed', 'x', true, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))
    conn.execute(text(
        "INSERT INTO membership (id, user_id, workspace_id, role, created_at, updated_at) "
        "VALUES (900, 900, 900, 'owner', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))

    def check(conn):
        row = conn.execute(text(
            "SELECT w.name, u.email, m.role FROM membership m JOIN workspace w ON w.id = m.workspace_id "
            "JOIN user_account u ON u.id = m.user_id WHERE m.id = 900"
        )).one()
        assert tuple(row) == ("Seeded agency", "seed@agency.example", "owner")

    return check


def instance_admins(conn):
    """A member of a workspace written before users could be instance admins."""
    conn.execute(text(
        "INSERT INTO workspace (id, name, postal_address, recontact_days, created_at, updated_at) "
        "VALUES (901, 'Before admins', '', 90, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))
    conn.execute(text(
        "INSERT INTO user_account (id, email, name, password_hash, active, created_at, updated_at) "
        "VALUES (901, 'before@agency.example', 'Before', 'x', true, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))
    conn.execute(text(
        "INSERT INTO membership (id, user_id, workspace_id, role, created_at, updated_at) "
        "VALUES (901, 901, 901, 'member', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))

    def check(conn):
        row = conn.execute(text(
            "SELECT m.role, u.is_admin FROM membership m JOIN user_account u ON u.id = m.user_id WHERE m.id = 901"
        )).one()
        assert (row[0], bool(row[1])) == ("member", False)  # kept, and not made an admin by the upgrade

    return check


def sites_before_search(conn):
    """A site with a note, a tag and a contact, written before the search index existed."""
    conn.execute(text(
        "INSERT INTO site (id, workspace_id, domain, name, homepage, status, notes, created_at, updated_at) "
        "VALUES (900, 900, 'oldspokes.com', '', '', 'active', 'Pitched in spring', '2026-01-01 10:00:00', "
        "'2026-01-01 10:00:00')"
    ))
    conn.execute(text("INSERT INTO tag (id, workspace_id, name) VALUES (900, 900, 'Veteran')"))
    conn.execute(text("INSERT INTO site_tag (site_id, tag_id) VALUES (900, 900)"))
    conn.execute(text(
        "INSERT INTO contact (id, workspace_id, site_id, email, first_name, last_name, position, is_role_address, "
        "found_on, source, status, timezone, created_at, updated_at) VALUES (900, 900, 900, 'ann@oldspokes.com', "
        "'', '', '', false, '', 'manual', 'ok', '', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))

    def check(conn):
        if conn.dialect.name != "sqlite":
            names = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")).scalars())
            assert {"ix_site_domain_trgm", "ix_contact_email_trgm", "ix_tag_name_trgm"} <= names
            return
        for q in ("dspok", "in spring", "veteran", "ann@old"):
            hits = conn.execute(text("SELECT rowid FROM site_search WHERE site_search MATCH :q"), {"q": f'"{q}"'})
            assert list(hits.scalars()) == [900], q

    return check


def senders_before_mailboxes(conn):
    """A sender identity written before senders could carry their own SMTP and IMAP accounts."""
    conn.execute(text(
        "INSERT INTO sender_identity (id, workspace_id, from_name, from_email, reply_domain, daily_cap, window_days, "
        "window_start, window_end, timezone, use_recipient_timezone, active, created_at, updated_at) VALUES "
        "(900, 900, 'Ana', 'ana@agency.example', '', 40, '12345', '09:00', '17:00', 'UTC', false, true, "
        "'2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))

    def check(conn):
        row = conn.execute(text(
            "SELECT from_email, daily_cap, smtp_host, smtp_password_sealed, imap_host, imap_port "
            "FROM sender_identity WHERE id = 900"
        )).one()
        assert tuple(row) == ("ana@agency.example", 40, "", "", "", None)  # no mailbox: the workspace default

    return check


def costs_before_ledger(conn):
    """A won placement with an agreed price, a refunded one, and a backlink with its own cost, before the ledger."""
    stamp = {"at": "2026-01-01 10:00:00"}
    conn.execute(text(
        "INSERT INTO campaign (id, workspace_id, name, kind, status, currency, description, created_at, updated_at) "
        "VALUES (910, 900, 'Seeded campaign', 'guest_post', 'active', 'EUR', '', :at, :at)"
    ), stamp)
    for site_id, domain in ((910, "paid.example"), (911, "refunded.example")):
        conn.execute(text(
            "INSERT INTO site (id, workspace_id, domain, homepage, status, notes, created_at, updated_at) "
            "VALUES (:id, 900, :domain, :homepage, 'active', '', :at, :at)"
        ), {"id": site_id, "domain": domain, "homepage": f"https://{domain}/", **stamp})
    for opp_id, status in ((910, "paid"), (911, "refunded")):
        conn.execute(text(
            "INSERT INTO opportunity (id, workspace_id, campaign_id, site_id, stage, stage_changed_at, position, "
            "notes, currency, price_cents, payment_status, won_at, created_at, updated_at) VALUES "
            "(:id, 900, 910, :id, 'won', :at, 1, '', 'EUR', 15000, :status, :at, :at, :at)"
        ), {"id": opp_id, "status": status, **stamp})
    conn.execute(text(
        "INSERT INTO backlink (id, workspace_id, campaign_id, opportunity_id, source_url, source_domain, target_url, "
        "expected_anchor, expected_rel, acquisition, cost_cents, currency, status, check_count, score_explanation, "
        "etag, last_modified, created_at, updated_at) VALUES (910, 900, 910, 910, 'https://paid.example/post', "
        "'paid.example', 'https://acme.example/', '', 'follow', 'guest_post', 4000, 'EUR', 'live', 0, '', '', '', "
        ":at, :at)"
    ), stamp)

    def check(conn):
        rows = conn.execute(text(
            "SELECT source, opportunity_id, backlink_id, amount_cents, currency FROM cost WHERE campaign_id = 910 "
            "ORDER BY source"
        )).all()
        # Each amount entered once, in one place; the refunded placement was never spent.
        assert [tuple(r) for r in rows] == [("backlink", 910, 910, 4000, "EUR"), ("placement", 910, None, 15000, "EUR")]

    return check


def contacts_before_profiles(conn):
    """A contact with a custom value, written before contacts kept social profiles and a verification status."""
    conn.execute(text(
        "INSERT INTO contact (id, workspace_id, site_id, email, first_name, last_name, position, is_role_address, "
        "found_on, source, status, timezone, custom_fields, created_at, updated_at) VALUES (901, 900, 900, "
        "'bo@oldspokes.com', 'Bo', '', '', false, '', 'import:hunter_domain_search', 'ok', '', "
        "'{\"budget\": \"150\"}', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))

    def check(conn):
        row = conn.execute(text(
            "SELECT email, first_name, linkedin_url, twitter, email_verification FROM contact WHERE id = 901"
        )).one()
        assert tuple(row) == ("bo@oldspokes.com", "Bo", "", "", "")  # kept, and not called verified by the upgrade

    return check


def cards_before_personal_lines(conn):
    """A campaign card written before cards carried a personal first line and P.S."""
    conn.execute(text(
        "INSERT INTO campaign (id, workspace_id, name, kind, status, currency, description, created_at, updated_at) "
        "VALUES (900, 900, 'Spring pitches', 'guest_post', 'active', 'USD', '', '2026-01-01 10:00:00', "
        "'2026-01-01 10:00:00')"
    ))
    conn.execute(text(
        "INSERT INTO opportunity (id, workspace_id, campaign_id, site_id, contact_id, stage, stage_changed_at, "
        "position, notes, currency, created_at, updated_at) VALUES (900, 900, 900, 900, 900, 'prospect', "
        "'2026-01-01 10:00:00', 0, 'Met at a conference', 'USD', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))

    def check(conn):
        row = conn.execute(text(
            "SELECT notes, contact_id, personal_line, personal_ps FROM opportunity WHERE id = 900"
        )).one()
        assert tuple(row) == ("Met at a conference", 900, "", "")  # kept, and blank lines rather than NULL

    return check


def messages_before_variants(conn):
    """A sent message and its reply, written before steps could test variants and replies be marked positive."""
    conn.execute(text(
        "INSERT INTO outbound_message (id, workspace_id, idempotency_key, step_position, to_email, to_name, "
        "from_email, from_name, reply_to, subject, body_text, message_id_header, in_reply_to, status, attempts, "
        "due_at, next_attempt_at, last_error, created_at, updated_at) VALUES (900, 900, 'seed/900', 1, "
        "'ed@site.example', '', 'ana@agency.example', 'Ana', '', 'Hello', 'Body', '', '', 'sent', 1, "
        "'2026-01-01 10:00:00', '2026-01-01 10:00:00', '', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
    ))
    conn.execute(text(
        "INSERT INTO reply (id, workspace_id, dedupe_key, message_id, from_email, from_name, subject, text, "
        "html_sanitized, kind, matched_by, received_at) VALUES (900, 900, 'seed-reply', 900, 'ed@site.example', "
        "'', 'Re: Hello', 'Yes', '', 'human', 'token', '2026-01-02 10:00:00')"
    ))

    def check(conn):
        assert tuple(conn.execute(text("SELECT subject, variant FROM outbound_message WHERE id = 900")).one()) == (
            "Hello", "")  # no test: no variant
        assert tuple(conn.execute(text("SELECT text, positive FROM reply WHERE id = 900")).one()) in (
            ("Yes", False), ("Yes", 0))  # not marked until the marketer says so

    return check


def conversations_before_threads(conn):
    """Pitches and replies written before the inbox had threads, in a workspace of their own: one conversation
    waiting for our answer (its replies unread), one we answered after a read reply, and a reply whose contact
    is gone."""
    t = {"t": "2026-01-01 10:00:00"}
    conn.execute(text(
        "INSERT INTO workspace (id, name, postal_address, recontact_days, created_at, updated_at) "
        "VALUES (920, 'Before threads', '', 90, :t, :t)"
    ), t)
    conn.execute(text(
        "INSERT INTO membership (id, user_id, workspace_id, role, created_at, updated_at) "
        "VALUES (920, 900, 920, 'owner', :t, :t)"
    ), t)
    conn.execute(text(
        "INSERT INTO site (id, workspace_id, domain, homepage, status, notes, created_at, updated_at) "
        "VALUES (920, 920, 'thread-seed.example', 'https://thread-seed.example/', 'active', '', :t, :t)"
    ), t)
    for contact_id, address in ((920, "ann@thread-seed.example"), (921, "bo@thread-seed.example")):
        conn.execute(text(
            "INSERT INTO contact (id, workspace_id, site_id, email, first_name, last_name, position, "
            "is_role_address, found_on, source, status, timezone, created_at, updated_at) VALUES (:id, 920, 920, "
            ":email, '', '', '', false, '', 'manual', 'ok', '', :t, :t)"
        ), {"id": contact_id, "email": address, **t})
    conn.execute(text(
        "INSERT INTO campaign (id, workspace_id, name, kind, status, currency, description, created_at, updated_at) "
        "VALUES (920, 920, 'Spring guest posts', 'guest_post', 'active', 'USD', '', :t, :t)"
    ), t)
    conn.execute(text(
        "INSERT INTO opportunity (id, workspace_id, campaign_id, site_id, contact_id, owner_id, stage, "
        "stage_changed_at, position, notes, currency, created_at, updated_at) VALUES (920, 920, 920, 920, 920, 900, "
        "'replied', :t, 0, '', 'USD', :t, :t)"
    ), t)
    for mid, contact, step, sent_at in ((920, 920, 1, "2026-01-02 09:00:00"), (921, 921, 1, "2026-01-02 09:00:00"),
                                        (922, 921, 0, "2026-01-05 09:00:00")):
        conn.execute(text(
            "INSERT INTO outbound_message (id, workspace_id, idempotency_key, step_position, opportunity_id, "
            "contact_id, site_id, to_email, to_name, from_email, from_name, reply_to, subject, body_text, "
            "message_id_header, in_reply_to, status, attempts, due_at, next_attempt_at, sent_at, last_error, "
            "created_at, updated_at) VALUES (:id, 920, :key, :step, :opp, :contact, 920, 'x@thread-seed.example', "
            "'', 'ana@agency.example', 'Ana', '', 'Hello', 'Hi', :mid, '', 'sent', 1, :t, :t, :sent, '', :t, :t)"
        ), {"id": mid, "key": f"seed-{mid}", "step": step, "opp": 920 if contact == 920 else None, "contact": contact,
            "mid": f"<seed-{mid}@agency.example>", "sent": sent_at, **t})
    for rid, contact, opp, kind, received, read in (
            (920, 920, 920, "out_of_office", "2026-01-02 12:00:00", "2026-01-02 13:00:00"),
            (921, 920, 920, "human", "2026-01-03 12:00:00", None),
            (922, 921, None, "human", "2026-01-04 12:00:00", "2026-01-04 13:00:00"),
            (923, None, None, "human", "2026-01-04 12:00:00", None)):
        conn.execute(text(
            "INSERT INTO reply (id, workspace_id, dedupe_key, message_id, opportunity_id, contact_id, site_id, "
            "from_email, from_name, subject, text, html_sanitized, kind, matched_by, received_at, read_at) VALUES "
            "(:id, 920, :key, NULL, :opp, :contact, 920, 'x@thread-seed.example', '', 'Re: Hello', 'Yes', '', :kind, "
            "'sender', :received, :read)"
        ), {"id": rid, "key": f"<r{rid}@mail.example>", "opp": opp, "contact": contact, "kind": kind,
            "received": received, "read": read})

    def check(conn):
        rows = conn.execute(text(
            "SELECT contact_id, opportunity_id, campaign_id, owner_id, state, thread_key, id FROM thread "
            "WHERE workspace_id = 920 ORDER BY contact_id"
        )).all()
        assert [tuple(r[:6]) for r in rows] == [(920, 920, 920, 900, "needs_reply", "920:920"),
                                                (921, None, None, None, "waiting", "921:-")]
        unread = conn.execute(text("SELECT thread_id, user_id, workspace_id FROM thread_unread "
                                   "WHERE workspace_id = 920")).all()
        assert [tuple(r) for r in unread] == [(rows[0][6], 900, 920)]  # unread stays unread, read stays read

    return check


def threads_before_the_event_queue(conn):
    """Threads written before the event queue stay (checked by their own seed); the queue starts empty."""
    threads = set(conn.execute(text("SELECT id FROM thread")).scalars())

    def check(conn):
        assert threads <= set(conn.execute(text("SELECT id FROM thread")).scalars())
        assert conn.execute(text("SELECT COUNT(*) FROM pending_event")).scalar() == 0
        conn.execute(text("INSERT INTO pending_event (workspace_id, signal, payload, created_at) VALUES "
                          "(920, 'message-sent', '{}', :t)"), {"t": "2026-02-01 12:00:00"})
        assert conn.execute(text("SELECT COUNT(*) FROM pending_event WHERE dispatched_at IS NULL")).scalar() == 1

    return check


def pitches_before_threads_from_the_first_pitch(conn):
    """Conversations pitched while threads began only at a reply: a pitch and its follow-up with no answer yet, a
    message still queued, and a conversation whose reply already made its thread."""
    t = {"t": "2026-01-01 10:00:00"}
    conn.execute(text(
        "INSERT INTO workspace (id, name, postal_address, recontact_days, created_at, updated_at) "
        "VALUES (940, 'Before pitch threads', '', 90, :t, :t)"
    ), t)
    conn.execute(text(
        "INSERT INTO site (id, workspace_id, domain, homepage, status, notes, created_at, updated_at) "
        "VALUES (940, 940, 'pitch-seed.example', 'https://pitch-seed.example/', 'active', '', :t, :t)"
    ), t)
    for contact_id in (940, 941, 942):
        conn.execute(text(
            "INSERT INTO contact (id, workspace_id, site_id, email, first_name, last_name, position, "
            "is_role_address, found_on, source, status, timezone, created_at, updated_at) VALUES (:id, 940, 940, "
            ":email, '', '', '', false, '', 'manual', 'ok', '', :t, :t)"
        ), {"id": contact_id, "email": f"c{contact_id}@pitch-seed.example", **t})
    conn.execute(text(
        "INSERT INTO campaign (id, workspace_id, name, kind, status, currency, description, created_at, updated_at) "
        "VALUES (940, 940, 'Autumn guest posts', 'guest_post', 'active', 'USD', '', :t, :t)"
    ), t)
    conn.execute(text(
        "INSERT INTO opportunity (id, workspace_id, campaign_id, site_id, contact_id, owner_id, stage, "
        "stage_changed_at, position, notes, currency, created_at, updated_at) VALUES (940, 940, 940, 940, 940, 900, "
        "'pitched', :t, 0, '', 'USD', :t, :t)"
    ), t)
    for mid, contact, opp, step, status, sent_at in (
            (940, 940, 940, 0, "sent", "2026-01-02 09:00:00"), (941, 940, 940, 1, "sent", "2026-01-05 09:00:00"),
            (942, 941, None, 0, "queued", None), (943, 942, None, 0, "sent", "2026-01-03 09:00:00")):
        conn.execute(text(
            "INSERT INTO outbound_message (id, workspace_id, idempotency_key, step_position, opportunity_id, "
            "campaign_id, contact_id, site_id, to_email, to_name, from_email, from_name, reply_to, subject, "
            "body_text, message_id_header, in_reply_to, status, attempts, due_at, next_attempt_at, sent_at, "
            "last_error, created_at, updated_at) VALUES (:id, 940, :key, :step, :opp, :campaign, :contact, 940, "
            "'x@pitch-seed.example', '', 'ana@agency.example', 'Ana', '', 'Hello', 'Hi', :mid, '', :status, 1, :t, "
            ":t, :sent, '', :t, :t)"
        ), {"id": mid, "key": f"pitch-seed-{mid}", "step": step, "opp": opp, "campaign": 940 if opp else None,
            "contact": contact, "mid": f"<pitch-seed-{mid}@agency.example>", "status": status, "sent": sent_at, **t})
    conn.execute(text(
        "INSERT INTO thread (workspace_id, thread_key, contact_id, opportunity_id, campaign_id, site_id, state, "
        "owner_id, last_inbound_at, last_outbound_at, last_activity_at, created_at, updated_at) VALUES (940, "
        "'942:-', 942, NULL, NULL, 940, 'needs_reply', NULL, :r, :s, :r, :r, :r)"
    ), {"r": "2026-01-04 12:00:00", "s": "2026-01-03 09:00:00"})

    def check(conn):
        rows = conn.execute(text(
            "SELECT thread_key, contact_id, opportunity_id, campaign_id, owner_id, state, created_at, "
            "last_outbound_at FROM thread WHERE workspace_id = 940 ORDER BY thread_key"
        )).all()
        assert [tuple(r[:6]) for r in rows] == [("940:940", 940, 940, 940, 900, "waiting"),
                                                ("942:-", 942, None, None, None, "needs_reply")]
        assert str(rows[0][6]).startswith("2026-01-02 09:00") and str(rows[0][7]).startswith("2026-01-05 09:00")

    return check


def statuses_before_outreach_kept_them(conn):
    """A blocked site, a do-not-contact contact and mail queued to a contact with a time zone, written while the
    outbox still read prospects' statuses: after the upgrade, outreach's own copy refuses the same mail."""
    t = {"t": "2026-01-01 10:00:00"}
    conn.execute(text(
        "INSERT INTO site (id, workspace_id, domain, homepage, status, notes, created_at, updated_at) "
        "VALUES (930, 900, 'blocked-seed.example', '', 'blocked', '', :t, :t)"
    ), t)
    for contact_id, site_id, address, status, zone in (
            (930, 930, "ed@blocked-seed.example", "ok", ""), (931, 900, "no@oldspokes.com", "do_not_contact", ""),
            (932, 900, "kai@oldspokes.com", "ok", "Europe/Berlin")):
        conn.execute(text(
            "INSERT INTO contact (id, workspace_id, site_id, email, first_name, last_name, position, "
            "is_role_address, found_on, source, status, timezone, created_at, updated_at) VALUES (:id, 900, :site, "
            ":email, '', '', '', false, '', 'manual', :status, :zone, :t, :t)"
        ), {"id": contact_id, "site": site_id, "email": address, "status": status, "zone": zone, **t})
    for mid, contact_id, status in ((930, 932, "queued"), (931, 932, "sent")):
        conn.execute(text(
            "INSERT INTO outbound_message (id, workspace_id, idempotency_key, step_position, contact_id, site_id, "
            "to_email, to_name, from_email, from_name, reply_to, subject, body_text, message_id_header, in_reply_to, "
            "status, attempts, due_at, next_attempt_at, last_error, variant, created_at, updated_at) VALUES (:id, 900, "
            ":key, 1, :contact, 900, 'kai@oldspokes.com', '', 'ana@agency.example', 'Ana', '', 'Hello', 'Hi', '', "
            "'', :status, 0, :t, :t, '', '', :t, :t)"
        ), {"id": mid, "key": f"seed-screen-{mid}", "contact": contact_id, "status": status, **t})

    def check(conn):
        blocks = conn.execute(text(
            "SELECT contact_id, site_id, status, workspace_id FROM recipient_block "
            "WHERE contact_id IN (900, 901, 930, 931, 932) OR site_id IN (900, 930) ORDER BY id"
        )).all()
        assert sorted(map(tuple, blocks), key=str) == [(931, None, "do_not_contact", 900), (None, 930, "blocked", 900)]
        zones = dict(conn.execute(text(
            "SELECT id, recipient_timezone FROM outbound_message WHERE id IN (930, 931)")).all())
        assert zones == {930: "Europe/Berlin", 931: ""}  # mail still to send keeps its contact's zone

    return check


SEEDS = {"15f329872188": accounts, "reports_1": instance_admins, "audit_1": sites_before_search,
         "fields_1": senders_before_mailboxes, "smtp_1": costs_before_ledger, "share_1": contacts_before_profiles,
         "contactinfo_1": cards_before_personal_lines,
         "personal_1": messages_before_variants,
         "variants_1": conversations_before_threads, "threads_1": threads_before_the_event_queue,
         "events_1": pitches_before_threads_from_the_first_pitch,
         "threads_2": statuses_before_outreach_kept_them}
