"""Reading what a message says: its bytes made safe to parse, its text decoded, its new text.

Incoming mail is written by any program, and some write it badly. The rules here turn it
into text without ever raising (registry.domain.correspondence relies on it):

- ``bound_headers``: a header field is kept to MAX_FIELD_CHARS and a header block to
  MAX_FIELDS fields *before* Python's ``email`` package sees them, because that package
  takes minutes on a Content-Type of a few megabytes with many parameters or a From of many
  thousand addresses (both measured: 165 s and 214 s for 2 MB). Nothing a person wrote is
  that long.
- ``decode``: bytes to text in the charset the message declares — but valid UTF-8 wins over
  any other label (a mislabelled UTF-8 body is common, and other charsets' text is almost
  never valid UTF-8 by chance), ISO-8859-1 and US-ASCII labels are read as windows-1252 (as
  every browser does: Outlook's curly quotes are labelled latin-1), and an unknown label or
  text not in its label falls back to windows-1252. A statistical detector (charset-normalizer)
  was tried and left out: on short French mails it answers cp1250, UTF-16 or Shift-JIS.
- ``html_to_text``: an HTML-only message as the lines a reader sees (BeautifulSoup, with the
  standard library's parser): no script, style or head, entities decoded, quoted blocks
  written ``>`` as a plain-text client would.
- ``new_text``: the reply without the thread it quotes and without its signature. The
  reply-extraction libraries were tried on the corpus (/work/shared/mail-corpus) and each
  failed some of it (mail-parser-reply 1.36: an Android reply in Russian, a Thunderbird
  bottom-post, "---Original Message---"; quotequail 0.5.4: Hotmail, Outlook, Thunderbird),
  so the markers are listed here, in French and English, each from a real client.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag

MAX_FIELD_CHARS = 16_384
MAX_CONTENT_FIELD_CHARS = 2_000  # Content-Type and the like: parsed again at each look-up
MAX_FIELDS = 1_000
MAX_TEXT_CHARS = 100_000
MAX_HTML_CHARS = 300_000  # BeautifulSoup reads about 300 kB a second here: a reply is short
SUMMARY_CHARS = 4_000

_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Labels every browser reads as windows-1252 (WHATWG Encoding Standard), Python's names.
_WINDOWS_1252 = {"ascii", "latin_1", "iso8859_1", "cp1252"}
_WIDE = ("utf_16", "utf_32")


def bound_headers(raw: bytes) -> tuple[bytes, list[str]]:
    """The message with each header field and block bounded, and what was cut."""
    if len(raw) <= MAX_CONTENT_FIELD_CHARS:
        return raw, []
    out: list[bytes] = []
    cut = False
    in_headers, field_chars, fields, limit = True, 0, 0, MAX_FIELD_CHARS
    for line in raw.splitlines(keepends=True):
        if in_headers:
            if line[:1] in (b" ", b"\t") and fields:
                field_chars += len(line)
                if field_chars > limit or fields > MAX_FIELDS:
                    cut = True
                    continue
            elif _HEADER_LINE.match(line) or line.startswith(b"From "):
                fields += 1
                field_chars = len(line)
                content = line[:8].lower() == b"content-"
                limit = MAX_CONTENT_FIELD_CHARS if content else MAX_FIELD_CHARS
                if fields > MAX_FIELDS:
                    cut = True
                    continue
                if field_chars > limit:
                    cut = True
                    line = line[:limit] + b"\r\n"
            else:
                in_headers = False
        elif line[:2] == b"--" and len(line) < 200:
            # A MIME boundary: the part's own headers follow.
            in_headers, field_chars, fields = True, 0, 0
        out.append(line)
    return b"".join(out), ["header too long"] if cut else []


def codec_of(label: str | None) -> str | None:
    """Python's name for a charset label, None when it names no text encoding."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
        "".encode(info.name)  # a bytes-to-bytes codec (base64, zlib) is no charset
    except (LookupError, ValueError, TypeError):
        return None
    return info.name.replace("-", "_")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _windows_1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes windows-1252 leaves undefined
        return data.decode("latin-1")


def decode(data: bytes, label: str | None) -> tuple[str, list[str]]:
    """Bytes as text, and what was wrong with their charset (see the module's docstring)."""
    codec = codec_of(label)
    defects: list[str] = []
    if label and codec is None:
        defects.append(f"unknown charset {label.strip()[:40]}")
    if codec is not None and codec.startswith(_WIDE):
        try:
            return clean(data.decode(codec)), defects
        except UnicodeDecodeError:
            return clean(_windows_1252(data)), [*defects, f"text not in {label}"]
    if data.isascii() and codec in (None, *_WINDOWS_1252, "utf_8"):
        return clean(data.decode("ascii")), defects
    if _is_utf8(data) and not data.isascii():
        if codec not in (None, "utf_8", "utf_8_sig"):
            defects.append(f"UTF-8 text labelled {label}")
        return clean(data.decode("utf-8-sig")), defects
    if codec is not None:
        try:
            return clean(data.decode("cp1252" if codec in _WINDOWS_1252 else codec)), defects
        except (UnicodeDecodeError, LookupError):
            defects.append(f"text not in {label}")
    elif not label:
        defects.append("8-bit text without a charset")
    return clean(_windows_1252(data)), defects


