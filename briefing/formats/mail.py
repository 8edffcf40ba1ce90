"""Email newsletters: one message (an ``.eml`` file or a Maildir message) as one article.

The standard library's ``email`` package undoes the transfer encodings
(quoted-printable, base64), the charsets and the MIME structure. The subject
is the title, ``From`` the source, ``Date`` the date, and the ``List-Id`` (or
the sender's address) the tag. The body is the plain-text part, unless the
message has none (or only a stub that points to the HTML), in which case the
HTML part goes through the same extraction as a saved page. What newsletters
wrap around their stories is then taken out and listed (see
:mod:`briefing.formats.newsletter`).
"""

from __future__ import annotations

import email
import email.policy
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from briefing.formats import newsletter
from briefing.formats.document import Document
from briefing.model import UnreadableFile

# A message of more parts than this is not a newsletter; the rest are not read.
MAX_PARTS = 200
# A plain-text part shorter than this, beside an HTML part, is a stub ("view
# this message in a browser"): the HTML part holds the newsletter.
STUB_CHARS = 400


def read_message(data: bytes, name: str) -> Document:
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except (RecursionError, ValueError, TypeError, IndexError, LookupError) as exc:
        raise UnreadableFile(f"{name}: not a readable email message ({type(exc).__name__})") from None
    doc = Document()
    if not isinstance(msg, EmailMessage) or not any(msg.get(h) for h in ("From", "Subject", "Date", "Content-Type")):
        doc.warnings.append(f"{name}: no email headers (From, Subject, Date); read as plain text")
    doc.title = _header(msg, "Subject", doc, name)
    sender = _sender(msg, doc, name)
    if sender is not None:
        doc.source = sender.display_name or sender.addr_spec or None
    doc.date = _date(msg, doc, name)
    tag = _list_tag(msg, doc, name) or (sender.addr_spec.lower() if sender is not None and sender.addr_spec else None)
    if tag:
        doc.tags = [tag]
    try:
        plain, html = _bodies(msg, doc, name)
    except RecursionError:
        raise UnreadableFile(f"{name}: MIME parts nested too deeply to read") from None
    if html is not None and (plain is None or len(newsletter.visible(plain)) < STUB_CHARS):
        newsletter.from_html(html, doc, name)
    elif plain is not None:
        newsletter.from_plain_text(plain, doc)
    else:
        doc.warnings.append(f"{name}: the message has no text or HTML part to show")
    newsletter.arrange(doc)
    return doc


def _header(msg: EmailMessage, key: str, doc: Document, name: str) -> str | None:
    try:
        value = msg.get(key)
    except (ValueError, TypeError, IndexError, AttributeError, LookupError):
        doc.warnings.append(f"{name}: the {key} header cannot be read; left out")
        return None
    return str(value) if value is not None else None


def _sender(msg: EmailMessage, doc: Document, name: str) -> Address | None:
    raw = _header(msg, "From", doc, name)
    if not raw:
        return None
    try:
        addresses = msg["From"].addresses
        if addresses:
            return addresses[0]
    except (AttributeError, TypeError, IndexError, ValueError):
        pass
    # A From header the registry cannot parse: take what getaddresses finds.
    pairs = getaddresses([raw])
    if pairs and (pairs[0][0] or pairs[0][1]):
        display, addr = pairs[0]
        try:
            return Address(display_name=display, addr_spec=addr if "@" in addr else "")
        except (ValueError, IndexError):
            return Address(display_name=display or addr)
    return None


def _date(msg: EmailMessage, doc: Document, name: str):
    raw = _header(msg, "Date", doc, name)
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        doc.warnings.append(f"{name}: the Date header is not a date ({raw[:40]!r}); left out")
        return None


_LIST_ID = re.compile(r"^\s*(?:\"?([^<\"]*?)\"?\s*)?<([^>]+)>\s*$")


def _list_tag(msg: EmailMessage, doc: Document, name: str) -> str | None:
    """The mailing list's name ('Daily Brief') from List-Id, else its id ('daily.example.org')."""
    raw = _header(msg, "List-Id", doc, name)
    if not raw:
        return None
    m = _LIST_ID.match(raw)
    if not m:
        return raw.strip() or None
    phrase, ident = (m.group(1) or "").strip(), m.group(2).strip()
    return phrase or ident or None


def _bodies(msg: EmailMessage, doc: Document, name: str) -> tuple[str | None, str | None]:
    """The first text/plain and the first text/html part that are not attachments."""
    plain = html = None
    for n, part in enumerate(msg.walk()):
        if n >= MAX_PARTS:
            doc.warnings.append(f"{name}: more than {MAX_PARTS} MIME parts; the rest are not read")
            break
        if part.is_multipart():
            continue
        try:
            disposition = part.get_content_disposition()
        except (ValueError, TypeError, IndexError):
            disposition = None
        if disposition == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _text(part, doc, name)
        elif kind == "text/html" and html is None:
            html = _text(part, doc, name)
        elif kind == "message/rfc822":
            continue
    return plain, html


def _text(part, doc: Document, name: str) -> str:
    """A text part's content, decoded by its transfer encoding and charset."""
    try:
        payload = part.get_payload(decode=True) or b""
    except (ValueError, TypeError, IndexError, AssertionError):
        payload = b""
    charset = part.get_content_charset()
    try:
        if charset is None:
            raise LookupError  # no charset given: UTF-8 if it is, else Windows-1252
        return payload.decode(charset, errors="replace")
    except LookupError:
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text = payload.decode("cp1252", errors="replace")
        if charset is not None:
            doc.warnings.append(f"{name}: unknown charset {charset[:40]!r}; read as UTF-8 or Windows-1252")
        return text
