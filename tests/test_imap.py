"""Reading a mailbox (registry.adapters.imap) against a real Dovecot on 127.0.0.1."""

from __future__ import annotations

import hashlib
import re
import ssl
import time
from dataclasses import replace
from email.parser import BytesHeaderParser

import pytest

from registry.adapters import imap
from registry.adapters.imap import ConnectionLost, MailboxError, Security


def letter(number: int, *, message_id: bool = True) -> bytes:
    """A brand's reply to the registry's reply address, as a mail server would deliver it."""
    header = f"Message-ID: <reply{number}@brand.example>\r\n" if message_id else ""
    return (
        f"From: Legal <legal{number}@brand.example>\r\n"
        f"To: reply+token{number}@registry.example\r\n"
        f"Subject: Re: your request {number}\r\n"
        f"{header}"
        "Date: Mon, 07 Dec 2026 10:00:00 +0100\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "\r\n"
        f"Hello,\r\n\r\nwe received your request {number}.\r\n"
    ).encode()


def subject(raw: bytes) -> str:
    return str(BytesHeaderParser().parsebytes(raw)["Subject"])


class Store:
    """Stands for the use case: keeps each message once (by Message-ID, else by SHA-256), and
    answers "duplicate" for one it already has, as registry.services.mail_intake does."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.kept: dict[str, bytes] = {}

    def __call__(self, raw: bytes) -> str:
        self.calls.append(subject(raw))
        key = BytesHeaderParser().parsebytes(raw)["Message-ID"] or hashlib.sha256(raw).hexdigest()
        if key in self.kept:
            return "duplicate"
        self.kept[key] = raw
        return "matched"


class Interrupted(BaseException):
    """Like KeyboardInterrupt: not an error of one message, the end of the run."""


def test_each_message_is_handled_once_then_moved_to_the_processed_folder(mailbox):
    sent = [letter(1), letter(2), letter(3, message_id=False)]
    mailbox.append(sent)
    store = Store()

    report = imap.fetch(mailbox.url(), store)

    assert store.calls == ["Re: your request 1", "Re: your request 2", "Re: your request 3"]
    assert list(store.kept.values()) == sent  # the bytes as delivered, untouched
    assert (report.total, report.seen, report.handled, report.failed, report.moved) == (
        3, 3, 3, 0, 3
    )  # fmt: skip
    assert mailbox.messages("INBOX") == []
    assert mailbox.messages("Processed") == sent
    # Read with BODY.PEEK: a person reading the mailbox still sees them as new.
    assert not any("\\Seen" in flags for flags in mailbox.flags("Processed"))


def test_a_second_run_handles_nothing(mailbox):
    mailbox.append([letter(1), letter(2)])
    imap.fetch(mailbox.url(), Store())
    store = Store()

    report = imap.fetch(mailbox.url(), store)

    assert store.calls == []
    assert (report.total, report.handled, report.moved) == (0, 0, 0)
    assert len(mailbox.messages("Processed")) == 2


def test_a_message_the_handler_raises_on_stays_in_the_folder_and_the_others_move(mailbox):
    mailbox.append([letter(1), letter(2), letter(3)])
    store = Store()

    def handle(raw: bytes) -> str:
        if subject(raw).endswith(" 2"):
            raise ValueError("cannot read this one")
        return store(raw)

    report = imap.fetch(mailbox.url(), handle)

    assert (report.handled, report.failed, report.moved) == (2, 1, 2)
    assert len(report.failures) == 1
    assert report.failures[0].reason == "ValueError: cannot read this one"
    assert [subject(raw) for raw in mailbox.messages("INBOX")] == ["Re: your request 2"]
    assert [subject(raw) for raw in mailbox.messages("Processed")] == [
        "Re: your request 1",
        "Re: your request 3",
    ]
    assert "1 failed" in report.summary()


def test_an_interrupted_run_leaves_exactly_the_rest_to_the_next(mailbox):
    mailbox.append([letter(number) for number in range(1, 11)])
    store = Store()

    def handle(raw: bytes) -> str:
        if subject(raw).endswith(" 5"):
            raise Interrupted
        return store(raw)

    with pytest.raises(Interrupted):
        imap.fetch(mailbox.url(), handle, batch=3)
    assert len(mailbox.messages("Processed")) == 4  # 1-3 moved with their batch, 4 on the way out
    store.calls.clear()

    imap.fetch(mailbox.url(), store, batch=3)

    assert store.calls == [f"Re: your request {number}" for number in range(5, 11)]
    assert len(store.kept) == 10
    assert mailbox.messages("INBOX") == []


def test_a_fatal_error_ends_the_run_and_keeps_what_was_handled(mailbox):
    """The database is down: every message would fail alike, so the first ends the run."""
    mailbox.append([letter(number) for number in range(1, 6)])
    store = Store()

    class DatabaseDown(Exception):
        pass

    def handle(raw: bytes) -> str:
        if subject(raw).endswith(" 3"):
            raise DatabaseDown("no database")
        return store(raw)

    with pytest.raises(DatabaseDown):
        imap.fetch(mailbox.url(), handle, fatal=(DatabaseDown,))

    assert len(mailbox.messages("Processed")) == 2
    assert [subject(raw) for raw in mailbox.messages("INBOX")] == [
        "Re: your request 3",
        "Re: your request 4",
        "Re: your request 5",
    ]


def test_a_dropped_connection_is_one_clear_error_and_the_next_run_reads_the_rest(mailbox):
    mailbox.append([letter(number) for number in range(1, 11)])
    store = Store()

    def handle(raw: bytes) -> str:
        if subject(raw).endswith(" 5"):
            mailbox.kick()  # the server drops the connection
        return store(raw)

    with pytest.raises(ConnectionLost) as lost:
        imap.fetch(mailbox.url(), handle, batch=3)

    assert "was lost after 6 of 10 messages" in str(lost.value)
    assert "run again" in str(lost.value)
    assert "\n" not in str(lost.value)
    assert lost.value.report.moved == 3  # the first batch; 4-6 were handled, not moved
    store.calls.clear()

    report = imap.fetch(mailbox.url(), store, batch=3)

    # 4-6 come back and the use case answers "duplicate"; each message is kept once.
    assert store.calls == [f"Re: your request {number}" for number in range(4, 11)]
    assert len(store.kept) == 10
    assert (report.handled, report.moved) == (7, 7)
    assert mailbox.messages("INBOX") == []
    assert len(mailbox.messages("Processed")) == 10


def test_a_wrong_password_is_one_clear_line_without_the_password(mailbox):
    with pytest.raises(MailboxError) as refused:
        imap.fetch(mailbox.url(password="not-the-password"), Store())

    message = str(refused.value)
    assert message.startswith(f"127.0.0.1 refused the login of {mailbox.user}:")
    assert "Authentication failed" in message
    assert "not-the-password" not in message


def test_an_unknown_folder_is_named(mailbox):
    with pytest.raises(MailboxError, match='Cannot open the folder "Nowhere" of user'):
        imap.fetch(mailbox.url("Nowhere"), Store())


def test_an_unreachable_server_is_named():
    from tests.imapserver import free_port

    port = free_port()  # nothing listens there
    with pytest.raises(MailboxError, match=f"Cannot reach the IMAP server 127.0.0.1:{port}: "):
        imap.fetch(f"imap://someone:pw@127.0.0.1:{port}/INBOX", Store())


def test_the_processed_folder_is_made_when_missing_with_any_name(mailbox):
    mailbox.append([letter(1)])

    imap.fetch(mailbox.url(), Store(), processed_folder="Traité & rangé")

    # IMAP names folders in modified UTF-7 (RFC 3501 5.1.3).
    assert len(mailbox.messages("Trait&AOk- &- rang&AOk-")) == 1


def test_the_folder_read_cannot_be_the_processed_one(mailbox):
    with pytest.raises(MailboxError, match="cannot be the folder read"):
        imap.fetch(mailbox.url("Processed"), Store())


def test_the_folder_option_reads_another_folder_than_the_urls(mailbox):
    mailbox.append([letter(1)], folder="Replies")
    mailbox.append([letter(2)])
    store = Store()

    imap.fetch(mailbox.url(), store, folder="Replies")

    assert store.calls == ["Re: your request 1"]
    assert len(mailbox.messages("INBOX")) == 1


def test_progress_sees_each_message_done_out_of_the_total(mailbox):
    mailbox.append([letter(number) for number in range(1, 5)])
    seen: list[tuple[int, int]] = []

    imap.fetch(
        mailbox.url(), Store(), batch=3, progress=lambda done, total: seen.append((done, total))
    )

    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_thousand_messages_are_read_and_moved_in_batches(mailbox, dovecot):
    mailbox.append(letter(number) for number in range(1, 1001))
    store = Store()
    left_at_batch_start: list[int] = []

    def handle(raw: bytes) -> str:
        if subject(raw) in ("Re: your request 201", "Re: your request 401"):
            with dovecot.session(mailbox.user) as other:
                left_at_batch_start.append(int(other.select("INBOX", readonly=True)[1][0]))
        return store(raw)

    started = time.perf_counter()
    report = imap.fetch(mailbox.url(), handle, batch=200)
    seconds = time.perf_counter() - started

    assert (report.total, report.handled, report.moved) == (1000, 1000, 1000)
    assert len(store.kept) == 1000
    # Each batch of 200 is moved as soon as it is handled, before the next is read.
    assert left_at_batch_start == [800, 600]
    assert mailbox.messages("INBOX") == []
    assert seconds < 10, f"reading 1,000 messages took {seconds:.1f} s"


def test_without_move_the_messages_are_copied_then_expunged(mailbox):
    """Servers without RFC 6851 MOVE (Dovecot has it: the older way is asked for by name)."""
    mailbox.append([letter(1), letter(2), letter(3)])
    mailbox.append([], folder="Done")
    address = imap.parse_url(mailbox.url())

    with imap.connect(address) as connection:
        connection.select("INBOX")
        moved = imap.move(connection, [1, 3], "Done", {"UIDPLUS"})

    assert moved == 2
    assert [subject(raw) for raw in mailbox.messages("INBOX")] == ["Re: your request 2"]
    assert [subject(raw) for raw in mailbox.messages("Done")] == [
        "Re: your request 1",
        "Re: your request 3",
    ]


def test_imaps_reads_the_mailbox_over_tls(mailbox, dovecot, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.certificate))  # trust its own certificate
    mailbox.append([letter(1)])
    store = Store()

    report = imap.fetch(f"imaps://{mailbox.user}:secret@localhost:{dovecot.tls_port}/", store)

    assert store.calls == ["Re: your request 1"]
    assert report.moved == 1


def test_an_untrusted_certificate_is_refused(mailbox, dovecot):
    url = f"imaps://{mailbox.user}:secret@localhost:{dovecot.tls_port}/"

    with pytest.raises(MailboxError) as refused:
        imap.fetch(url, Store())

    assert str(refused.value) == (
        f"Cannot reach the IMAP server localhost:{dovecot.tls_port}: "
        "its certificate is not trusted (self-signed certificate)."
    )


def test_starttls_secures_the_connection_before_the_password_is_sent(mailbox, dovecot, monkeypatch):
    """imap:// to any server but a loopback one: here asked for by name, on loopback."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.certificate))
    address = replace(imap.parse_url(mailbox.url()), host="localhost", security=Security.STARTTLS)

    with imap.connect(address) as connection:
        assert isinstance(connection.sock, ssl.SSLSocket)
        assert connection.state == "AUTH"


