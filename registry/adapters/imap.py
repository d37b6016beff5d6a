"""Incoming e-mail, read from the mailbox IMAP_URL names, with the standard library's imaplib.

IMAP_URL: imap://user:password@host:143/INBOX (STARTTLS on every imap:// server but a loopback
one) or imaps://user:password@host:993/INBOX (TLS from the start); the user and the password
are URL-encoded (`%40` for an @), the folder defaults to INBOX.

`fetch` hands each message of the folder to a callable (the use case that stores it, which
commits), then moves it to a processed folder. A message is moved only after it was handled, so
whatever stops a run (a kill, a dropped connection) leaves the unmoved messages for the next
run: those already handled are answered as duplicates by the use case, then moved. Nothing is
marked seen before it is moved (BODY.PEEK), so a person reading the same mailbox sees the same.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import ipaddress
import re
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote, urlsplit

TIMEOUT_S = 30
BATCH = 200
# A batch is also cut by size, so a mailbox of large attachments is read a few at a time.
BATCH_BYTES = 64 * 1024 * 1024
DEFAULT_FOLDER = "INBOX"
PROCESSED_FOLDER = "Processed"

Handle = Callable[[bytes], object]
Progress = Callable[[int, int], None]


class Security(StrEnum):
    TLS = "tls"  # imaps://: TLS from the first byte
    STARTTLS = "starttls"  # imap:// to another machine: upgraded before the password is sent
    NONE = "none"  # imap:// on loopback: nothing leaves the machine


class MailboxError(RuntimeError):
    """The mailbox could not be read: a wrong URL or password, an unknown folder, a server out
    of reach. Its message is one line, fit for an operator."""


class ConnectionLost(MailboxError):
    """The server went away during a run; `report` says how far it got (the next run reads the
    rest)."""

    def __init__(self, message: str, report: FetchReport):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class MailboxAddress:
    """What IMAP_URL names."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str
    security: Security

    def __str__(self) -> str:
        """The URL without its password, for messages and logs."""
        scheme = "imaps" if self.security is Security.TLS else "imap"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{self.user}@{host}:{self.port}/{self.folder}"


@dataclass(frozen=True)
class Failure:
    uid: int
    reason: str


@dataclass
class FetchReport:
    """One run: `total` messages were waiting, `seen` were read, `handled` stored (or answered
    as duplicates), `failed` refused by the handler (left in the folder), `moved` moved."""

    total: int = 0
    seen: int = 0
    handled: int = 0
    failed: int = 0
    moved: int = 0
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.seen} message{'' if self.seen == 1 else 's'} read, {self.handled} handled, "
            f"{self.moved} moved"
        )
        return f"{text}, {self.failed} failed (left in the folder)." if self.failed else f"{text}."


def parse_url(url: str) -> MailboxAddress:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise MailboxError(
            f"IMAP_URL must start with imap:// or imaps://, not {parts.scheme or '(nothing)'}://"
        )
    try:
        port = parts.port
    except ValueError:
        raise MailboxError(
            f"IMAP_URL has no valid port: {parts.netloc.rpartition('@')[2]}"
        ) from None
    host = parts.hostname
    if not host:
        raise MailboxError("IMAP_URL names no server (imap://user:password@host/INBOX).")
    if not parts.username:
        raise MailboxError("IMAP_URL names no user (imap://user:password@host/INBOX).")
    if parts.scheme == "imaps":
        security = Security.TLS
    else:
        security = Security.NONE if is_loopback(host) else Security.STARTTLS
    return MailboxAddress(
        host=host,
        port=port or (993 if parts.scheme == "imaps" else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.strip("/")) or DEFAULT_FOLDER,
        security=security,
    )


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch(
    url: str,
    handle: Handle,
    *,
    folder: str | None = None,
    processed_folder: str = PROCESSED_FOLDER,
    batch: int = BATCH,
    progress: Progress | None = None,
    fatal: tuple[type[BaseException], ...] = (),
    timeout: float = TIMEOUT_S,
) -> FetchReport:
    """Hand every message of the folder (IMAP_URL's, or `folder`) to `handle(raw)`, oldest
    first, `batch` at a time, and move each handled one to `processed_folder` (created when
    missing). A message `handle` raised on stays in the folder and is counted as failed; the
    run goes on, unless it is one of the `fatal` errors (the database is down: every message
    would fail the same way), which ends the run. `progress(done, total)` is called at the
    start and after each message."""
    if batch < 1:
        raise MailboxError("The batch size must be at least 1.")
    address = parse_url(url)
    source = folder or address.folder
    if _folder_key(source) == _folder_key(processed_folder):
        raise MailboxError(f'The processed folder cannot be the folder read ("{source}").')
    report = FetchReport()
    with connect(address, timeout=timeout) as imap:
        try:
            capabilities = _capabilities(imap)
            run = _Run(imap, handle, processed_folder, capabilities, progress, fatal, report)
            _select(imap, address, source)
            _ensure_folder(imap, processed_folder)
            uids = _waiting_uids(imap, capabilities)
            report.total = len(uids)
            if progress:
                progress(0, report.total)
            for chunk in _chunks(uids, batch):
                for part in _by_size(imap, chunk):
                    run.read(part)
        except (imaplib.IMAP4.abort, OSError) as exc:
            raise ConnectionLost(
                f"The connection to {address.host} was lost after {report.handled + report.failed}"
                f" of {report.total} messages ({_reason(exc)}); run again to read the rest.",
                report,
            ) from exc
        except imaplib.IMAP4.error as exc:
            raise MailboxError(f"{address.host} refused a command: {_reason(exc)}") from exc
    return report


