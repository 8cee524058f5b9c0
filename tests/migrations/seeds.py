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


T = "2026-01-01 10:00:00"


def conversations_before_threads(conn):
    """Pitches and replies written before the inbox had threads: one conversation waiting for our answer (its
    replies unread), one we answered after a read reply, and a reply whose contact is gone."""
    conn.execute(text(
        "INSERT INTO contact (id, workspace_id, site_id, email, first_name, last_name, position, is_role_address, "
        "found_on, source, status, timezone, created_at, updated_at) VALUES (901, 900, 900, 'bo@oldspokes.com', "
        "'', '', '', false, '', 'manual', 'ok', '', :t, :t)"
    ), {"t": T})
    conn.execute(text(
        "INSERT INTO campaign (id, workspace_id, name, kind, status, currency, description, created_at, updated_at) "
        "VALUES (900, 900, 'Spring guest posts', 'guest_post', 'active', 'USD', '', :t, :t)"
    ), {"t": T})
    conn.execute(text(
        "INSERT INTO opportunity (id, workspace_id, campaign_id, site_id, contact_id, owner_id, stage, "
        "stage_changed_at, position, notes, currency, created_at, updated_at) VALUES (900, 900, 900, 900, 900, 900, "
        "'replied', :t, 0, '', 'USD', :t, :t)"
    ), {"t": T})
    for mid, contact, step, sent_at in ((900, 900, 1, "2026-01-02 09:00:00"), (901, 901, 1, "2026-01-02 09:00:00"),
                                        (902, 901, 0, "2026-01-05 09:00:00")):
        conn.execute(text(
            "INSERT INTO outbound_message (id, workspace_id, idempotency_key, step_position, opportunity_id, "
            "contact_id, site_id, to_email, to_name, from_email, from_name, reply_to, subject, body_text, "
            "message_id_header, in_reply_to, status, attempts, due_at, next_attempt_at, sent_at, last_error, "
            "created_at, updated_at) VALUES (:id, 900, :key, :step, :opp, :contact, 900, 'x@oldspokes.com', "
            "'', 'ana@agency.example', 'Ana', '', 'Hello', 'Hi', :mid, '', 'sent', 1, :t, :t, :sent, '', :t, :t)"
        ), {"id": mid, "key": f"seed-{mid}", "step": step, "opp": 900 if contact == 900 else None, "contact": contact,
            "mid": f"<seed-{mid}@agency.example>", "t": T, "sent": sent_at})
    for rid, contact, opp, kind, received, read in (
            (900, 900, 900, "out_of_office", "2026-01-02 12:00:00", "2026-01-02 13:00:00"),
            (901, 900, 900, "human", "2026-01-03 12:00:00", None),
            (902, 901, None, "human", "2026-01-04 12:00:00", "2026-01-04 13:00:00"),
            (903, None, None, "human", "2026-01-04 12:00:00", None)):
        conn.execute(text(
            "INSERT INTO reply (id, workspace_id, dedupe_key, message_id, opportunity_id, contact_id, site_id, "
            "from_email, from_name, subject, text, html_sanitized, kind, matched_by, received_at, read_at) VALUES "
            "(:id, 900, :key, NULL, :opp, :contact, 900, 'x@oldspokes.com', '', 'Re: Hello', 'Yes', '', :kind, "
            "'sender', :received, :read)"
        ), {"id": rid, "key": f"<r{rid}@mail.example>", "opp": opp, "contact": contact, "kind": kind,
            "received": received, "read": read})

    def check(conn):
        rows = conn.execute(text(
            "SELECT contact_id, opportunity_id, campaign_id, owner_id, state, thread_key, id FROM thread "
            "WHERE workspace_id = 900 ORDER BY contact_id"
        )).all()
        assert [tuple(r[:6]) for r in rows] == [(900, 900, 900, 900, "needs_reply", "900:900"),
                                                (901, None, None, None, "waiting", "901:-")]
        unread = conn.execute(text("SELECT thread_id, user_id, workspace_id FROM thread_unread")).all()
        assert [tuple(r) for r in unread] == [(rows[0][6], 900, 900)]  # unread stays unread, read stays read

    return check


SEEDS = {"15f329872188": accounts, "reports_1": instance_admins, "audit_1": sites_before_search,
         "fields_1": senders_before_mailboxes, "share_1": conversations_before_threads}
