"""A real IMAP server on 127.0.0.1: a throwaway Dovecot, all of it inside one temporary folder.

Any user name logs in with PASSWORD and has a mailbox of its own, made at its first login, so
each test takes a fresh user (`server.new_user()`) and one server serves a whole test session.
It speaks IMAP on `port` (STARTTLS offered, not required) and IMAP over TLS on `tls_port`,
with a certificate of its own for localhost and 127.0.0.1 (`certificate`).
Runs as root (Dovecot's own users own the mail) and as any other user (who owns everything)."""

from __future__ import annotations

import contextlib
import ctypes
import grp
import imaplib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

PASSWORD = "secret"
STARTUP_S = 15
PR_SET_PDEATHSIG = 1  # Linux prctl(2)
INSTALL_HINT = "install Debian's dovecot-imapd (apt-get install dovecot-imapd)"


class DovecotMissing(RuntimeError):
    pass


def dovecot_binary() -> str:
    for candidate in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise DovecotMissing(f"dovecot is not installed: {INSTALL_HINT}.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _system_user(*names: str) -> str:
    for name in names:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    raise DovecotMissing(f"none of the users {', '.join(names)} exists: {INSTALL_HINT}.")


def _config(directory: Path, port: int, tls_port: int) -> str:
    if os.geteuid() == 0:
        # Dovecot refuses to run its processes as root: its own unprivileged users, and the
        # mail owned by a user that is not root.
        internal = _system_user("dovecot", "nobody")
        login = _system_user("dovenull", "nobody")
        mail_user = pwd.getpwnam(internal)
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
        os.chown(directory / "mail", uid, gid)
    else:
        internal = login = pwd.getpwuid(os.getuid()).pw_name
        uid, gid = os.getuid(), os.getgid()
    return f"""\
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{directory}/certificate.pem
ssl_key = <{directory}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = mdbox:{directory}/mail/%u
mail_fsync = never
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={directory}/mail/%u
}}
service anvil {{
  chroot =
  # No auth penalty: after the wrong-password test, the next login would wait 4 s.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


class Dovecot:
    """A running throwaway Dovecot; `stop()` ends it and removes its folder."""

    def __init__(self, directory: Path, port: int, tls_port: int, process: subprocess.Popen[bytes]):
        self.directory, self.port, self.tls_port, self.process = directory, port, tls_port, process
        # Its self-made certificate (localhost, 127.0.0.1): trusted by a client only when
        # SSL_CERT_FILE names it.
        self.certificate = directory / "certificate.pem"
        self._users = itertools.count(1)

    def new_user(self, prefix: str = "user") -> str:
        """A user name never used before in this server: an empty mailbox."""
        return f"{prefix}{next(self._users)}"

    def mailbox(self) -> Mailbox:
        """A fresh, empty mailbox of its own user."""
        return Mailbox(self, self.new_user())

    def url(self, user: str, folder: str = "", *, password: str = PASSWORD) -> str:
        return f"imap://{user}:{password}@127.0.0.1:{self.port}/{folder}"

    @contextlib.contextmanager
    def session(self, user: str) -> Iterator[imaplib.IMAP4]:
        """A logged-in imaplib connection of `user`."""
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            imap.login(user, PASSWORD)
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def append(self, user: str, messages: Iterable[bytes], folder: str = "INBOX") -> int:
        """APPEND the messages to `folder` (created when missing); returns how many."""
        with self.session(user) as imap:
            if folder != "INBOX":
                imap.create(f'"{folder}"')
            return append(imap, folder, messages)

    def messages(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """The raw messages of `folder`, in UID order ([] when it does not exist)."""
        with self.session(user) as imap:
            typ, _data = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            typ, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
            return [item[1] for item in data if isinstance(item, tuple)]

    def flags(self, user: str, folder: str = "INBOX") -> list[str]:
        """Each message's flags, in UID order."""
        with self.session(user) as imap:
            imap.select(f'"{folder}"', readonly=True)
            _typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            return [item.decode() for item in data if isinstance(item, bytes)]

    def kick(self, user: str) -> None:
        """Drop every connection of `user`, as a server restart or a network cut would."""
        subprocess.run(
            [
                shutil.which("doveadm") or "/usr/bin/doveadm",
                "-c",
                str(self.directory / "dovecot.conf"),
                "kick",
                user,
            ],
            check=True,
            capture_output=True,
            timeout=10,
        )

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.directory / "dovecot.log").read_text(errors="replace")
        return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


