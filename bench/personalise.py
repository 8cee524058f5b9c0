"""Personalised launch: render and queue a 10,000-recipient first pitch with 5 custom fields and 3 variants.

Usage: .venv/bin/python bench/personalise.py [--recipients N] [--runs R]

Each run makes a fresh, migrated SQLite database with N contacts at distinct sites, each carrying five custom
fields, and a sequence whose first pitch tests three templates that use them all. It times `launch` (the
checklist, which renders every recipient's message, then enrolling and queueing each first pitch in one
transaction). The reference, measured in the same run, renders the same three templates for the same
recipients in a bare loop over Jinja's ImmutableSandboxedEnvironment (compiled once, plain dicts), with no
checks, limits or database. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from jinja2 import StrictUndefined  # noqa: E402
from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from crm import create_app  # noqa: E402
from crm.campaigns import launching  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.outreach import variants  # noqa: E402
from crm.outreach.models import OutboundMessage, SenderIdentity, Sequence, SequenceStep, StepVariant, Template  # noqa: E402
from crm.outreach.recipients import Recipient, basic_context, render_context  # noqa: E402
from crm.prospects.models import Contact, CustomField, Site  # noqa: E402

FIELDS = ("budget", "niche", "city", "last_post", "angle")
TEMPLATES = [
    ("{{ custom.niche | title }} idea for {{ site_domain }}",
     "Hi {{ first_name | default('there') }},\n\nI read \"{{ page_title }}\" and {{ custom.last_post }}. "
     "Readers in {{ custom.city }} would like {{ custom.angle }}.\nBudget: {{ custom.budget }}.\n\n{{ sender_name }}"),
    ("A question about {{ custom.last_post }}",
     "Hello {{ first_name | default('there') }},\n\n{% if custom.budget %}We can pay {{ custom.budget }}{% else %}"
     "No budget{% endif %} for a post on {{ custom.angle }} for {{ site_domain }} ({{ custom.niche }}, "
     "{{ custom.city }}).\n\n{{ sender_name }}"),
    ("{{ custom.city }} readers and {{ custom.angle }}",
     "{{ first_name | default('Hi') }}, a {{ custom.niche }} piece: {{ custom.angle }}, like "
     "{{ custom.last_post }} on {{ site_domain }}. Fee {{ custom.budget }}.\n\n{{ sender_name }}"),
]


def make_app(folder: Path):
    """The app on a fresh, migrated SQLite database."""
    app = create_app({
        "ENV_NAME": "testing", "TESTING": True, "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'crm.db'}", "HUEY_IMMEDIATE": True, "HUEY_URL": "",
        "MAIL_BACKEND": "file", "PUBLIC_BASE_URL": "https://crm.example",
    })
    with app.app_context():
        upgrade(revision="heads")
    return app


def build(count: int) -> tuple[int, int, list[Recipient]]:
    """A workspace with five custom contact fields, `count` contacts, and a sequence testing three templates."""
    from crm.accounts.models import Workspace
    from crm.campaigns.models import Campaign

    workspace = Workspace(name="Bench", postal_address="1 Bench Street")
    db.session.add(workspace)
    db.session.flush()
    ws = workspace.id
    db.session.add_all(CustomField(workspace_id=ws, entity="contact", key=k, label=k.title()) for k in FIELDS)
    sender = SenderIdentity(workspace_id=ws, from_name="Sam", from_email="sam@agency.example",
                            daily_cap=0, window_days="1234567", window_start="00:00", window_end="24:00")
    campaign = Campaign(workspace_id=ws, name="Bench launch")
    templates = [Template(workspace_id=ws, name=f"Pitch {i}", subject=s, body=b) for i, (s, b) in enumerate(TEMPLATES)]
    db.session.add_all([sender, campaign, *templates])
    db.session.flush()
    sequence = Sequence(workspace_id=ws, campaign_id=campaign.id, sender_id=sender.id)
    step = SequenceStep(workspace_id=ws, position=1, template_id=templates[0].id)
    step.variants = [StepVariant(workspace_id=ws, label=label, template_id=t.id)
                     for label, t in zip("BC", templates[1:], strict=True)]
    sequence.steps.append(step)
    db.session.add(sequence)
    db.session.execute(insert(Site), [{"workspace_id": ws, "domain": f"site{i}.example"} for i in range(count)])
    sites = dict(db.session.execute(select(Site.domain, Site.id).where(Site.workspace_id == ws)).all())
    db.session.execute(insert(Contact), [{
        "workspace_id": ws, "site_id": sites[f"site{i}.example"], "email": f"editor@site{i}.example",
        "first_name": f"Ed{i}", "custom_fields": {
            "budget": f"${100 + i % 400}", "niche": ("gardening", "cooking", "travel")[i % 3],
            "city": ("Leeds", "Lyon", "Porto", "Graz")[i % 4], "last_post": f"your post #{i % 97}",
            "angle": ("raised beds", "compost", "seed swaps")[i % 3]},
    } for i in range(count)])
    db.session.commit()
    people = db.session.execute(select(Contact.id, Contact.site_id).where(Contact.workspace_id == ws)
                                .order_by(Contact.id)).all()
    recipients = [Recipient(None, cid, sid, {"page_title": f"Spring notes {cid}"}) for cid, sid in people]
    return ws, sequence.id, recipients


def reference_rate(step_id: int, contexts: list[tuple[int, dict]]) -> float:
    """Messages per second of the bare loop: the same templates, compiled once, rendered over plain dicts."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    compiled = [(env.from_string(s), env.from_string(b)) for s, b in TEMPLATES]
    started = time.perf_counter()
    for contact_id, context in contexts:
        subject, body = compiled[variants.assign(step_id, contact_id, len(compiled))]
        subject.render(context), body.render(context)
    return len(contexts) / (time.perf_counter() - started)


