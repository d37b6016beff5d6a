"""The handover: the moment a name changes hands, modelled on ICANN's Transfer Policy for
domain names — named parties, an authorisation from each, a clock per step with a stated
default when it runs out, a record of what happened, and a lock afterwards.

How a name changes hands depends on the platform (its `HandoverMethod`, data with its source
in HANDOVER_RULES): by `rename` (during an agreed window the holder renames their account,
freeing the name, and the brand renames its own to the freed name at once, before anyone
else can take it), by `ownership` (the account itself changes owners and keeps its name: no
window is needed), by `domain` (Bluesky: the brand's own domain becomes its handle), or not
at all (`impossible`: the plan is refused and the alternatives are named). A plan records
each side's confirmation and ends with an outcome: `claimed` (the request completes and
custody moves) or `failed` (the request is agreed again, ready for another plan).

Pure rules, no Flask and no database: deadlines, a plan's standing on a day, who confirms for
which party, and the warnings and steps a platform's rules give a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from registry.domain.clock import BusinessCalendar
from registry.domain.messages import N_, Message
from registry.domain.vocabulary import Terms

HOLDER, BRAND = "holder", "brand"
PARTIES: tuple[str, ...] = (HOLDER, BRAND)
CLAIMED, FAILED = "claimed", "failed"
OUTCOMES: tuple[str, ...] = (CLAIMED, FAILED)
# Why a window failed: the name was taken by someone else in between, the platform refused
# the rename, a side did not turn up, or something else (said in the reason's text).
FAILURE_REASONS: tuple[str, ...] = ("sniped", "rename_blocked", "no_show", "other")
# An ownership change frees no name: nobody can take it in between, no rename is refused.
OWNERSHIP_FAILURE_REASONS: tuple[str, ...] = ("no_show", "other")
# The reason the registry gives a plan it closes itself, when a new window replaces one whose
# confirmations never all came.
LAPSED_REASON = "lapsed"

CONFIRM_DAYS = 5  # business days after scheduling for both confirmations (DESIGN "Handover")
OUTCOME_DAYS = 1  # business days after the window for its outcome
DEFAULT_WINDOW_MINUTES = 30
MIN_WINDOW_MINUTES, MAX_WINDOW_MINUTES = 5, 24 * 60
DEFAULT_LOCK_DAYS = 60  # no new request on a handle this long after its handover

# A plan's standing on a day, the first that applies:
CLAIMED_STANDING = "claimed"  # the brand holds the name: the request is completed
FAILED_STANDING = "failed"  # the window failed: the request is agreed again
READY = "ready"  # both sides confirmed; the window is ahead or under way
AWAITING_OUTCOME = "awaiting_outcome"  # the window is over; its outcome is due by outcome_by
OUTCOME_OVERDUE = "outcome_overdue"  # past outcome_by without an outcome
AWAITING_CONFIRMATIONS = "awaiting_confirmations"  # a side has yet to confirm, by confirm_by
LAPSED = "lapsed"  # confirm_by passed, or the window began, without both confirmations
STANDINGS: tuple[str, ...] = (
    AWAITING_CONFIRMATIONS,
    READY,
    AWAITING_OUTCOME,
    OUTCOME_OVERDUE,
    LAPSED,
    CLAIMED_STANDING,
    FAILED_STANDING,
)
# Standings in which a deadline has passed: the dashboard's `handover_due` flag.
DUE: frozenset[str] = frozenset({LAPSED, OUTCOME_OVERDUE})
# Standings in which the plan is still the request's current one.
ACTIVE: frozenset[str] = frozenset(
    {AWAITING_CONFIRMATIONS, READY, AWAITING_OUTCOME, OUTCOME_OVERDUE}
)


@dataclass(frozen=True)
class PlanFacts:
    """What a plan records, as the rules need it (the service maps its row onto this)."""

    window_start: datetime  # aware
    window_minutes: int
    confirm_by: date
    outcome_by: date
    holder_confirmed: bool = False
    brand_confirmed: bool = False
    outcome: str | None = None
    timed: bool = True  # False: an ownership plan without a window (window_start: planned)

    @property
    def window_end(self) -> datetime:
        return minutes_after(self.window_start, self.window_minutes)

    @property
    def confirmed(self) -> bool:
        return self.holder_confirmed and self.brand_confirmed


def minutes_after(moment: datetime, minutes: int) -> datetime:
    """`minutes` of elapsed time after an aware `moment`, in the moment's own zone. Counted
    in UTC: Python adds a timedelta to a zone's wall clock, which is an hour off across a
    change to or from summer time (90 minutes from 01:30 in Paris on 29 March 2026 end at
    04:00, not 03:00)."""
    return (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(moment.tzinfo)


def confirm_by(scheduled_on: date, calendar: BusinessCalendar, days: int = CONFIRM_DAYS) -> date:
    """The last day for both confirmations: `days` business days after the day the window
    was scheduled (in the brand's calendar, as every deadline of the registry)."""
    return calendar.add_business_days(scheduled_on, days)


def outcome_by(window_end_day: date, calendar: BusinessCalendar, days: int = OUTCOME_DAYS) -> date:
    """The last day to record the window's outcome: `days` business days after its end."""
    return calendar.add_business_days(window_end_day, days)


def standing(plan: PlanFacts, *, now: datetime, today: date) -> str:
    """Where a plan stands at `now` (aware) on `today` (the brand's day)."""
    if plan.outcome == CLAIMED:
        return CLAIMED_STANDING
    if plan.outcome == FAILED:
        return FAILED_STANDING
    if plan.confirmed:
        # A plan without a window (an ownership change) awaits its outcome once confirmed.
        if plan.timed and now < plan.window_end:
            return READY
        return OUTCOME_OVERDUE if today > plan.outcome_by else AWAITING_OUTCOME
    if today > plan.confirm_by or (plan.timed and now >= plan.window_start):
        return LAPSED
    return AWAITING_CONFIRMATIONS


def owed_by(plan: PlanFacts, current: str) -> tuple[str, ...]:
    """Who owes the plan's next step: the sides yet to confirm, or staff for the outcome."""
    if current == AWAITING_CONFIRMATIONS:
        return tuple(
            party
            for party, done in ((HOLDER, plan.holder_confirmed), (BRAND, plan.brand_confirmed))
            if not done
        )
    if current in (READY, AWAITING_OUTCOME, OUTCOME_OVERDUE):
        return ("staff",)
    return ()


# --- a plan's window as a calendar event (RFC 5545) ----------------------------------------
# A request's windows are one event (one UID): a calendar that has it replaces its copy with
# one of a higher SEQUENCE. Each plan counts as REVISIONS_PER_PLAN revisions: planned (0),
# one side confirmed (1), both (2), cancelled (3); the next plan starts above the last one's.
TENTATIVE, CONFIRMED, CANCELLED = "TENTATIVE", "CONFIRMED", "CANCELLED"  # RFC 5545 STATUS
REVISIONS_PER_PLAN = 4
_CANCELLED_REVISION = REVISIONS_PER_PLAN - 1


def event_status(current: str, *, called_off: bool = False) -> str:
    """The event's STATUS for a plan standing `current`: cancelled once it lapsed or failed
    (or its request was withdrawn or declined: `called_off`), confirmed once both sides
    confirmed (a claimed window took place as confirmed), tentative before."""
    if called_off or current in (LAPSED, FAILED_STANDING):
        return CANCELLED
    if current == AWAITING_CONFIRMATIONS:
        return TENTATIVE
    return CONFIRMED


def event_sequence(plan: PlanFacts, status: str, *, earlier_plans: int) -> int:
    """The event's SEQUENCE: it only grows. Within a plan confirmations are only added and a
    cancellation is final; a new plan comes only after the last one closed."""
    if status == CANCELLED:
        revision = _CANCELLED_REVISION
    else:
        revision = int(plan.holder_confirmed) + int(plan.brand_confirmed)
    return earlier_plans * REVISIONS_PER_PLAN + revision


def lapses_at(plan: PlanFacts, zone: tzinfo) -> datetime:
    """The moment a plan lapses unless both sides confirmed: its window's start, or the end
    of `confirm_by` in the brand's zone `zone` (`standing` compares the brand's day),
    whichever comes first."""
    after_deadline = datetime.combine(plan.confirm_by + timedelta(days=1), time(), tzinfo=zone)
    if not plan.timed:
        return after_deadline
    return min(after_deadline, plan.window_start)


FORBIDDEN, INVALID = "forbidden", "invalid"


def confirmation_refusal(
    party: str,
    *,
    offer: bool,
    proposer: bool,
    legal_of_brand: bool,
    legal: bool,
    staff: bool,
    system: bool,
    channel: str,
) -> tuple[str, str] | None:
    """Why someone may not confirm for `party` (a kind, FORBIDDEN or INVALID, and a
    sentence), or None. Each side confirms for itself: the member who offered the handle for
    its holder, the brand's legal team for the brand. Staff record a confirmation that
    reached them by another channel, named: the brand's, or the holder's of a claim (who has
    no account). The registry itself (a command, the demo) names the channel too."""
    if party not in PARTIES:
        return INVALID, N_('Confirm as "holder" or as "brand".')
    recorded_by_staff = system or staff
    if party == HOLDER:
        if offer and proposer:
            return None
        if offer and not system:
            return FORBIDDEN, N_(
                "The holder's confirmation comes from the member who offered the handle."
            )
        if not recorded_by_staff:
            return FORBIDDEN, N_("Staff record the confirmation of a claim's holder.")
    else:
        if legal_of_brand:
            return None
        if legal:
            return FORBIDDEN, N_("Only the brand's own legal team confirms for it.")
        if not recorded_by_staff:
            return FORBIDDEN, N_(
                "The brand's confirmation comes from its legal team, or from staff who received it."
            )
    if not channel:
        return INVALID, N_("Say by which channel the confirmation reached you.")
    return None


def lock_ends(completed_on: date, days: int = DEFAULT_LOCK_DAYS) -> date:
    """The first day a new request may be opened on a handle handed over on `completed_on`."""
    return completed_on + timedelta(days=days)


# --- how each platform hands a name over ------------------------------------------------------


class HandoverMethod(StrEnum):
    """How a name changes hands on a platform (DESIGN.md "Handover by platform")."""

    RENAME = "rename"  # the holder frees the name, the brand claims it at once: a window
    OWNERSHIP = "ownership"  # the account itself changes owners and keeps its name
    IMPOSSIBLE = "impossible"  # the name can never pass to another account
    DOMAIN = "domain"  # the brand's own domain becomes its handle (Bluesky)


RENAME, OWNERSHIP, IMPOSSIBLE, DOMAIN = (
    HandoverMethod.RENAME,
    HandoverMethod.OWNERSHIP,
    HandoverMethod.IMPOSSIBLE,
    HandoverMethod.DOMAIN,
)
METHODS: tuple[str, ...] = tuple(HandoverMethod)

# Terms under which a name is paid for: a sale, or a donation given in exchange for it.
PAID_TERMS: frozenset[str] = frozenset({Terms.SALE, Terms.DONATION})


@dataclass(frozen=True)
class Sourced:
    """A sentence about a platform (English, marked for the catalogue) and where it is
    written (`source`, shown beside it, never translated)."""

    text: str
    source: str

    def message(self, **params: object) -> Message:
        return with_source(Message(self.text, **params), self.source)


def with_source(message: Message, source: str) -> Message:
    """A sentence followed by its source."""
    return Message(N_("%(warning)s (Source: %(source)s)"), warning=message, source=source)


@dataclass(frozen=True)
class Alternative:
    """What a brand can do where a name can never change hands: `kind` is a code
    ("keep_account", "move_followers", "trademark", "own_name")."""

    kind: str
    text: str  # English, marked for the catalogue; %(platform)s is the platform's name
    source: str


@dataclass(frozen=True)
class HandoverRules:
    """What a platform does when a name changes hands, as data with its source.

    `method`: how the name changes hands, written in `source`. `released_at_once`: the old
    name is free for anyone the moment it changes (so a sniper can take it between the two
    renames). `freed_name_held`: a freed name is held back for a while before anyone may
    claim it. `rename_every_days`: how often an account may change its name. `shared_with`:
    renaming here renames that platform's profile too. `owner_wait_days`: for an ownership
    change, the days the platform makes the brand wait between being added as an owner and
    removing the holder. `cautions`: other rules to check before the change, each with its
    source. `paid_terms`: why a paid handover breaks the platform's own rules, and
    `trademark_route`: the way the platform offers a brand instead. `alternatives`: what a
    brand can do where the name never changes hands."""

    method: HandoverMethod
    source: str
    released_at_once: bool = False
    freed_name_held: Sourced | None = None
    rename_every_days: int | None = None
    shared_with: str | None = None
    owner_wait_days: int = 0
    cautions: tuple[Sourced, ...] = ()
    paid_terms: Sourced | None = None
    trademark_route: str = ""
    alternatives: tuple[Alternative, ...] = ()


_X_SQUATTING = "help.x.com/en/rules-and-policies/x-username-squatting"
_INSTAGRAM_TERMS = "help.instagram.com/581066165581870"
_META_TRADEMARK = "Meta's trademark report (Instagram Help Center)"
_INSTAGRAM_PAID = Sourced(
    N_(
        "Instagram's Terms of Use forbid attempts to buy, sell or transfer any aspect of an "
        "account, its username included: a paid handover breaks them. The brand's own route "
        "is Meta's trademark report."
    ),
    _INSTAGRAM_TERMS,
)
_MASTODON_MOVE = (
    "docs.joinmastodon.org/user/moving; mastodon/mastodon app/models/account_migration.rb"
)
_SNAPCHAT_TRADEMARK = "help.snapchat.com, article 7047503878804"

# Facts and their sources as checked against the platforms' own pages on 2026-12-07
# (PLATFORMS.md, "Handover methods"). A fact found only in secondary sources is left out.
HANDOVER_RULES: dict[str, HandoverRules] = {
    "x": HandoverRules(
        method=RENAME,
        source="PLATFORMS.md, Handover methods (2026-12-07): X documents no hold on a "
        "changed-from handle, so anyone may claim it at once; " + _X_SQUATTING,
        released_at_once=True,
        cautions=(
            Sourced(
                N_(
                    "X asks accounts to log in at least every 30 days: both sides should log "
                    "in before the window."
                ),
                "PLATFORMS.md (X asks accounts to log in at least every 30 days)",
            ),
        ),
        paid_terms=Sourced(
            N_(
                "X forbids buying or selling usernames, and paying for one can get the "
                "accounts suspended. The brand's own route is X's username-squatting policy, "
                "for trademark violations."
            ),
            _X_SQUATTING,
        ),
        trademark_route=_X_SQUATTING,
    ),
    "instagram": HandoverRules(
        method=RENAME,
        source="PLATFORMS.md, Handover methods (2026-12-07): Instagram holds no changed-from "
        "username, anyone may take it at once; Threads uses the Instagram username",
        released_at_once=True,
        shared_with="threads",
        paid_terms=_INSTAGRAM_PAID,
        trademark_route=_META_TRADEMARK,
    ),
    "threads": HandoverRules(
        method=RENAME,
        source="PLATFORMS.md, Handover methods (2026-12-07): a Threads profile has its "
        "Instagram account's username, so one rename moves both",
        released_at_once=True,
        shared_with="instagram",
        paid_terms=_INSTAGRAM_PAID,
        trademark_route=_META_TRADEMARK,
    ),
    "tiktok": HandoverRules(
        method=RENAME,
        source="support.tiktok.com/en/getting-started/setting-up-your-profile/"
        "changing-your-username",
        rename_every_days=30,
        freed_name_held=Sourced(
            N_(
                '%(platform)s says: "If you give up your username, you will not be able to '
                'add that username to an account for a short period of time". The brand '
                "cannot claim the name at once: it must try again until it can."
            ),
            "support.tiktok.com/en/getting-started/setting-up-your-profile/changing-your-username",
        ),
    ),
    "youtube": HandoverRules(
        method=OWNERSHIP,
        source="support.google.com/youtube/answer/4628007 (only a channel linked to a Brand "
        "Account changes owner; the handle moves with the channel)",
        owner_wait_days=7,
        cautions=(
            Sourced(
                N_(
                    "Only a channel linked to a Brand Account can change owner; otherwise "
                    "only its managers can change. An owner must have held the role for 7 "
                    "days before removing another owner: the brand waits 7 days after being "
                    "added before removing the holder."
                ),
                "support.google.com/youtube/answer/4628007; "
                "support.google.com/accounts/answer/7311601",
            ),
        ),
    ),
    "facebook": HandoverRules(
        method=OWNERSHIP,
        source="facebook.com/business/help/1101781386943864 (a Page changes owners: full "
        "control manages access, including others with full control)",
        cautions=(
            Sourced(
                N_(
                    "Only a Page changes owners, its username with it: a username on a "
                    "personal profile has no handover route."
                ),
                "facebook.com/business/help/1101781386943864",
            ),
        ),
    ),
    "linkedin": HandoverRules(
        method=OWNERSHIP,
        source="LinkedIn Help, Page admins (a super admin adds others as super admins; the "
        "only super admin names another before leaving)",
    ),
    "linkedin_member": HandoverRules(
        method=IMPOSSIBLE,
        source="PLATFORMS.md, Handover methods (2026-12-07): LinkedIn hands over Pages, "
        "not a member's /in/ URL; the /in/ and /company/ names are separate",
        alternatives=(
            Alternative(
                "own_name",
                N_(
                    "A member's profile URL cannot change hands: the brand's Page has its "
                    "own /company/ name, which a member's /in/ URL does not block."
                ),
                "PLATFORMS.md, Handover methods (LinkedIn)",
            ),
        ),
    ),
    "telegram": HandoverRules(
        method=OWNERSHIP,
        source="core.telegram.org/method/channels.editCreator (a channel changes owner "
        "with the owner's 2FA password)",
        owner_wait_days=1,
        cautions=(
            Sourced(
                N_(
                    "A Telegram channel changes owner only with the owner's two-step "
                    "verification password, and both the password and the session must be "
                    "at least 24 hours old."
                ),
                "core.telegram.org/method/channels.editCreator",
            ),
        ),
    ),
    "snapchat": HandoverRules(
        method=IMPOSSIBLE,
        source="newsroom.snap.com/username-change (Feb 2022: a changed-from username can "
        "never be taken again by anyone); Snapchat Support 7012367909012",
        alternatives=(
            Alternative(
                "keep_account",
                N_(
                    "A renamed Snapchat username is retired for good, not freed: the holder "
                    "keeps the account, and the brand keeps its own username."
                ),
                "newsroom.snap.com/username-change",
            ),
            Alternative(
                "trademark",
                N_(
                    "Report the username to Snapchat as a trademark violation: Snap acts "
                    "only when it is used commercially in a way that implies affiliation."
                ),
                _SNAPCHAT_TRADEMARK,
            ),
        ),
        trademark_route=_SNAPCHAT_TRADEMARK,
    ),
    "mastodon": HandoverRules(
        method=IMPOSSIBLE,
        source="docs.joinmastodon.org/user/moving (a deleted account's username is forever "
        "unusable); mastodon/mastodon#15320 (local usernames cannot change)",
        alternatives=(
            Alternative(
                "move_followers",
                N_(
                    "Move the followers: the brand's account lists the holder's as an alias, "
                    "then the holder's account moves to it. Followers move, posts stay "
                    "behind, and an account can move again only after 30 days."
                ),
                _MASTODON_MOVE,
            ),
            Alternative(
                "keep_account",
                N_(
                    "Keep the account where it is: the handle names its server, so the "
                    "brand can use its own server or domain for its own name."
                ),
                "PLATFORMS.md, Handover methods (2026-12-07): a Mastodon handle includes its "
                "instance",
            ),
        ),
    ),
    "bluesky": HandoverRules(
        method=DOMAIN,
        source="atproto.com/specs/handle (a handle is a domain name, proved by a TXT record "
        "_atproto.<domain> or https://<domain>/.well-known/atproto-did)",
        cautions=(
            Sourced(
                N_(
                    "A *.bsky.social name is not freed when its holder moves to a domain "
                    "handle: the account keeps it reserved for itself. The brand's handle is "
                    "its own domain."
                ),
                "bluesky-social/social-app ChangeHandleDialog.tsx",
            ),
        ),
    ),
}
# A platform the registry has no handover facts for is planned as a rename, the default.
NO_RULES = HandoverRules(method=RENAME, source="")


def rules_for(platform_slug: str) -> HandoverRules:
    return HANDOVER_RULES.get(platform_slug, NO_RULES)


def failure_reasons(method: str) -> tuple[str, ...]:
    """The reasons a plan of this method can fail for (all of them where a name is freed)."""
    return OWNERSHIP_FAILURE_REASONS if method == OWNERSHIP else FAILURE_REASONS


def method_of(platform_slug: str) -> HandoverMethod:
    return rules_for(platform_slug).method


def needs_window(platform_slug: str) -> bool:
    """Whether a plan on that platform needs a window: only an ownership change does not
    (nothing is freed, so nobody can take the name in between)."""
    return method_of(platform_slug) != OWNERSHIP


def plan_ends_on(platform_slug: str, *, window_end_day: date | None, confirm_by: date) -> date:
    """The last day of a plan's own course, after which its outcome is due: the window's
    last day; for an ownership change without a window, the last day to confirm. Then the
    days the platform makes a new owner wait before removing the former one."""
    last = window_end_day if window_end_day is not None else confirm_by
    return last + timedelta(days=rules_for(platform_slug).owner_wait_days)


def alternatives(platform_slug: str, platform_name: str) -> list[tuple[str, Message, str]]:
    """Where a name never changes hands: what the brand can do instead, as (kind, sentence,
    source)."""
    return [
        (each.kind, Message(each.text, platform=platform_name), each.source)
        for each in rules_for(platform_slug).alternatives
    ]


def impossible_refusal(platform_name: str) -> Message:
    return Message(
        N_(
            "A name on %(platform)s can never pass from one account to another, so no "
            "handover can be planned. See the alternatives."
        ),
        platform=platform_name,
    )


def terms_warning(platform_slug: str, terms: str) -> Message | None:
    """Why a request's terms break the platform's rules (a paid handover where the platform
    forbids one), with the platform's own route for brands; None when they do not. A
    warning: the registry records what was agreed, it does not refuse it."""
    found = rules_for(platform_slug).paid_terms
    if found is None or terms not in PAID_TERMS:
        return None
    return found.message()


def warnings(
    platform_slug: str,
    platform_name: str,
    *,
    window_start: datetime | None,
    window_day: date | None,
    calendar: BusinessCalendar,
    shared_name: str = "",
    terms: str = "",
) -> list[Message]:
    """What a plan conflicts with on its platform and in the brand's calendar: things to
    check before the day, not refusals (the registry cannot see the accounts). A plan
    without a window (an ownership change) has no window day to check."""
    rules = rules_for(platform_slug)
    found: list[Message] = []
    if rules.method == RENAME and rules.released_at_once:
        found.append(
            with_source(
                Message(
                    N_(
                        "%(platform)s frees the old name the moment it changes: the brand "
                        "must claim it within the window, logged in and ready, or anyone "
                        "may take it."
                    ),
                    platform=platform_name,
                ),
                rules.source,
            )
        )
    if rules.freed_name_held is not None:
        found.append(rules.freed_name_held.message(platform=platform_name))
    if rules.rename_every_days and window_day is not None:
        found.append(
            with_source(
                Message(
                    N_(
                        "%(platform)s allows one username change every %(days)s days: if "
                        "the holder renamed the account after %(since)s, the rename will be "
                        "refused."
                    ),
                    platform=platform_name,
                    days=rules.rename_every_days,
                    since=window_day - timedelta(days=rules.rename_every_days),
                ),
                rules.source,
            )
        )
    if rules.shared_with:
        found.append(
            with_source(
                Message(
                    N_("Renaming on %(platform)s renames the %(other)s profile too."),
                    platform=platform_name,
                    other=shared_name or rules.shared_with,
                ),
                rules.source,
            )
        )
    found.extend(caution.message(platform=platform_name) for caution in rules.cautions)
    paid = terms_warning(platform_slug, terms)
    if paid is not None:
        found.append(paid)
    if window_day is not None and not calendar.is_business_day(window_day):
        found.append(
            Message(
                N_(
                    "The window falls on a day off for the brand (%(day)s): make sure "
                    "someone can claim the name then."
                ),
                day=window_day,
            )
        )
    return found


_RENAME_STEPS: dict[str, tuple[str, ...]] = {
    HOLDER: (
        N_("Before the window, check that you can log in (keep your second factor at hand)."),
        N_("At the start of the window, rename your account to another name."),
        N_("Tell the brand at once, through the channel agreed, that the name is free."),
    ),
    BRAND: (
        N_("Before the window, log in to the account that will take the name."),
        N_("As soon as the holder says it is free, rename your account to the name."),
        N_("Tell staff it is done, so they record the outcome."),
    ),
}
_OWNERSHIP_STEPS: dict[str, tuple[str, ...]] = {
    HOLDER: (
        N_("Check that you can log in to the account (keep your second factor at hand)."),
        N_(
            "Add the brand's account as an owner of the account (full control, or super "
            "admin): the account changes owners and keeps its name."
        ),
        N_("Stay an owner until the brand removes you: the platform may make it wait first."),
    ),
    BRAND: (
        N_("Accept the owner's role on the account from the brand's own account."),
        N_("Wait the delay the platform sets for a new owner, then remove the holder."),
        N_("Tell staff it is done, so they record the outcome."),
    ),
}
_DOMAIN_STEPS: dict[str, tuple[str, ...]] = {
    HOLDER: (
        N_("Nothing to free: the brand's handle is its own domain, not your name."),
        N_("Keep your account as it is, or rename it as you wish."),
    ),
    BRAND: (
        N_(
            "Publish the brand account's DID for the domain: a TXT record _atproto.<domain> "
            'with "did=<DID>", or the DID at https://<domain>/.well-known/atproto-did.'
        ),
        N_("Set the domain as the brand account's handle."),
        N_("Tell staff it is done, so they record the outcome."),
    ),
}


def steps(platform_slug: str) -> dict[str, tuple[str, ...]]:
    """What each side does on that platform, in order (English, marked for the catalogue);
    none where the name can never change hands."""
    method = method_of(platform_slug)
    if method == IMPOSSIBLE:
        return {HOLDER: (), BRAND: ()}
    if method == OWNERSHIP:
        return _OWNERSHIP_STEPS
    if method == DOMAIN:
        return _DOMAIN_STEPS
    return _RENAME_STEPS
