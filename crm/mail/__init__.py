"""The one mail path: the message we build, its MIME writer, backends, delivery, and inbound readers and parsing."""
