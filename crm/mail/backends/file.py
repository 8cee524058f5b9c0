"""Mail backend that saves each message as an .eml file, for development, demos and the in-app outbox viewer."""

from __future__ import annotations

import contextlib
import email.policy
import hashlib
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

from crm.mail.message import ACCEPTED, OutgoingMessage, SendOutcome, retry_later, utc_now
from crm.mail.mime import to_email_message

PROVIDER_PREFIX = "file-"


class FileBackend:
    """Writes one .eml per idempotency key; sending the same message again returns the first result."""

    name = "file"

    def __init__(self, directory: str | Path, clock: Callable[[], datetime] = utc_now):
        self.directory = Path(directory)
        self.clock = clock

    def _provider_id(self, message: OutgoingMessage) -> str:
        return PROVIDER_PREFIX + hashlib.sha256(message.idempotency_key.encode("utf-8")).hexdigest()[:24]

    def path_for(self, provider_message_id: str) -> Path:
        """Where the .eml for a provider message id lives."""
        digest = provider_message_id.removeprefix(PROVIDER_PREFIX)
        if not digest.isalnum():
            raise ValueError("not a file backend message id")
        return self.directory / f"{digest}.eml"

    def find(self, idempotency_key: str) -> str | None:
        """The provider id of the message saved under this idempotency key, or None if none was saved."""
        digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:24]
        return PROVIDER_PREFIX + digest if self.path_for(PROVIDER_PREFIX + digest).exists() else None

    def read(self, provider_message_id: str) -> EmailMessage:
        """The saved message, for the outbox viewer."""
        data = self.path_for(provider_message_id).read_bytes()
        return message_from_bytes(data, _class=EmailMessage, policy=email.policy.default)

    def send(self, message: OutgoingMessage, attempt: int = 1) -> SendOutcome:
        """Save the message; a second send with the same idempotency key writes nothing."""
        provider_id = self._provider_id(message)
        final = self.path_for(provider_id)
        if final.exists():
            return SendOutcome(ACCEPTED, provider_message_id=provider_id, reason="already saved")
        data = to_email_message(message, self.clock()).as_bytes()
        temporary = self.directory / f".{final.name}.{uuid.uuid4().hex}.tmp"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            # a hard link fails if the name exists, so of two workers racing only one message is kept
            with contextlib.suppress(FileExistsError):
                os.link(temporary, final)
        except OSError as exc:
            return retry_later(self.clock(), attempt, f"could not save the message: {exc.strerror or exc}")
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        return SendOutcome(ACCEPTED, provider_message_id=provider_id)
