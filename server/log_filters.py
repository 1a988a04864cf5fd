"""What uvicorn writes to the log, made safe and short.

Secrets never reach the log: a moderator's invite token, a projector's key and a
registration's personal link ride in the link (`/c/x/moderate/<token>`,
`/c/x/projector/<key>`, `/c/x/registration/<token>`, a socket's `?key=`), and whoever
reads an access line could otherwise moderate a room, watch its board or cancel
someone's registration. A client's
malformed frame is worth one line, not a traceback."""

import logging
import re

# A path segment after these words, or the value of these query parameters.
_IN_PATH = re.compile(r"(/(?:moderate|projector|registration)/)[^/?#\s\"]+")
_IN_QUERY = re.compile(r"([?&](?:key|token)=)[^&#\s\"]+")
MASK = "***"  # ASCII, like the rest of a quoted path: any log stream can write it
# uvicorn's lines: requests on "uvicorn.access", socket handshakes on "uvicorn.error".
LOGGERS = ("uvicorn.access", "uvicorn.error")


def masked(text: str) -> str:
    return _IN_QUERY.sub(rf"\g<1>{MASK}", _IN_PATH.sub(rf"\g<1>{MASK}", text))


class SecretsMasked(logging.Filter):
    """Rewrites the record's arguments, not its format: uvicorn's formatter unpacks them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(masked(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = masked(record.msg)
        return True


class OneLineForBadText(logging.Filter):
    """uvicorn logs a text frame that is not UTF-8 with a traceback of its own before it
    closes the socket with 1007: a client's mistake, worth one line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Invalid UTF-8"):
            record.exc_info, record.exc_text = None, None
        return True


_SECRETS_MASKED = SecretsMasked()
_ONE_LINE_FOR_BAD_TEXT = OneLineForBadText()


def install() -> None:
    """Install the filters on uvicorn's loggers (once however often it is called; logging
    configuration that uvicorn applies later keeps a logger's filters)."""
    for name in LOGGERS:
        logging.getLogger(name).addFilter(_SECRETS_MASKED)
    logging.getLogger("uvicorn.error").addFilter(_ONE_LINE_FOR_BAD_TEXT)