@contextlib.contextmanager
def connect(address: MailboxAddress, *, timeout: float = TIMEOUT_S) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection, logged out at the end."""
    context = ssl.create_default_context()
    where = f"{address.host}:{address.port}"
    try:
        if address.security is Security.TLS:
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                address.host, address.port, ssl_context=context, timeout=timeout
            )
        else:
            imap = imaplib.IMAP4(address.host, address.port, timeout=timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"Cannot reach the IMAP server {where}: {_reason(exc)}.") from exc
    try:
        try:
            if address.security is Security.STARTTLS:
                if "STARTTLS" not in imap.capabilities:
                    raise MailboxError(
                        f"{where} does not offer STARTTLS: the password would travel in clear; "
                        "use imaps:// if it speaks TLS on another port."
                    )
                try:
                    imap.starttls(ssl_context=context)
                except imaplib.IMAP4.abort:
                    raise
                except imaplib.IMAP4.error as exc:
                    raise MailboxError(f"STARTTLS failed with {where}: {_reason(exc)}") from exc
            _login(imap, address)
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise MailboxError(f"Cannot talk to the IMAP server {where}: {_reason(exc)}.") from exc
        yield imap
    finally:
        with contextlib.suppress(Exception):
            imap.logout()
        with contextlib.suppress(Exception):  # logout closes nothing when the server is gone
            imap.shutdown()


def _login(imap: imaplib.IMAP4, address: MailboxAddress) -> None:
    try:
        if address.user.isascii() and address.password.isascii():
            imap.login(address.user, address.password)
        else:  # LOGIN is ASCII only; SASL PLAIN carries UTF-8
            credentials = f"\0{address.user}\0{address.password}".encode()
            imap.authenticate("PLAIN", lambda _challenge: credentials)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        raise MailboxError(
            f"{address.host} refused the login of {address.user}: {_reason(exc)}"
        ) from exc


def _capabilities(imap: imaplib.IMAP4) -> frozenset[str]:
    """The capabilities after login (a server may offer more to a logged-in user)."""
    _typ, data = imap.capability()
    return frozenset(_text(data[-1]).upper().split()) if data and data[-1] else frozenset()


def _select(imap: imaplib.IMAP4, address: MailboxAddress, folder: str) -> None:
    typ, data = imap.select(_mailbox(folder))
    if typ != "OK":
        raise MailboxError(
            f'Cannot open the folder "{folder}" of {address.user} on {address.host}: '
            f"{_reason(data)}"
        )


def _ensure_folder(imap: imaplib.IMAP4, folder: str) -> None:
    name = _mailbox(folder)
    _typ, listed = imap.list('""', name)
    if any(item is not None for item in listed):
        return
    typ, data = imap.create(name)
    if typ != "OK" and b"ALREADYEXISTS" not in b" ".join(d for d in data if isinstance(d, bytes)):
        raise MailboxError(f'Cannot create the folder "{folder}": {_reason(data)}')
    imap.subscribe(name)  # so that mail clients show it


def _waiting_uids(imap: imaplib.IMAP4, capabilities: frozenset[str]) -> list[int]:
    """The UIDs of the folder's messages, oldest first; a message flagged \\Deleted (moved by a
    run that stopped before its EXPUNGE) is not waiting."""
    if "ESEARCH" in capabilities:  # ranges (1:5000) rather than one number each
        typ, data = imap.uid("SEARCH", "RETURN", "(ALL)", "UNDELETED")
        _check(typ, data)
        _typ, answers = imap.response("ESEARCH")
        text = " ".join(_text(answer) for answer in answers if answer)
        match = re.search(r"\bALL\s+([\d:,]+)", text)
        return sorted(_expand(match.group(1))) if match else []
    typ, data = imap.uid("SEARCH", "UNDELETED")
    _check(typ, data)
    return sorted(int(uid) for answer in data if answer for uid in _text(answer).split())


def _by_size(imap: imaplib.IMAP4, uids: Sequence[int]) -> Iterator[list[int]]:
    """`uids` cut into runs of at most BATCH_BYTES (a larger message alone)."""
    typ, data = imap.uid("FETCH", _uid_set(uids), "(UID RFC822.SIZE)")
    _check(typ, data)
    sizes: dict[int, int] = {}
    for item in data:
        head = item[0] if isinstance(item, tuple) else item
        uid, size = _number(head, b"UID"), _number(head, b"RFC822.SIZE")
        if uid is not None and size is not None:
            sizes[uid] = size
    part: list[int] = []
    bytes_in_part = 0
    for uid in uids:
        if uid not in sizes:
            continue  # expunged by someone else meanwhile
        if part and bytes_in_part + sizes[uid] > BATCH_BYTES:
            yield part
            part, bytes_in_part = [], 0
        part.append(uid)
        bytes_in_part += sizes[uid]
    if part:
        yield part


@dataclass
class _Run:
    """One run of `fetch` on a selected folder."""

    imap: imaplib.IMAP4
    handle: Handle
    processed_folder: str
    capabilities: frozenset[str]
    progress: Progress | None
    fatal: tuple[type[BaseException], ...]
    report: FetchReport = field(default_factory=FetchReport)

    def read(self, uids: Sequence[int]) -> None:
        """Hand one batch to the handler, then move what it took."""
        report = self.report
        messages = _fetch_bodies(self.imap, uids)
        report.seen += len(messages)
        handled: list[int] = []
        try:
            for uid, raw in messages:
                try:
                    self.handle(raw)
                except self.fatal:
                    raise
                except Exception as exc:
                    report.failed += 1
                    report.failures.append(Failure(uid, f"{type(exc).__name__}: {exc}"))
                else:
                    handled.append(uid)
                    report.handled += 1
                if self.progress:
                    self.progress(report.handled + report.failed, report.total)
        except BaseException:
            # Interrupted (Ctrl-C, a fatal error): keep what was handled out of the next run if
            # the server is still there; if not, the next run finds them again (duplicates).
            with contextlib.suppress(Exception):
                report.moved += self.move(handled)
            raise
        report.moved += self.move(handled)

    def move(self, uids: Sequence[int]) -> int:
        return move(self.imap, uids, self.processed_folder, self.capabilities)


def _fetch_bodies(imap: imaplib.IMAP4, uids: Sequence[int]) -> list[tuple[int, bytes]]:
    """The raw messages, in UID order; PEEK leaves them unseen."""
    typ, data = imap.uid("FETCH", _uid_set(uids), "(UID BODY.PEEK[])")
    _check(typ, data)
    found: dict[int, bytes] = {}
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            uid = _number(item[0], b"UID")
            if uid is not None and isinstance(item[1], bytes):
                found[uid] = item[1]
    return sorted(found.items())


def move(imap: imaplib.IMAP4, uids: Sequence[int], folder: str, capabilities: Iterable[str]) -> int:
    """Move the messages `uids` of the selected folder to `folder`: UID MOVE (RFC 6851) when
    the server has it, else copy, flag \\Deleted and expunge those alone (UIDPLUS)."""
    if not uids:
        return 0
    uid_set, mailbox = _uid_set(uids), _mailbox(folder)
    offered = set(capabilities)
    if "MOVE" in offered:
        typ, data = imap.uid("MOVE", uid_set, mailbox)
        _check(typ, data)
        return len(uids)
    typ, data = imap.uid("COPY", uid_set, mailbox)
    _check(typ, data)
    typ, data = imap.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)")
    _check(typ, data)
    if "UIDPLUS" in offered:
        typ, data = imap.uid("EXPUNGE", uid_set)
    else:  # the messages stay flagged \Deleted: EXPUNGE would also remove others' deletions
        typ, data = "OK", []
    _check(typ, data)
    return len(uids)


def _check(typ: str, data: list) -> None:
    if typ != "OK":
        raise imaplib.IMAP4.error(_reason(data))


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _uid_set(uids: Iterable[int]) -> str:
    """1,2,3,5 as "1:3,5": a short command line for a long run of messages."""
    ranges: list[list[int]] = []
    for uid in sorted(uids):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in ranges)


def _expand(uid_set: str) -> Iterator[int]:
    for part in uid_set.split(","):
        first, _, last = part.partition(":")
        yield from range(int(first), int(last or first) + 1)


def _number(head: bytes, name: bytes) -> int | None:
    match = re.search(rb"\b" + re.escape(name) + rb" (\d+)", head)
    return int(match.group(1)) if match else None


def _mailbox(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    encoded = _modified_utf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _modified_utf7(name: str) -> str:
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            packed = base64.b64encode("".join(pending).encode("utf-16-be")).rstrip(b"=")
            out.append("&" + packed.replace(b"/", b",").decode("ascii") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _folder_key(name: str) -> str:
    return "INBOX" if name.upper() == "INBOX" else name  # INBOX alone is case-insensitive


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _reason(error: object) -> str:
    """The server's or the system's words, on one line, without Dovecot's timings."""
    if isinstance(error, list):
        text = " ".join(_text(item) for item in error if item is not None)
    elif isinstance(error, imaplib.IMAP4.error) and error.args:
        text = _text(error.args[0])
    elif isinstance(error, ssl.SSLCertVerificationError):
        text = f"its certificate is not trusted ({error.verify_message})"
    elif isinstance(error, TimeoutError):
        text = "no answer in time"
    elif isinstance(error, OSError) and error.strerror:
        text = error.strerror
    else:
        text = _text(error) or type(error).__name__
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    text = re.sub(r"\s*\(\d+\.\d+ \+ \d+\.\d+( \+ \d+\.\d+)? secs\)", "", text)
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", text)
    return " ".join(text.split()) or "no reason given"
