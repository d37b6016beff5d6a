"""Who may do what: the roles and their capabilities (a route names the one it needs), then the
rules on one request, one handle or one brand, as pure functions of plain attributes.

Every interface asks here: the use cases (which refuse with their own reason), the views and
the API (which offer only what is allowed), the templates through what the views pass. No
database, no Flask: each rule reads the attributes its Protocol names, so a test can hand it
any object that has them."""

from __future__ import annotations

from typing import Protocol

from registry.domain import clock, handover, recorded, workflow
from registry.domain.messages import N_, Message

FAN, STAFF, LEGAL, ADMIN = "fan", "staff", "legal", "admin"
ROLES = (FAN, STAFF, LEGAL, ADMIN)
ROLE_LABELS = {FAN: "Fan", STAFF: "Staff", LEGAL: "Legal", ADMIN: "Admin"}

# Capabilities a route can require. "public" needs nobody signed in; "member" any account.
PUBLIC = "public"
MEMBER = "member"
PROPOSE = "propose"  # propose a transfer, follow one's own requests
EDIT_REGISTRY = "edit_registry"  # brands, handles, custody
MANAGE_REQUESTS = "manage_requests"  # log attempts on any request, move any request
DECIDE = "decide"  # record the brand's decision on a request
VIEW_PRIVATE = "view_private"  # contacts of holders and fans, private notes
READ_ALL = "read_all"  # every request, the dashboard
EXPORT = "export"
IMPORT = "import"
AUDIT = "audit"
API_TOKENS = "api_tokens"
WEBHOOKS = "webhooks"  # register webhooks: a legal team for its brand, admins for any
MANAGE_USERS = "manage_users"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    FAN: frozenset({MEMBER, PROPOSE}),
    STAFF: frozenset(
        {
            MEMBER,
            PROPOSE,
            EDIT_REGISTRY,
            MANAGE_REQUESTS,
            VIEW_PRIVATE,
            READ_ALL,
            IMPORT,
            AUDIT,
            API_TOKENS,
        }
    ),
    LEGAL: frozenset(
        {MEMBER, PROPOSE, DECIDE, VIEW_PRIVATE, READ_ALL, EXPORT, AUDIT, API_TOKENS, WEBHOOKS}
    ),
}
ROLE_PERMISSIONS[ADMIN] = frozenset().union(*ROLE_PERMISSIONS.values(), {MANAGE_USERS})


def role_can(role: str | None, permission: str) -> bool:
    """Anonymous visitors (role None) hold only PUBLIC; every account holds PUBLIC too."""
    if permission == PUBLIC:
        return True
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


# --- the shapes the rules read ------------------------------------------------------------


class Member(Protocol):
    """A member acting (a registry.adapters.models.User); None is a visitor."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def brand_id(self) -> int | None: ...  # the brand a legal account acts for


class Request(Protocol):
    """A transfer request (registry.adapters.models.TransferRequest)."""

    @property
    def proposer_id(self) -> int | None: ...
    @property
    def state(self) -> str: ...
    @property
    def kind(self) -> str: ...  # "offer" (a holder offers the handle) or "claim"


class Brand(Protocol):
    @property
    def id(self) -> int | None: ...


class Handle(Protocol):
    @property
    def holder_kind(self) -> str: ...
    @property
    def holder_user_id(self) -> int | None: ...


def _role(user: Member | None) -> str | None:
    return user.role if user else None


# --- members and brands -------------------------------------------------------------------


def can_manage(user: Member | None) -> bool:
    """Staff (and admins) log attempts on any request and move any request."""
    return role_can(_role(user), MANAGE_REQUESTS)


def acts_for(user: Member | None, brand: Brand | None) -> bool:
    """A legal account acts for the one brand it is attached to, never for another (nor for
    a handle that names no brand); the other roles are not bound to a brand."""
    if user is None or user.role != LEGAL:
        return True
    return brand is not None and user.brand_id == brand.id


# Why a legal account may not act for a brand, as the use cases refuse it.
NOT_ATTACHED = N_("Your legal account is not attached to a brand yet; ask an admin to attach it.")
OTHER_BRAND = N_("A legal account acts only for its own brand.")


def acts_for_refusal(user: Member | None, brand: Brand | None) -> str | None:
    """Why `user` may not act for `brand` (a msgid), or None when they may."""
    if acts_for(user, brand):
        return None
    if user is not None and user.brand_id is None:
        return NOT_ATTACHED
    return OTHER_BRAND


def can_decide(user: Member | None, brand: Brand | None) -> bool:
    """Legal decides for the brand it is attached to; admins for any brand."""
    if user is None or brand is None or not role_can(user.role, DECIDE):
        return False
    return user.role == ADMIN or user.brand_id == brand.id


def may_see_suspects(user: Member | None, brand: Brand) -> bool:
    """Staff and admins see every brand's suspected lookalikes; a legal account its own
    brand's."""
    return user is not None and role_can(user.role, READ_ALL) and acts_for(user, brand)


