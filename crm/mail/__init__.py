"""The one mail path: the message we build, backends, and inbound readers (IMAP polling)."""