def one_run(count: int) -> dict:
    """Fresh database, then time the launch and the bare loop over the same recipients."""
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        with app.app_context():
            ws, sequence_id, recipients = build(count)
            step_id = db.session.get(Sequence, sequence_id).steps[0].id
            contacts = {c.id: c for c in db.session.scalars(select(Contact).where(Contact.workspace_id == ws))}
            contexts = [(r.contact_id, render_context({**basic_context(contacts[r.contact_id],
                                                                       contacts[r.contact_id].site), **r.context},
                                                      "Sam")) for r in recipients]
            db.session.expunge_all()
            started = time.perf_counter()
            result = launching.launch(ws, sequence_id, recipients, None)
            elapsed = time.perf_counter() - started
            queued = db.session.scalar(select(func.count(OutboundMessage.id)))
            split = dict(db.session.execute(select(OutboundMessage.variant, func.count())
                                            .group_by(OutboundMessage.variant)).all())
            reference = reference_rate(step_id, contexts)
            db.engine.dispose()
    if result.enrolled != count or queued != count:
        raise SystemExit(f"only {queued} of {count} were queued ({len(result.skipped)} skipped)")
    return {"seconds": round(elapsed, 2), "messages_per_second": round(count / elapsed, 1),
            "reference_messages_per_second": round(reference, 1), "variants": split}


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' progress lines would get in the way of the one JSON object
    runs = [one_run(args.recipients) for _ in range(args.runs)]
    rate = statistics.median(r["messages_per_second"] for r in runs)
    reference = statistics.median(r["reference_messages_per_second"] for r in runs)
    print(json.dumps({
        "benchmark": "personalised launch: checklist, render and queue, 5 custom fields, 3 variants",
        "recipients": args.recipients, "runs": args.runs,
        "messages_per_second_median": rate,
        "reference_bare_sandboxed_jinja_messages_per_second_median": reference,
        "share_of_reference": round(rate / reference, 3),
        "goal_share": 0.5, "goal_met": rate >= reference / 2,
        "runs_detail": runs,
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "database": "sqlite (WAL)"},
    }))


if __name__ == "__main__":
    main()