# --- IMAP_URL, read without a server ------------------------------------------------------


def test_imaps_is_tls_from_the_start_on_port_993_by_default():
    address = imap.parse_url("imaps://registry%40example.org:p%40ss%2Fword@mail.example.org/")

    assert address.security is Security.TLS
    assert (address.host, address.port) == ("mail.example.org", 993)
    assert (address.user, address.password) == ("registry@example.org", "p@ss/word")
    assert address.folder == "INBOX"


def test_imap_to_another_machine_upgrades_with_starttls_on_port_143():
    address = imap.parse_url("imap://u:p@mail.example.org/Replies%20in")

    assert address.security is Security.STARTTLS
    assert address.port == 143
    assert address.folder == "Replies in"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.2"])
def test_imap_on_loopback_needs_no_tls(host):
    address = imap.parse_url(f"imap://u:p@{host}:1143/INBOX")

    assert address.security is Security.NONE
    assert address.port == 1143


def test_the_url_is_shown_without_its_password():
    address = imap.parse_url("imaps://bot:hunter2@mail.example.org:9993/Inbox")

    assert str(address) == "imaps://bot@mail.example.org:9993/Inbox"
    assert "hunter2" not in repr(address)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("pop3://u:p@mail.example.org/", "must start with imap:// or imaps://, not pop3://"),
        ("mail.example.org", "must start with imap:// or imaps://, not (nothing)://"),
        ("imap://u:p@/INBOX", "names no server"),
        ("imap://mail.example.org/INBOX", "names no user"),
        ("imap://u:p@mail.example.org:port/INBOX", "no valid port"),
    ],
)
def test_a_wrong_url_is_one_clear_line(url, said):
    with pytest.raises(MailboxError, match=re.escape(said)):
        imap.parse_url(url)