# --- handles ------------------------------------------------------------------------------


def can_claim(user: Member | None) -> bool:
    """Opening a claim (the brand asks for its name back) is for staff, legal and admins;
    fans offer the handles they hold."""
    return role_can(_role(user), MANAGE_REQUESTS) or role_can(_role(user), DECIDE)


def can_propose_for(user: Member | None, handle: Handle) -> bool:
    """Whether to offer a proposal for this handle: never when the brand holds it; visitors
    are offered it too (they are asked to log in first)."""
    return handle.holder_kind != "brand" and (user is None or role_can(user.role, PROPOSE))


def may_offer(user: Member, handle: Handle) -> bool:
    """An offer comes from the handle's holder: a fan may offer a handle recorded as theirs,
    or one whose holder nobody knows yet; staff record offers for any holder."""
    if can_manage(user) or handle.holder_user_id == user.id:
        return True
    return handle.holder_kind == "unknown" and handle.holder_user_id is None


# --- one request --------------------------------------------------------------------------


def is_proposer(user: Member | None, request: Request) -> bool:
    return user is not None and request.proposer_id == user.id


def can_view(user: Member | None, request: Request) -> bool:
    return is_proposer(user, request) or role_can(_role(user), READ_ALL)


def may_see_private(user: Member | None, request: Request) -> bool:
    """Private data on a request's page and evidence pack (contacts, e-mails): for readers of
    private data, and for the proposer (their own)."""
    return role_can(_role(user), VIEW_PRIVATE) or is_proposer(user, request)


def can_log_attempt(user: Member | None, request: Request, brand: Brand | None) -> bool:
    return can_manage(user) or (is_proposer(user, request) and acts_for(user, brand))


def can_send_letter(user: Member | None, request: Request, brand: Brand | None) -> bool:
    """Staff write to the brand for any request; a fan for the offer they made; a legal
    team for its own brand's claims (DESIGN.md "Correspondence")."""
    if can_manage(user):
        return True
    if user is None or brand is None:
        return False
    if user.role == LEGAL:
        return request.kind == "claim" and acts_for(user, brand)
    return request.kind == "offer" and is_proposer(user, request)


def is_legal_of(user: Member | None, brand: Brand | None) -> bool:
    """A legal account attached to this brand (a legal account of another brand is not)."""
    return user is not None and user.role == LEGAL and brand is not None and acts_for(user, brand)


def may_read_original(user: Member | None, brand: Brand | None) -> bool:
    """Who may download a message as it was received: staff, and the legal team of the
    brand it came from (the request page offers the link to them only)."""
    return can_manage(user) or is_legal_of(user, brand)


# Why a member may not write to the brand about a request.
LETTER_REFUSAL = N_(
    "Only staff, the fan who made the offer, or the brand's legal team for its claims can "
    "write to the brand about this request."
)


def can_move(user: Member | None, request: Request, target: str, brand: Brand | None) -> bool:
    return can_manage(user) or (
        is_proposer(user, request) and target == workflow.WITHDRAWN and acts_for(user, brand)
    )


def moves_for(user: Member | None, request: Request, brand: Brand | None) -> tuple[str, ...]:
    """The states this user may move the request to now: staff any allowed move, its
    proposer withdrawing it (legal, for its own brand only)."""
    allowed = workflow.manual_moves(request.state)
    if can_manage(user):
        return allowed
    if is_proposer(user, request) and acts_for(user, brand) and workflow.WITHDRAWN in allowed:
        return (workflow.WITHDRAWN,)
    return ()


def can_decide_now(
    user: Member | None, request: Request, brand: Brand | None, *, decided: bool
) -> bool:
    """The decision form's rule: legal of the brand, on an open request, not decided yet."""
    return not decided and workflow.is_open(request.state) and can_decide(user, brand)


# The kinds of action on a request checked at the door (before any input is read: someone
# kept out learns nothing from a form's errors), and again by the use case itself.
ATTEMPT, MOVE, DECISION = "attempt", "move", "decide"


def may_act(user: Member | None, request: Request, brand: Brand | None, action: str) -> bool:
    """Whether `user` may do this kind of action on the request at all."""
    if action == ATTEMPT:
        return can_log_attempt(user, request, brand)
    if action == MOVE:
        return can_manage(user) or (is_proposer(user, request) and acts_for(user, brand))
    if action == DECISION:
        return can_decide(user, brand)
    raise ValueError(f"Unknown action {action!r}")


# --- the handover of one request ----------------------------------------------------------


def confirmation_refusal(
    user: Member | None, request: Request, brand: Brand | None, party: str, channel: str
) -> tuple[str, str] | None:
    """Why `user` may not confirm the window for `party` (handover.confirmation_refusal: a
    kind and a msgid), or None. No user: the registry itself (a command, the demo)."""
    legal = user is not None and user.role == LEGAL
    return handover.confirmation_refusal(
        party,
        offer=request.kind == "offer",
        proposer=is_proposer(user, request),
        legal_of_brand=legal and acts_for(user, brand),
        legal=legal,
        staff=can_manage(user),
        system=user is None,
        channel=channel,
    )