def clean(text: str) -> str:
    """Text without NUL and other control characters (a database refuses NUL), LF line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def header_text(value: object) -> str:
    """A raw header value as text: unfolded, RFC 2047 words and 8-bit bytes decoded."""
    raw = str(value)
    if any("\udc80" <= c <= "\udcff" for c in raw):  # 8-bit bytes, kept as surrogates
        raw = decode(raw.encode("utf-8", "surrogateescape"), None)[0]
    raw = re.sub(r"\r?\n(?=[ \t])", "", raw)
    if "=?" not in raw:
        return clean(raw).strip()
    try:
        chunks = decode_header(raw)
    except Exception:  # a malformed encoded word: its text as written
        return clean(raw).strip()
    words: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            words.append(chunk)
        else:
            words.append(decode(chunk, charset or "utf-8")[0])
    return clean("".join(words)).strip()


_BLOCKS = [
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
]


_HIDDEN = {"script", "style", "head", "title", "template", "noscript"}


def html_to_text(html: str) -> str:
    """The lines a reader sees in an HTML message (quoted blocks written ``>``).

    One walk through the tree, each line with its blockquote depth: BeautifulSoup's own
    edits (insert, replace) look their element up among its siblings, which is quadratic
    on a long flat message.
    """
    soup = BeautifulSoup(html[:MAX_HTML_CHARS], "html.parser")
    lines: list[tuple[int, str]] = []
    current: list[str] = []
    depth = pre = 0
    stack: list[tuple[PageElement, bool]] = [(soup, False)]
    while stack:
        node, closing = stack.pop()
        if isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):
                current.append(str(node) if pre else re.sub(r"[ \t\n\r\f]+", " ", node))
            continue
        if not isinstance(node, Tag) or node.name in _HIDDEN:
            continue
        if node.name == "br" or node.name in _BLOCKS:
            lines.append((depth, "".join(current)))
            current.clear()
        step = -1 if closing else 1
        depth += step * (node.name == "blockquote")
        pre += step * (node.name == "pre")
        if not closing:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
    lines.append((depth, "".join(current)))
    text: list[str] = []
    for level, line in lines:
        line = line.strip(" \t")
        if level and line:
            text.append("> " * level + line)
        elif not level:
            text.append(line)
    return clean("\n".join(_squeeze(text))).strip()


def _squeeze(lines: list[str]) -> list[str]:
    """Lines with at most one empty line in a row, none at either end."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


# Where the quoted thread starts. "On <date>, <name> wrote:" may be wrapped over three lines
# (Gmail, Chatwoot), and Android's Russian one starts with the date.
_ATTRIBUTION = re.compile(
    r"^[-\s]*(on|le|am|el|em|op|den|\d{1,4}[./-]\d).{0,300}"
    r"(wrote|a écrit|a ecrit|schrieb|escribió|escreveu|schreef|skrev|написал(\(а\))?)\s?:$",
    re.IGNORECASE | re.DOTALL,
)
_WROTE = re.compile(
    r"^.{0,200}\b(wrote|a écrit|a ecrit|написал(\(а\))?)\s?:$", re.IGNORECASE | re.DOTALL
)
_SEPARATOR = re.compile(
    r"^(-{2,}\s*(original message|message d'origine|forwarded message|message transféré|"
    r"ursprüngliche nachricht)\s*-{2,}|_{10,}|-{10,}|"
    r"(begin forwarded message|début du message réexpédié|début du message transféré)\s?:)$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\*?(from|de|von|от)\s?:", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\*?(sent|date|to|subject|cc|envoyé|à|objet|gesendet|an|betreff)\s?:", re.IGNORECASE
)
_SIGNATURE = re.compile(
    r"^(--|-- |(sent|envoyé|envoye) (from|de|depuis) (my|mon|ma) .{1,40}|"
    r"get outlook for .{1,40}|obtenir outlook pour .{1,40}|télécharger outlook pour .{1,40})$",
    re.IGNORECASE,
)


def _attribution_at(lines: list[str], i: int) -> int:
    """How many lines the "… wrote:" attribution starting at line i spans (0: none)."""
    if _WROTE.match(lines[i].strip()):
        return 1
    for span in (2, 3):
        joined = " ".join(line.strip() for line in lines[i : i + span])
        if i + span <= len(lines) and _ATTRIBUTION.match(joined):
            return span
    return 0


def _outlook_header_at(lines: list[str], i: int) -> bool:
    """Whether line i starts an Outlook-style "From: … Sent: …" block."""
    if not _OUTLOOK_FROM.match(lines[i].strip()):
        return False
    return any(_OUTLOOK_NEXT.match(line.strip()) for line in lines[i + 1 : i + 5])


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _ends_reply(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    return bool(_SEPARATOR.match(line) or _SIGNATURE.match(line) or _outlook_header_at(lines, i))


def new_text(text: str) -> str:
    """The new text of a reply: no quoted thread, no signature, at most SUMMARY_CHARS.

    Lines quoted with ``>`` are dropped wherever they are, so a reply written below or
    between the quotes (Thunderbird) keeps its own lines. An attribution ("On … wrote:")
    followed by ``>`` lines only introduces them; followed by anything else, it starts a
    thread quoted without marks, which ends the reply, as a forwarded or Outlook header, a
    separator or a signature does.
    """
    lines = text[:MAX_TEXT_CHARS].splitlines()
    kept: list[str] = []
    i = 0
    while i < len(lines):
        if _is_quoted(lines[i]):
            i += 1
            continue
        span = _attribution_at(lines, i)
        if span:
            j = i + span
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _is_quoted(lines[j]):
                i = j
                continue
            break
        if _ends_reply(lines, i):
            break
        kept.append(lines[i].rstrip())
        i += 1
    summary = "\n".join(_squeeze([line if line.strip() else "" for line in kept]))
    return summary.strip()[:SUMMARY_CHARS].strip()
