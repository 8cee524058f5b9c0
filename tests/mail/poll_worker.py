"""A poll-inbox worker in its own process, killed with SIGKILL by itself once it has stored the Nth reply.

Run as `python -m tests.mail.poll_worker SETTINGS_JSON N`; the kill comes right after that reply's commit,
before the poll moves its folder past the rest of the batch, as a crash or an OOM kill would.
"""

import json
import os
import signal
import sys

from crm import create_app, events
from crm.outreach.inbox_polling import poll_inbox


def main() -> None:
    """Poll once, dying after the Nth stored reply."""
    settings, after = json.loads(sys.argv[1]), int(sys.argv[2])
    stored = []

    def die(sender, **kw):
        stored.append(kw["reply_id"])
        if len(stored) >= after:
            os.kill(os.getpid(), signal.SIGKILL)

    events.reply_received.connect(die)
    app = create_app(settings)
    with app.app_context():
        print(json.dumps(poll_inbox()))


if __name__ == "__main__":
    main()
