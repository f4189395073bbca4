"""The demo's and the tests' transport: each message is one UTF-8 file under MESSAGES_DIR.

The file is named after the message's idempotency key, written to a temporary name and renamed,
so a resend after a crash replaces the same file: a reader never sees a half message, and never
two copies of one (hence `idempotent`).
"""

import hashlib
import os

from django.conf import settings

from .base import PermanentError, Transport


def file_name(message):
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:16]
    return f"{message.created_at:%Y%m%d-%H%M%S}-{message.channel}-{digest}.txt"


class FileTransport(Transport):
    name = "file"
    idempotent = True

    def send(self, message):
        folder = settings.MESSAGES_DIR
        path = folder / file_name(message)
        lines = [
            f"To: {message.recipient}",
            f"Channel: {message.channel}",
            f"Language: {message.language}",
            f"Template: {message.template}",
        ]
        if message.subject:
            lines.append(f"Subject: {message.subject}")
        text = "\n".join(lines) + "\n\n" + message.body + "\n"
        temporary = path.with_suffix(".part")
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as error:
            raise PermanentError(f"cannot write {path.name}: {error.strerror}") from error
        return path.name
