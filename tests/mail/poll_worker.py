"""A poll-inbox worker in its own process, killed with SIGKILL by itself at the Nth stored reply.

Run as `python -m tests.mail.poll_worker SETTINGS_JSON N [MODE]`. MODE "flushed" (the default) kills the worker
once the Nth reply is written to the database but before its batch commits, as a crash or an OOM kill in the middle
of a batch would; "announced" kills it while the Nth reply's subscribers are told, after its batch committed.
"""

import json
import os
import signal
import sys

from sqlalchemy import event
from sqlalchemy.orm import Session

from crm import create_app, events
from crm.outreach.inbox_polling import poll_inbox
from crm.outreach.models import Reply


def main() -> None:
    """Poll once, dying at the Nth stored reply."""
    settings, after = json.loads(sys.argv[1]), int(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else "flushed"
    stored = []

    def count(n: int) -> None:
        stored.extend(range(n))
        if len(stored) >= after:
            os.kill(os.getpid(), signal.SIGKILL)

    def flushed(session, _context):
        count(sum(isinstance(obj, Reply) for obj in session.new))

    def announced(sender, **kw):
        count(1)

    if mode == "flushed":
        event.listen(Session, "after_flush", flushed)
    else:
        events.reply_received.connect(announced)
    app = create_app(settings)
    with app.app_context():
        print(json.dumps(poll_inbox()))


if __name__ == "__main__":
    main()
