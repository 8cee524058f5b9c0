"""Run send-due in its own process and SIGKILL that process at a named point (the outbox crash tests' sender).

Usage: python -m tests.outreach.crash_sender SETTINGS_JSON POINT
"""

from __future__ import annotations

import json
import os
import signal
import sys


def main() -> None:
    """Create the app from the settings, arm the crash point and send what is due."""
    settings, point = json.loads(sys.argv[1]), sys.argv[2]
    from crm import create_app
    from crm.outreach import sending

    app = create_app(settings)

    def crash(at: str, message_id: int) -> None:
        if at == point:
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no rollback: as if the machine died here

    sending.CHECKPOINT = crash
    with app.app_context():
        print(json.dumps(sending.send_due(workers=1)))


if __name__ == "__main__":
    main()
