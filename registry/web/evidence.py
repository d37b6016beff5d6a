"""The evidence pack as a PDF (fpdf2), in the reader's language: what a platform's trademark or
impersonation form asks for. Its content is registry.services.evidence.pack(), the same as
the API's JSON; this module only puts it in words, with DejaVu Sans (registry/fonts), which
writes French accents, narrow no-break spaces and every handle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from registry.presentation.formats import long_date, long_datetime, thousands
from registry.presentation.labels import label
from registry.presentation.words import as_text

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
Section = dict[str, Any]  # a part of the pack, as registry.services.evidence.pack() gives it


class _Pack(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(110)
        self.cell(0, 6, _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}"))


def _document(title: str) -> _Pack:
    pdf = _Pack(format="A4")
    pdf.add_font(FAMILY, fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, style="B", fname=str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Handle Registry")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(16, 16, 16)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _heading(pdf: _Pack, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 12)
    _paragraph(pdf, 7, text)
    pdf.set_font(FAMILY, size=10)


def _fact(pdf: _Pack, name: str, value: str) -> None:
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(62, 6, name)
    pdf.set_font(FAMILY, size=10)
    _paragraph(pdf, 6, value or "—")


def _line(pdf: _Pack, text: str) -> None:
    _paragraph(pdf, 5.5, text)


def _paragraph(pdf: _Pack, height: float, text: str) -> None:
    """Text wrapped to the page's width; the next one starts on a new line, at the margin."""
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _confirmation(given: Section | None) -> str:
    if given is None:
        return _("not confirmed")
    if given["channel"]:
        return _(
            "confirmed on %(moment)s (received by %(channel)s)",
            moment=long_datetime(given["at"]),
            channel=label(given["channel"], "channel"),
        )
    return _("confirmed on %(moment)s", moment=long_datetime(given["at"]))


def render(content: Section) -> bytes:
    """The PDF of one pack (`registry.services.evidence.pack`), one section after another."""
    handle = content["handle"]
    title = _(
        "Evidence pack: @%(handle)s on %(platform)s",
        handle=handle["handle"],
        platform=handle["platform_name"],
    )
    pdf = _document(title)
    _title(pdf, title, content)
    _handle(pdf, handle)
    _brand(pdf, content["brand"])
    _request(pdf, content["request"])
    _custody(pdf, content["custody"])
    _contacts(pdf, content["contacts"])
    _decision(pdf, content["decision"])
    _handover(pdf, content["plans"])
    return bytes(pdf.output())


def _title(pdf: _Pack, title: str, content: Section) -> None:
    pdf.set_font(FAMILY, "B", 16)
    _paragraph(pdf, 9, title)
    pdf.set_font(FAMILY, size=9)
    pdf.set_text_color(90)
    _line(
        pdf,
        _(
            "Transfer request #%(id)s · made on %(moment)s by the Handle Registry",
            id=content["request"]["id"],
            moment=long_datetime(content["generated_at"]),
        ),
    )
    pdf.set_text_color(0)


def _handle(pdf: _Pack, handle: Section) -> None:
    _heading(pdf, _("The handle"))
    _fact(pdf, _("Handle"), "@" + handle["handle"])
    _fact(pdf, _("Platform"), handle["platform_name"])
    _fact(pdf, _("Profile"), handle["url"])
    if handle["followers_history"]:  # the counts seen over time, oldest first
        counts = (
            f"{thousands(seen['count'])} ({_('on %(date)s', date=long_date(seen['seen_on']))})"
            for seen in handle["followers_history"]
        )
        _fact(pdf, _("Followers"), ", ".join(counts))


def _brand(pdf: _Pack, brand: Section | None) -> None:
    _heading(pdf, _("The brand"))
    if brand:
        _fact(pdf, _("Brand"), brand["name"])
        _fact(pdf, _("Website"), brand["website"])
    else:
        _line(pdf, _("No brand is recorded for this handle."))


def _request(pdf: _Pack, request: Section) -> None:
    _heading(pdf, _("The request"))
    _fact(pdf, _("Kind"), label(request["kind"], "request_kind"))
    _fact(pdf, _("State"), label(request["state"], "state"))
    _fact(pdf, _("Opened on"), long_date(request["opened_on"]))
    terms = label(request["terms"], "terms")
    if request["amount"]:
        terms += " — " + _("%(amount)s €", amount=f"{request['amount']:.2f}")
    _fact(pdf, _("Terms"), terms)
    _fact(pdf, _("Proposed by"), _proposer(request["proposer"]))
    if request["message"]:
        _fact(pdf, _("Message"), request["message"])


