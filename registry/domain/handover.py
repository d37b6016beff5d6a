"""The handover: the moment a name changes hands, modelled on ICANN's Transfer Policy for
domain names — named parties, an authorisation from each, a clock per step with a stated
default when it runs out, a record of what happened, and a lock afterwards.

On most platforms a handle cannot be moved between accounts: during an agreed window the
holder renames their account (freeing the name) and the brand renames its own to the freed
name at once, before anyone else can take it. A plan names the window, records each side's
confirmation, and ends with an outcome: `claimed` (the request completes and custody moves)
or `failed` (the request is agreed again, ready for another window).

Pure rules, no Flask and no database: deadlines, a plan's standing on a day, who confirms for
which party, and the warnings and steps a platform's rules give a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from registry.domain.clock import BusinessCalendar
from registry.domain.messages import N_, Message

HOLDER, BRAND = "holder", "brand"
PARTIES: tuple[str, ...] = (HOLDER, BRAND)
CLAIMED, FAILED = "claimed", "failed"
OUTCOMES: tuple[str, ...] = (CLAIMED, FAILED)
# Why a window failed: the name was taken by someone else in between, the platform refused
# the rename, a side did not turn up, or something else (said in the reason's text).
FAILURE_REASONS: tuple[str, ...] = ("sniped", "rename_blocked", "no_show", "other")
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
        if now < plan.window_end:
            return READY
        return OUTCOME_OVERDUE if today > plan.outcome_by else AWAITING_OUTCOME
    if today > plan.confirm_by or now >= plan.window_start:
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


# --- platform rules that matter for a handover ------------------------------------------------


@dataclass(frozen=True)
class HandoverRules:
    """What a platform does when a name changes, as data with its source.

    `released_at_once`: the old name is free for anyone the moment it changes (so a sniper can
    take it between the two renames). `freed_name_held`: a freed name is held back for a while
    before anyone may claim it. `rename_every_days`: how often an account may change its name.
    `shared_with`: renaming here renames that platform's profile too. `notes`: other rules that
    can block a rename (English, marked for the catalogue)."""

    source: str
    released_at_once: bool = False
    freed_name_held: bool = False
    rename_every_days: int | None = None
    shared_with: str | None = None
    kind: str = "username"  # "username", or "domain" (Bluesky: the brand's own domain)
    notes: tuple[str, ...] = ()


# Facts and their sources as gathered in PLATFORMS.md (2026-11-23, checked 2026-12).
HANDOVER_RULES: dict[str, HandoverRules] = {
    "x": HandoverRules(
        source="PLATFORMS.md: X releases the old handle on change; asks accounts to log in "
        "at least every 30 days",
        released_at_once=True,
        notes=(
            N_(
                "X asks accounts to log in at least every 30 days: both sides should log in "
                "before the window."
            ),
        ),
    ),
    "tiktok": HandoverRules(
        source='support.tiktok.com "Changing your username": once per 30 days; a freed name '
        "is held for a while (PLATFORMS.md)",
        rename_every_days=30,
        freed_name_held=True,
    ),
    "youtube": HandoverRules(
        source="PLATFORMS.md: a freed YouTube handle is held before reuse; handles are not "
        "transferable (sunnysidesocialmedia)",
        freed_name_held=True,
    ),
    "instagram": HandoverRules(
        source="PLATFORMS.md: Threads uses the Instagram username",
        shared_with="threads",
    ),
    "threads": HandoverRules(
        source="PLATFORMS.md: a Threads profile has its Instagram account's username",
        shared_with="instagram",
    ),
    "bluesky": HandoverRules(
        source="atproto.com/specs/handle: a handle is a domain name; a brand's own domain can "
        "be its handle",
        kind="domain",
    ),
}
NO_RULES = HandoverRules(source="")


def rules_for(platform_slug: str) -> HandoverRules:
    return HANDOVER_RULES.get(platform_slug, NO_RULES)


def warnings(
    platform_slug: str,
    platform_name: str,
    *,
    window_start: datetime,
    window_day: date,
    calendar: BusinessCalendar,
    shared_name: str = "",
) -> list[Message]:
    """What a window conflicts with on its platform and in the brand's calendar: things to
    check before the day, not refusals (the registry cannot see the accounts)."""
    rules = rules_for(platform_slug)
    found: list[Message] = []
    if rules.released_at_once:
        found.append(
            Message(
                N_(
                    "%(platform)s frees the old name the moment it changes: the brand must "
                    "claim it within the window, logged in and ready, or anyone may take it."
                ),
                platform=platform_name,
            )
        )
    if rules.freed_name_held:
        found.append(
            Message(
                N_(
                    "%(platform)s holds a freed name for a while before it can be claimed: "
                    "the brand may have to wait after the rename, and should try again "
                    "rather than give up."
                ),
                platform=platform_name,
            )
        )
    if rules.rename_every_days:
        found.append(
            Message(
                N_(
                    "%(platform)s allows one username change every %(days)s days: if the "
                    "holder renamed the account after %(since)s, the rename will be refused."
                ),
                platform=platform_name,
                days=rules.rename_every_days,
                since=window_day - timedelta(days=rules.rename_every_days),
            )
        )
    if rules.shared_with:
        found.append(
            Message(
                N_("Renaming on %(platform)s renames the %(other)s profile too."),
                platform=platform_name,
                other=shared_name or rules.shared_with,
            )
        )
    found.extend(Message(note) for note in rules.notes)
    if not calendar.is_business_day(window_day):
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


def steps(platform_slug: str) -> dict[str, tuple[str, ...]]:
    """What each side does on that platform, in order (English, marked for the catalogue)."""
    if rules_for(platform_slug).kind == "domain":
        return {
            HOLDER: (
                N_("Before the window, check that you can log in to the account."),
                N_("At the start of the window, change the account's handle to another one."),
                N_("Say on the request that the handle is free."),
            ),
            BRAND: (
                N_("Before the window, prepare the DNS record that proves the brand's domain."),
                N_("Once the handle is free, set it as the brand account's handle."),
                N_("Say on the request that the brand holds it."),
            ),
        }
    return {
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