class Mailbox:
    """One user's mailbox on the server: its URL, and what a test puts in it or reads back."""

    def __init__(self, server: Dovecot, user: str):
        self.server, self.user = server, user

    def url(self, folder: str = "", *, password: str = PASSWORD) -> str:
        return self.server.url(self.user, folder, password=password)

    def append(self, messages: Iterable[bytes], folder: str = "INBOX") -> int:
        return self.server.append(self.user, messages, folder)

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        return self.server.messages(self.user, folder)

    def flags(self, folder: str = "INBOX") -> list[str]:
        return self.server.flags(self.user, folder)

    def kick(self) -> None:
        self.server.kick(self.user)


def start_dovecot() -> Dovecot:
    """Start Dovecot on a free loopback port and wait until it greets; raises DovecotMissing
    when it is not installed, RuntimeError (with its log) when it does not start."""
    binary = dovecot_binary()
    # Not pytest's tmp_path: that is private to its owner (0700), and as root the mail
    # belongs to Dovecot's unprivileged user, who must reach it.
    directory = Path(tempfile.mkdtemp(prefix="dovecot-"))
    directory.chmod(0o755)
    for name in ("mail", "run", "state"):
        (directory / name).mkdir()
    port, tls_port = free_port(), free_port()
    _make_certificate(directory)
    (directory / "dovecot.conf").write_text(_config(directory, port, tls_port))
    with open(directory / "stderr.log", "wb") as stderr_file:  # the child keeps its copy
        process = subprocess.Popen(
            [binary, "-F", "-c", str(directory / "dovecot.conf")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
            preexec_fn=_end_with_parent,  # a killed test run leaves no server behind
        )
    server = Dovecot(directory, port, tls_port, process)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _greets(port):
            return server
        time.sleep(0.05)
    stderr = (directory / "stderr.log").read_text(errors="replace")
    log = server.log()
    server.stop()
    raise RuntimeError(f"Dovecot did not start on 127.0.0.1:{port}:\n{stderr}\n{log}")


def append(imap: imaplib.IMAP4, folder: str, messages: Iterable[bytes], *, chunk: int = 500) -> int:
    """APPEND the messages to `folder` of a logged-in connection; returns how many.

    Up to `chunk` in one command (MULTIAPPEND, RFC 3502, with LITERAL+, RFC 7888) when the
    server has both, as Dovecot does: one command each, as imaplib's own append makes, took
    2 s a thousand. Else one at a time."""
    capabilities = set(" ".join(_text(c) for c in imap.capability()[1]).upper().split())
    if not {"MULTIAPPEND", "LITERAL+"} <= capabilities:
        count = 0
        for raw in messages:
            typ, data = imap.append(f'"{folder}"', None, None, raw)
            assert typ == "OK", data
            count += 1
        return count
    count = 0
    pending = iter(messages)
    while part := list(itertools.islice(pending, chunk)):
        tag = f"M{count}"
        literals = b" ".join(f"{{{len(raw)}+}}\r\n".encode() + raw for raw in part)
        imap.send(f'{tag} APPEND "{folder}" '.encode() + literals + b"\r\n")
        while True:
            line = imap.readline().decode(errors="replace")
            assert line, "the server closed the connection during APPEND"
            if line.startswith(f"{tag} "):
                assert line.startswith(f"{tag} OK"), line
                break
        count += len(part)
    return count


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _make_certificate(directory: Path) -> None:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(directory / "key.pem"), "-out", str(directory / "certificate.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    (directory / "key.pem").chmod(0o600)


def _end_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            return connection.recv(64).startswith(b"* OK")
    except OSError:
        return False