def _proposer(proposer: Section) -> str:
    who = proposer["name"] or (_("A former member") if proposer["former_member"] else _("A member"))
    if proposer.get("email"):
        who += f" <{proposer['email']}>"
    if proposer.get("phone"):
        who += f" · {proposer['phone']}"
    return str(who)


def _custody(pdf: _Pack, custody: list[Section]) -> None:
    _heading(pdf, _("Custody history"))
    for entry in custody:
        until = long_date(entry["ended_on"]) if entry["ended_on"] else _("today")
        holder = entry["holder_name"] or label(entry["holder_kind"], "holder_kind")
        text = _(
            "%(holder)s (%(kind)s), from %(start)s to %(end)s",
            holder=holder,
            kind=label(entry["holder_kind"], "holder_kind"),
            start=long_date(entry["started_on"]),
            end=until,
        )
        if entry.get("holder_contact"):
            text += f" · {entry['holder_contact']}"
        note = " ".join(as_text(part) for part in entry["note"])
        _line(pdf, "• " + text + (f" — {note}" if note else ""))
        if entry["evidence_url"]:
            _line(pdf, "   " + _("Evidence: %(url)s", url=entry["evidence_url"]))


def _contacts(pdf: _Pack, contacts: list[Section]) -> None:
    _heading(pdf, _("Contact log"))
    if not contacts:
        _line(pdf, _("No contact attempt is recorded."))
    for contact in contacts:
        department = contact["department"]
        parts = (label(department, "department") if department else "", contact["contact_point"])
        reached = " · ".join(part for part in parts if part)
        _line(
            pdf,
            "• "
            + _(
                "%(moment)s — %(direction)s, %(channel)s%(reached)s: %(outcome)s",
                moment=long_datetime(contact["happened_at"]),
                direction=label(contact["direction"], "direction"),
                channel=label(contact["channel"], "channel"),
                reached=f" ({reached})" if reached else "",
                outcome=label(contact["outcome"], "outcome"),
            ),
        )
        if contact["summary"]:
            _line(pdf, "   " + contact["summary"])


def _decision(pdf: _Pack, decision: Section | None) -> None:
    _heading(pdf, _("The brand's decision"))
    if decision is None:
        _line(pdf, _("No decision is recorded yet."))
        return
    said = _("Accepted") if decision["decision"] == "accept" else _("Declined")
    _line(
        pdf,
        _(
            "%(decision)s on %(moment)s (%(channel)s)",
            decision=said,
            moment=long_datetime(decision["at"]),
            channel=label(decision["channel"], "channel"),
        ),
    )
    if decision["summary"]:
        _line(pdf, decision["summary"])


def _handover(pdf: _Pack, plans: list[Section]) -> None:
    _heading(pdf, _("Handover"))
    if not plans:
        _line(pdf, _("No handover window is planned yet."))
    for number, plan in enumerate(plans, start=1):
        pdf.set_font(FAMILY, "B", 10)
        if plan["window_start"] is None:  # an ownership change: no window
            _line(pdf, _("Plan %(number)s: the account changes owners", number=number))
        else:
            _line(
                pdf,
                _(
                    "Window %(number)s: %(start)s, %(minutes)s minutes",
                    number=number,
                    start=long_datetime(plan["window_start"]),
                    minutes=plan["window_minutes"],
                ),
            )
        pdf.set_font(FAMILY, size=10)
        _fact(pdf, _("The holder"), _confirmation(plan["confirmations"]["holder"]))
        _fact(pdf, _("The brand"), _confirmation(plan["confirmations"]["brand"]))
        _fact(pdf, _("Confirmations due by"), long_date(plan["confirm_by"]))
        _fact(pdf, _("Standing"), label(plan["standing"], "standing"))
        if plan["outcome"]:
            _fact(pdf, _("Outcome"), _outcome(plan))
        for warning in plan["warnings"]:
            _line(pdf, "! " + as_text(warning))


def _outcome(plan: Section) -> str:
    outcome = label(plan["outcome"], "handover_outcome")
    outcome = outcome[:1].upper() + outcome[1:]  # a code's name for inside a sentence
    if plan["outcome_reason"]:
        outcome += " — " + label(plan["outcome_reason"], "failure_reason")
    if plan["outcome_at"]:
        outcome += " · " + long_datetime(plan["outcome_at"])
    return outcome