def may_see_handover_calendar(user: Member | None, request: Request, brand: Brand | None) -> bool:
    """A handover window as a calendar event (`handover.ics`, and the reminders' attachment):
    for the request's parties and staff: its proposer (the holder who offered the handle,
    or the legal team who claimed it), the brand's legal team, staff and admins. Not the
    legal team of another brand, though it reads every request: the file is made to be
    copied into calendars, and says to the minute when the name is freed."""
    return can_manage(user) or is_proposer(user, request) or is_legal_of(user, brand)


def confirms_for_itself(
    user: Member | None, request: Request, brand: Brand | None, party: str
) -> bool:
    """Whether `user` gives `party`'s confirmation themselves (no channel to name): the
    member who offered the handle for its holder, the brand's legal team for the brand."""
    if party == handover.HOLDER:
        return request.kind == "offer" and is_proposer(user, request)
    if party == handover.BRAND:
        return user is not None and user.role == LEGAL and acts_for(user, brand)
    return False


def confirmable_parties(
    user: Member | None, request: Request, brand: Brand | None
) -> tuple[str, ...]:
    """The sides `user` may ever confirm for on this request (a channel named where one is
    needed): the door of the confirm form."""
    return tuple(
        party
        for party in handover.PARTIES
        if confirmation_refusal(user, request, brand, party, clock.CHANNELS[0]) is None
    )


# --- how a reader sees a member named -----------------------------------------------------
# Personal data is the member's own: others see the name they chose, an e-mail only when they
# may read private data, and nothing once the member erased their account (DESIGN "Integrity
# of the record": erasure by reference). Pages and the API ask these; templates only show.

THE_REGISTRY = N_("the registry")
A_MEMBER = N_("a member")
A_MEMBER_NAMED_ALONE = N_("A member")
HOLDER = N_("Holder")


class Named(Protocol):
    """A member as a page names them (a registry.adapters.models.User)."""

    @property
    def display_name(self) -> str | None: ...
    @property
    def email(self) -> str: ...
    @property
    def deleted_at(self) -> object | None: ...  # set once they erased their account


class Offered(Protocol):
    """What a request recorded of the side the handle moves from."""

    @property
    def kind(self) -> str: ...
    @property
    def from_holder_kind(self) -> str: ...
    @property
    def from_holder_name(self) -> str: ...


def may_see_members(user: Member | None) -> bool:
    """Other members' e-mails (who logged an attempt, who moved a request) are private data."""
    return role_can(_role(user), VIEW_PRIVATE)


def member_name(
    member: Named | None, *, by_registry: bool = False, may_see_private: bool
) -> Message | str:
    """Who did something, in a sentence ("logged by …"): the registry itself, a former
    member, the name they chose, their e-mail for readers of private data, else a member."""
    if by_registry:
        return Message(THE_REGISTRY)
    if member is not None and member.deleted_at is not None:
        return Message(recorded.FORMER_MEMBER)
    if member is not None and member.display_name:
        return member.display_name
    if member is not None and may_see_private:
        return member.email
    return Message(A_MEMBER)


def proposer_name(proposer: Named | None) -> Message | str:
    """Who proposed a request, on its own line: their chosen name, else "A member"; "A former
    member" once they erased their account (their contact details are shown apart, to those
    who may see them)."""
    if proposer is None or proposer.deleted_at is not None:
        return Message(recorded.FORMER_MEMBER)
    return proposer.display_name or Message(A_MEMBER_NAMED_ALONE)


def from_holder_name(request: Offered, proposer: Named | None) -> Message | str:
    """Who a request moves the handle from: the name it recorded; a fan who offered their
    handle and then erased their account is "a former member"; an unnamed fan "A fan"."""
    if request.from_holder_name:
        return request.from_holder_name
    erased = proposer is not None and proposer.deleted_at is not None
    if request.kind == "offer" and erased:
        return Message(recorded.FORMER_MEMBER)
    unnamed = recorded.A_FAN if request.from_holder_kind == "fan" else HOLDER
    return Message(unnamed)


def holder_name(
    recorded_name: str, member: Named | None, *, member_holder: bool, may_see_private: bool
) -> Message | str:
    """A handle's (or custody record's) holder as a reader may see it named: the name
    recorded; for a member holder who did not make their name public, "A fan" (their name,
    marked as not public, for readers of private data); "A former member" once they erased
    their account; "" when nobody recorded a name."""
    if recorded_name:
        return recorded_name
    if not member_holder:
        return ""
    if member is None or member.deleted_at is not None:
        return Message(recorded.FORMER_MEMBER)
    if may_see_private and member.display_name:
        return Message(NAME_NOT_PUBLIC, name=member.display_name)
    return Message(recorded.A_FAN)


NAME_NOT_PUBLIC = N_("%(name)s (name not public)")
