"""A realistic synthetic registry, written in bulk (`registry gen-data`), for benchmarks.

Everything comes from one `random.Random(seed)` and the day given as "today": the same seed
and day write the same rows (all but the password hash, made once per run from a random
secret so that nobody can sign in with these accounts). Rows go in with SQLAlchemy Core
`insert()` in chunks, with explicit ids, in one transaction, into an empty registry.

The data obeys the registry's rules as its services would have written them:

- handles are read by `parse_handle` with the platform's rules, so `handle` and `normalized`
  are what the site would store, unique per platform;
- every handle has one open custody record; some have an earlier, closed one; a completed
  request's handle is the brand's, from the handover day (registry.domain.recorded's
  `handed_over`, with the request's id), the previous holder's record closed that day;
- requests sit on distinct handles not held by their brand, opened over the last three years,
  and walk the workflow's paths (the first outbound attempt moves "proposed" to
  "contacting", the brand's decision is an inbound attempt from "legal"...);
- contact attempts happen between a request's opening and its closing (or today), never
  before its `opened_on` in the brand's time zone, never in the future;
- each request's stored clock (`reply_due_on`, `first_contact_due_on`, `waiting_since`,
  `unanswered_attempts`) is what `requests.refresh_clock` stores, from the same
  `clock.pending_wait` on the attempts' brand-local days;
- audit entries (members, brands, requests created, transitions, handovers) are in the
  format of registry.services.audit: a msgid, JSON parameters, members by id.
"""

from __future__ import annotations

import bisect
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from random import Random
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, inspect, select, text
from werkzeug.security import generate_password_hash

from registry.bulk import insert_rows
from registry.domain import clock, recorded, workflow
from registry.domain.handles import InvalidHandle, parse_handle
from registry.domain.messages import N_
from registry.domain.platforms import PLATFORMS, PlatformRules
from registry.i18n import DEFAULT_TIMEZONE
from registry.models import (
    AuditEntry,
    Brand,
    ContactAttempt,
    ContactPoint,
    CustodyRecord,
    Handle,
    LookalikeKey,
    Platform,
    TransferRequest,
    User,
)
from registry.services import audit, lookalike_index
from registry.services.brands import BRAND_FIELDS, slugify
from registry.services.handles import HOLDER_FIELDS
from registry.services.requests import ClockPolicy, local_day

CHUNK = 5000  # rows built and written at a time (registry.db.insert_rows splits them)
TABLES = (
    Brand.__table__,
    User.__table__,
    ContactPoint.__table__,
    Handle.__table__,
    CustodyRecord.__table__,
    TransferRequest.__table__,
    ContactAttempt.__table__,
    AuditEntry.__table__,
)
HOME = ZoneInfo(DEFAULT_TIMEZONE)
YEARS_OF_REQUESTS = 3


class NotEmpty(Exception):
    """The registry already holds handles or brands: synthetic data goes into an empty one."""


class NotInitialised(Exception):
    """The tables (or the platforms) are missing: `init-db` has not run."""


class TooFewHandles(Exception):
    """More requests were asked for than there are handles a request can be made on."""


@dataclass(frozen=True)
class Sizes:
    handles: int = 10_000
    brands: int = 100
    requests: int = 2_000
    attempts: int = 20_000


# --- the world's raw material ----------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    country: str
    subdivision: str  # ISO 3166-2, "" for national holidays only
    timezone: str
    tld: str
    weight: int
    surnames: tuple[str, ...]
    patterns: tuple[str, ...]  # "{S}" is the surname
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]  # people's
    cities: tuple[str, ...]
    instances: tuple[str, ...]  # Mastodon instances people there use
    phone: str  # a format with "#" for digits (fiction ranges where the country has them)
    locale: str


_FR_SURNAMES = (
    "Dupont", "Lefèvre", "Moreau", "Garnier", "Rousseau", "Fontaine", "Chevalier", "Lambert",
    "Bonnet", "Mercier", "Blanchard", "Girard", "Faure", "Marchand", "Perrin", "Roussel",
    "Giraud", "Brunet", "Leclerc", "Vasseur", "Delorme", "Aubert", "Caron", "Barbier",
    "Renaud", "Picard", "Lemaire", "Duval", "Jolivet", "Masson", "Clairval", "Bellerive",
    "Montaigu", "Verdane", "Lumio", "Solenne",
)  # fmt: skip
_FR_PATTERNS = (
    "Éditions {S}", "Maison {S}", "{S} Cosmétiques", "Biscuiterie {S}", "Fromagerie {S}",
    "{S} & Fils", "Brasserie {S}", "Chocolaterie {S}", "Atelier {S}", "{S} Optique",
    "Transports {S}", "Café {S}", "Laboratoires {S}", "{S} Voyages", "Confitures {S}",
    "{S} Parfums", "Cycles {S}", "{S} Jouets",
)  # fmt: skip
_FR_FIRST = (
    "Julien", "Camille", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Nathan", "Inès", "Thomas",
    "Sarah", "Antoine", "Zoé", "Mathieu", "Élodie", "Romain", "Claire", "Maxime", "Laure",
    "Quentin",
)  # fmt: skip
_FR_CITIES = ("Paris", "Lyon", "Lille", "Nantes", "Bordeaux", "Toulouse", "Rennes", "Dijon")
_FR_INSTANCES = ("mastodon.social", "piaille.fr", "framapiaf.org", "mastodon.online")

_GB_SURNAMES = (
    "Whitmore", "Ashford", "Pembroke", "Hargreaves", "Thornton", "Fairbairn", "Blackwood",
    "Carrington", "Holloway", "Kingsley", "Langford", "Merriweather", "Radcliffe", "Winslow",
    "Aldridge", "Bramley", "Cartwright", "Dunmore", "Ellington", "Hawthorne",
)  # fmt: skip
_GB_PATTERNS = (
    "{S} & Sons", "{S} Tea", "{S} Outfitters", "{S} Books", "{S} Gin", "{S} Bakery",
    "The {S} Company", "{S} Cycles", "{S} Brewing", "{S} Biscuits", "{S} Umbrellas",
)  # fmt: skip
_GB_FIRST = (
    "Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Emily", "Charlie", "Grace",
    "Alfie", "Sophie", "Freddie", "Ella", "Archie", "Poppy",
)  # fmt: skip
_SCT_SURNAMES = (
    "MacLeod", "Campbell", "Fraser", "Munro", "Sutherland", "Buchanan", "Drummond",
    "Ferguson", "Lennox", "Gordon", "Kerr", "Ross", "Glenmorie", "Strathdon", "Ardbeag",
)  # fmt: skip
_SCT_PATTERNS = (
    "{S} Distillery", "{S} Tweed", "{S} Shortbread", "{S} Smokehouse", "{S} Knitwear",
    "{S} Salmon", "{S} Whisky",
)  # fmt: skip
_GB_INSTANCES = ("mastodon.social", "mastodon.online", "mas.to", "toot.wales")
_SCT_INSTANCES = ("mastodon.scot", "mastodon.social", "mas.to")

_DE_SURNAMES = (
    "Brandt", "Hofmann", "Krüger", "Lehmann", "Schäfer", "Vogel", "Wagner", "Zimmermann",
    "Bauer", "Richter", "Keller", "Huber", "Meier", "Weiß", "Lorenz", "Seidel", "Hartmann",
    "Engel", "Fuchs", "Winkler",
)  # fmt: skip
_DE_PATTERNS = (
    "{S} Brauerei", "{S} Werkzeuge", "{S} Möbel", "{S} & Söhne", "Bäckerei {S}", "{S} Sport",
    "{S} Optik", "{S} Verlag", "{S} Feinkost", "{S} Trachten", "{S} Spielwaren",
)  # fmt: skip
_DE_FIRST = (
    "Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Leon", "Sophie", "Paul", "Laura",
    "Maximilian", "Johanna", "Tobias", "Katharina",
)  # fmt: skip
_DE_INSTANCES = ("chaos.social", "mastodon.social", "norden.social", "muenchen.social")

_CH_SURNAMES = (
    "Favre", "Rochat", "Schmid", "Steiner", "Brunner", "Gerber", "Baumann", "Frei", "Moser",
    "Widmer", "Graf", "Lüthi", "Zürcher", "Ammann", "Bachmann",
)  # fmt: skip
_CH_PATTERNS = (
    "{S} Uhren", "{S} Chocolatier", "{S} Käserei", "{S} Privatbank", "Montres {S}",
    "Confiserie {S}", "{S} Messer",
)  # fmt: skip
_CH_FIRST = ("Noah", "Mia", "Luca", "Emma", "Elias", "Lina", "Nico", "Laura", "Jan", "Sara")
_CH_INSTANCES = ("swiss.social", "mastodon.social", "tooting.ch")

_US_SURNAMES = (
    "Carter", "Hudson", "Bennett", "Sullivan", "Ramirez", "Brooks", "Porter", "Hayes",
    "Coleman", "Bishop", "Foster", "Graham", "Reyes", "Hollister", "Whitaker", "Sawyer",
    "Monroe", "Delgado", "Kessler", "Lowell",
)  # fmt: skip
_US_PATTERNS = (
    "{S} Coffee Roasters", "{S} Outdoor", "{S} Brothers", "{S} Apparel", "{S} Foods",
    "{S} Motors", "{S} Labs", "{S} & Co.", "{S} Pizza", "{S} Records", "{S} Guitars",
    "{S} Candles",
)  # fmt: skip
_US_FIRST = (
    "James", "Olivia", "Ethan", "Emma", "Mason", "Sophia", "Logan", "Madison", "Aiden",
    "Abigail", "Tyler", "Hannah", "Caleb", "Brooke",
)  # fmt: skip
_US_INSTANCES = ("mastodon.social", "mastodon.online", "mas.to", "hachyderm.io")

_QC_SURNAMES = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron",
)  # fmt: skip
_QC_PATTERNS = (
    "Érablière {S}", "Fromagerie {S}", "Sucrerie {S}", "Boulangerie {S}",
    "Microbrasserie {S}", "{S} Meubles", "Librairie {S}", "Cidrerie {S}",
)  # fmt: skip
_QC_FIRST = (
    "Félix", "Florence", "William", "Alice", "Samuel", "Rosalie", "Olivier", "Béatrice",
    "Gabriel", "Charlotte",
)  # fmt: skip
_QC_INSTANCES = ("mstdn.ca", "mastodon.social", "mastodon.online")

_JP_SURNAMES = (
    "Takeda", "Hoshino", "Kobayashi", "Fujimoto", "Matsuda", "Nakamura", "Sakamoto",
    "Yamazaki", "Ishikawa", "Morimoto", "Kawaguchi", "Aoyama", "Kitano", "Shimizu", "Hayashi",
)  # fmt: skip
_JP_PATTERNS = (
    "{S} Seika", "{S} Shoten", "{S} Denki", "{S} Kogyo", "{S} Shuzo", "{S} Tea", "{S} Ramen",
    "{S} Cosmetics",
)  # fmt: skip
_JP_FIRST = (
    "Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Yuto", "Sakura", "Riku", "Mei", "Kaito",
    "Rin",
)  # fmt: skip
_JP_INSTANCES = ("mstdn.jp", "pawoo.net", "mastodon.social")
# A Japanese brand's YouTube handle is sometimes its name in Japanese (Han and kana).
_JP_KANJI = {
    "Takeda": "武田", "Hoshino": "星野", "Kobayashi": "小林", "Fujimoto": "藤本",
    "Matsuda": "松田", "Nakamura": "中村", "Sakamoto": "坂本", "Yamazaki": "山崎",
    "Ishikawa": "石川", "Morimoto": "森本", "Kawaguchi": "川口", "Aoyama": "青山",
    "Kitano": "北野", "Shimizu": "清水", "Hayashi": "林",
    "Seika": "製菓", "Shoten": "商店", "Denki": "電気", "Kogyo": "工業", "Shuzo": "酒造",
    "Tea": "茶舗", "Ramen": "らーめん", "Cosmetics": "化粧品",
}  # fmt: skip

_FR_LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Simon", "Laurent", "Lefebvre", "Michel", "Fournier",
)  # fmt: skip
_GB_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans",
    "Walker", "Wright", "Thompson",
)  # fmt: skip
_SCT_LAST = (
    "Smith", "Brown", "Wilson", "Stewart", "Thomson", "Robertson", "Anderson", "MacDonald",
    "Scott", "Reid", "Murray", "Paterson",
)  # fmt: skip
_DE_LAST = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Becker", "Schulz",
    "Hoffmann", "Koch", "Wolf", "Neumann",
)  # fmt: skip
_CH_LAST = (
    "Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Meyer", "Schneider", "Fischer",
    "Gerber", "Brunner", "Favre",
)  # fmt: skip
_US_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Lopez", "Anderson", "Nguyen", "Kim",
)  # fmt: skip
_QC_LAST = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Pelletier", "Lapointe",
)  # fmt: skip
_JP_LAST = (
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
    "Kobayashi", "Kato", "Yoshida", "Yamada",
)  # fmt: skip

REGIONS = (
    Region(
        country="FR",
        subdivision="",
        timezone="Europe/Paris",
        tld="fr",
        weight=30,
        surnames=_FR_SURNAMES,
        patterns=_FR_PATTERNS,
        first_names=_FR_FIRST,
        last_names=_FR_LAST,
        cities=_FR_CITIES,
        instances=_FR_INSTANCES,
        phone="+33 1 99 00 ## ##",
        locale="fr",
    ),
    Region(
        country="FR",
        subdivision="FR-57",
        timezone="Europe/Paris",
        tld="fr",
        weight=3,
        surnames=_FR_SURNAMES,
        patterns=_FR_PATTERNS,
        first_names=_FR_FIRST,
        last_names=_FR_LAST,
        cities=("Metz", "Thionville", "Sarreguemines"),
        instances=_FR_INSTANCES,
        phone="+33 3 53 01 ## ##",
        locale="fr",
    ),
    Region(
        country="GB",
        subdivision="GB-ENG",
        timezone="Europe/London",
        tld="co.uk",
        weight=12,
        surnames=_GB_SURNAMES,
        patterns=_GB_PATTERNS,
        first_names=_GB_FIRST,
        last_names=_GB_LAST,
        cities=("London", "Bristol", "Leeds", "York", "Bath"),
        instances=_GB_INSTANCES,
        phone="+44 20 7946 0###",
        locale="en",
    ),
    Region(
        country="GB",
        subdivision="GB-SCT",
        timezone="Europe/London",
        tld="co.uk",
        weight=5,
        surnames=_SCT_SURNAMES,
        patterns=_SCT_PATTERNS,
        first_names=_GB_FIRST,
        last_names=_SCT_LAST,
        cities=("Edinburgh", "Glasgow", "Aberdeen", "Inverness"),
        instances=_SCT_INSTANCES,
        phone="+44 131 496 0###",
        locale="en",
    ),
    Region(
        country="DE",
        subdivision="DE-BY",
        timezone="Europe/Berlin",
        tld="de",
        weight=10,
        surnames=_DE_SURNAMES,
        patterns=_DE_PATTERNS,
        first_names=_DE_FIRST,
        last_names=_DE_LAST,
        cities=("München", "Nürnberg", "Augsburg", "Regensburg"),
        instances=_DE_INSTANCES,
        phone="+49 89 ### ####",
        locale="en",
    ),
    Region(
        country="CH",
        subdivision="CH-ZH",
        timezone="Europe/Zurich",
        tld="ch",
        weight=6,
        surnames=_CH_SURNAMES,
        patterns=_CH_PATTERNS,
        first_names=_CH_FIRST,
        last_names=_CH_LAST,
        cities=("Zürich", "Winterthur", "Uster"),
        instances=_CH_INSTANCES,
        phone="+41 44 ### ## ##",
        locale="en",
    ),
    Region(
        country="US",
        subdivision="US-NY",
        timezone="America/New_York",
        tld="com",
        weight=16,
        surnames=_US_SURNAMES,
        patterns=_US_PATTERNS,
        first_names=_US_FIRST,
        last_names=_US_LAST,
        cities=("Brooklyn", "Albany", "Buffalo", "Rochester"),
        instances=_US_INSTANCES,
        phone="+1 212 555 01##",
        locale="en",
    ),
    Region(
        country="CA",
        subdivision="CA-QC",
        timezone="America/Toronto",
        tld="ca",
        weight=8,
        surnames=_QC_SURNAMES,
        patterns=_QC_PATTERNS,
        first_names=_QC_FIRST,
        last_names=_QC_LAST,
        cities=("Montréal", "Québec", "Sherbrooke", "Gatineau"),
        instances=_QC_INSTANCES,
        phone="+1 514 555 01##",
        locale="fr",
    ),
    Region(
        country="JP",
        subdivision="",
        timezone="Asia/Tokyo",
        tld="jp",
        weight=10,
        surnames=_JP_SURNAMES,
        patterns=_JP_PATTERNS,
        first_names=_JP_FIRST,
        last_names=_JP_LAST,
        cities=("Tokyo", "Osaka", "Kyoto", "Sapporo"),
        instances=_JP_INSTANCES,
        phone="+81 3 #### ####",
        locale="en",
    ),
)


# Platforms by how much of the registry they are (the order of PLATFORMS' slugs).
PLATFORM_WEIGHTS = {
    "x": 18, "instagram": 18, "facebook": 15, "tiktok": 12, "youtube": 9, "linkedin": 6,
    "linkedin_member": 2, "threads": 6, "bluesky": 5, "mastodon": 3, "telegram": 3,
    "snapchat": 3,
}  # fmt: skip

HOLDER_KINDS = ("brand", "fan", "agency", "squatter", "unknown")
# The exact brand name on a platform, and every other handle naming the brand.
KIND_WEIGHTS_EXACT = (55, 12, 8, 15, 10)
KIND_WEIGHTS_OTHER = (22, 34, 9, 19, 16)
STATUSES_BY_KIND = {
    "brand": (("active", 85), ("dormant", 10), ("emptied", 3), ("suspended", 2)),
    "fan": (("active", 60), ("dormant", 25), ("emptied", 8), ("suspended", 5), ("for_sale", 2)),
    "agency": (("active", 60), ("dormant", 30), ("emptied", 10)),
    "squatter": (
        ("dormant", 35),
        ("for_sale", 30),
        ("active", 20),
        ("emptied", 10),
        ("suspended", 5),
    ),
    "unknown": (
        ("unregistered", 35),
        ("dormant", 25),
        ("emptied", 20),
        ("active", 15),
        ("suspended", 5),
    ),
}
# The first handles cover every holder kind and status whatever the sizes and the seed.
COVERAGE = (
    ("brand", "active"),
    ("fan", "dormant"),
    ("squatter", "for_sale"),
    ("agency", "emptied"),
    ("unknown", "unregistered"),
    ("fan", "suspended"),
)
FOLLOWERS = {"brand": (8.5, 2.0), "fan": (6.0, 1.8), "agency": (6.0, 1.5)}
FOLLOWERS |= {"squatter": (3.0, 1.5), "unknown": (4.0, 2.0)}

VARIANTS = {
    "brand": (
        "{C}{CC}", "{K}{CC}", "{c}_{cc}", "{C}Official", "{C}Help", "{C}News", "{C}Careers",
        "{c}.{cc}", "{K}", "{C}HQ", "{C}Store", "Team{C}", "{C}Support", "{C}{City}",
    ),
    "fan": (
        "{c}_fans", "ILove{C}", "{c}lover", "{c}4ever", "{K}Fan{n}", "team{c}", "{c}_addict",
        "{c}_daily", "{c}club", "{K}Fans{CC}", "{k}_{first}", "{first}{K}", "{c}_world",
        "{c}nation", "{c}_memes", "{k}.fan", "{c}collector", "fansde{k}",
    ),
    "agency": (
        "{C}{CC}", "{c}_{cc}", "{C}Events", "{c}_promo", "{C}Deals", "{C}Pro", "{c}_jobs",
        "{C}Insider", "{C}{City}",
    ),
    "squatter": (
        "{c}_", "{c}official", "the{c}", "real{c}", "{c}{yy}", "{c}shop", "{c}store",
        "{c}_sale", "{k}{cc}", "{c}_x", "get{c}", "{c}hq", "{c}_{n}", "{C}Official",
    ),
}  # fmt: skip
VARIANTS["unknown"] = VARIANTS["squatter"] + VARIANTS["fan"][:6]

AGENCIES = (
    "Agence Pixel Bleu", "Brightline Digital", "Nordlicht Media", "Studio Kumo", "Maple Social",
    "Harbour & Hill", "Agence Clair-Obscur", "Loop Creative", "Sakura Digital",
    "Alpenblick Kommunikation", "Tartan Social", "Hudson Yard Media",
)  # fmt: skip
SQUATTERS = ("", "", "", "NameVault", "A handle reseller", "PremiumHandles", "Unknown reseller")
HANDLE_NOTES = {
    "brand": ("", "", "", "Official account.", "Run by the brand's social media team."),
    "fan": ("", "", "Fan account.", "A fan account named after the brand.", "Fan page."),
    "agency": ("", "", "Run by an agency for a campaign.", "Campaign account, now idle."),
    "squatter": ("", "Impersonates the brand.", "Offered for sale on a handle marketplace."),
    "unknown": ("", "", "", "Nobody answers on the profile.", "Account exists, no posts."),
}
PRIVATE_NOTES = ("", "", "", "", "", "", "Holder asked not to be named in public.")

STATES = workflow.STATES
STATE_WEIGHTS = {
    "proposed": 10, "contacting": 25, "in_discussion": 14, "agreed": 7, "completed": 16,
    "declined": 12, "withdrawn": 16,
}  # fmt: skip
ATTEMPT_FACTOR = {
    "proposed": 0.0, "contacting": 1.0, "in_discussion": 1.5, "agreed": 1.8, "completed": 1.8,
    "declined": 1.2, "withdrawn": 0.8,
}  # fmt: skip
MIN_ATTEMPTS = {"contacting": 1, "in_discussion": 2, "agreed": 2, "completed": 2, "declined": 1}
MAX_ATTEMPTS = 400

CHANNELS = clock.CHANNELS
CHANNEL_LABELS = {
    "web_form": "web form", "email": "e-mail", "phone": "phone", "dm": "direct message",
    "mention": "public mention", "letter": "registered letter", "in_person": "visit",
    "marketplace": "marketplace listing",
}  # fmt: skip
# Who chases a brand starts with the web form and the e-mail, then calls, then writes.
EARLY_CHANNELS = (("web_form", 30), ("email", 30), ("dm", 18), ("mention", 10))
EARLY_CHANNELS += (("phone", 8), ("marketplace", 4))
LATE_CHANNELS = (("email", 30), ("phone", 28), ("letter", 16), ("web_form", 10), ("dm", 8))
LATE_CHANNELS += (("in_person", 4), ("marketplace", 4))
INBOUND_CHANNELS = (("email", 60), ("phone", 15), ("dm", 15), ("letter", 5), ("web_form", 5))
CHASE_OUTCOMES = (("no_answer", 62), ("voicemail", 14), ("redirected", 9), ("bounced", 6))
CHASE_OUTCOMES += (("auto_reply", 3),)
NOT_A_REPLY_INBOUND = (("auto_reply", 70), ("redirected", 20), ("bounced", 6), ("voicemail", 4))
DISCUSSION_OUTBOUND = (("replied", 30), ("no_answer", 34), ("meeting", 10), ("voicemail", 10))
DISCUSSION_OUTBOUND += (("redirected", 6), ("refused", 2))
DISCUSSION_INBOUND = (("replied", 70), ("meeting", 14), ("auto_reply", 10), ("no_answer", 3))
DISCUSSION_INBOUND += (("refused", 3),)

SUMMARIES = {
    ("outbound", "no_answer"): (
        "Offer sent through the {channel}.",
        "Follow-up through the {channel}; no answer.",
        "Reminder sent by {channel}; still no answer.",
        "Sent the request again by {channel}, with a link to the profile.",
    ),
    ("outbound", "voicemail"): ("Called; routed to a voicemail.", "Left a message on voicemail."),
    ("outbound", "bounced"): ("The {channel} bounced: address no longer in use.",),
    ("outbound", "redirected"): ("Told to write to another department.",),
    ("outbound", "auto_reply"): ("Only an automatic acknowledgement came back.",),
    ("outbound", "replied"): (
        "Spoke to someone who took the details.",
        "Call answered; they will pass it on.",
        "Sent the documents they asked for; they confirm receipt.",
    ),
    ("outbound", "meeting"): (
        "Meeting with the brand's digital team.",
        "Video call with the marketing manager.",
    ),
    ("outbound", "refused"): ("Told on the phone that the brand is not interested.",),
    ("inbound", "replied"): (
        "The brand answers: they will look into it.",
        "Answer from the community manager.",
        "The legal team asks for proof of who holds the account.",
        "The brand asks how the handover would work.",
    ),
    ("inbound", "auto_reply"): (
        "Auto-reply: an answer within ten business days.",
        "Automatic acknowledgement of the message.",
    ),
    ("inbound", "redirected"): ("The brand redirects to customer service.",),
    ("inbound", "bounced"): ("Delivery failure notice.",),
    ("inbound", "voicemail"): ("The brand left a voicemail.",),
    ("inbound", "no_answer"): ("Missed call from the brand's switchboard.",),
    ("inbound", "meeting"): ("The brand proposes a meeting.",),
    ("inbound", "refused"): ("The brand refuses the terms.",),
    # What a channel says better than the outcome alone.
    ("phone", "inbound", "auto_reply"): ("Recorded message: the line is closed.",),
    ("phone", "outbound", "auto_reply"): ("Recorded message: all lines are busy.",),
    ("phone", "outbound", "no_answer"): ("Called the switchboard; nobody picked up.",),
    ("letter", "outbound", "no_answer"): ("Registered letter sent to the head office.",),
    ("marketplace", "outbound", "no_answer"): (
        "Handle listed on a marketplace; the brand did not bid.",
    ),
    ("mention", "outbound", "no_answer"): ("Public mention of the brand's account; no reaction.",),
    ("in_person", "outbound", "meeting"): ("Met the brand's team at their offices.",),
}
DECISION_SUMMARIES = {
    recorded.ACCEPT: ("We accept the transfer; our team will be in touch.", ""),
    recorded.DECLINE: ("We do not wish to take over this account.", ""),
}
OFFER_MESSAGES = {
    "free": "I registered @{handle} in {year} and run it as a fan account. I would like to "
    "hand it over to {brand}, free of charge.",
    "donation": "I hold @{handle} since {year}. I will hand it over to {brand} for a donation "
    "of {amount} € to a charity of the brand's choice.",
    "sale": "I am willing to sell @{handle} to {brand} for {amount} €.",
}
CLAIM_MESSAGES = (
    "{brand} asks for its name back: the account impersonates the brand.",
    "The account has been dormant for years; {brand} would like to recover it.",
    "The holder offers the handle for sale; {brand} is ready to discuss it.",
    "",
)

# The summaries registry.services write (the same msgids, so the trail translates them).
CREATED_ACCOUNT = N_("Account %(account)s created with role %(role)s")
CREATED_BRAND = N_("Brand %(brand)s created")
CREATED_REQUEST = N_("Request #%(id)s: @%(handle)s to %(brand)s")
MOVED_REQUEST = N_("Request #%(id)s: %(before)s → %(after)s")
MOVED_REQUEST_NOTE = N_("Request #%(id)s: %(before)s → %(after)s (%(note)s)")
NEW_HOLDER = N_("@%(handle)s now held by %(holder)s")


# --- small helpers ---------------------------------------------------------------------------


def weighted(rng: Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def ascii_fold(value: str) -> str:
    value = value.replace("ß", "ss").replace("&", " ")
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def words_of(name: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z0-9]+", ascii_fold(name)) if w.lower() != "the"]


def at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """A local moment as aware UTC, as the registry stores it."""
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def digits(rng: Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def audit_row(
    entry_id: int,
    *,
    moment: datetime,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int,
    summary: str,
    params: dict,
    before: dict | None = None,
    after: dict | None = None,
) -> dict:
    """An audit entry as registry.services.audit.record writes it."""
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    return {
        "id": entry_id,
        "at": moment,
        "actor_id": actor_id,
        "actor_label": "" if actor_id is not None else audit.SYSTEM_ACTOR,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "summary": summary[:500],
        "params": recorded.dumps(params),
        "before": recorded.dumps(audit.redact(before)),
        "after": recorded.dumps(audit.redact(after)),
    }


# --- the generator ---------------------------------------------------------------------------


@dataclass
class BrandInfo:
    model: Brand  # not in any session: what ClockPolicy and local_day read
    region: Region
    core: str  # the distinctive word ("Dupont")
    words: list[str]
    domain: str
    zone: ZoneInfo
    created_at: datetime
    contact_labels: dict[str, list[str]] = field(default_factory=dict)
    legal_id: int | None = None


@dataclass
class Step:
    """One contact attempt before it gets its time: what happened, and in which phase."""

    direction: str
    outcome: str
    channel: str
    phase: str  # "chase", "reply", "talk", "decision"
    decision: str = ""


class Generator:
    def __init__(
        self,
        *,
        sizes: Sizes,
        seed: int,
        today: date,
        now: datetime,
        platforms: list[tuple[int, PlatformRules]],
        policy: ClockPolicy,
        first_ids: dict[str, int],
        taken_emails: set[str],
    ) -> None:
        self.sizes = sizes
        self.rng = Random(seed)
        self.today = today
        # Nothing is dated after the end of "today" at home, nor after the present moment.
        self.horizon = min(now, at(today + timedelta(days=1), 0, 0, HOME) - timedelta(minutes=1))
        self.platforms = platforms
        self.policy = policy
        self.next_id = dict(first_ids)
        self.taken_emails = set(taken_emails)
        self.password_hash = generate_password_hash(secrets.token_urlsafe(32))
        self.rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        self.brands: list[BrandInfo] = []
        self.staff: list[int] = []
        self.fans: list[int] = []
        self.members: dict[int, dict] = {}

    def new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def moment_between(self, start: datetime, end: datetime, zone: ZoneInfo) -> datetime:
        """A moment in [start, end], in the local working day when there is room."""
        if end <= start:
            return start
        rng = self.rng
        first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        for _ in range(8):
            day = first + timedelta(days=rng.randint(0, (last - first).days))
            if day.weekday() >= 5 and rng.random() < 0.8:
                continue  # people mostly write on working days
            hour = rng.choice((8, 9, 9, 10, 10, 11, 11, 12, 14, 14, 15, 15, 16, 16, 17, 18, 21))
            moment = at(day, hour, rng.randrange(60), zone)
            if start <= moment <= end:
                return moment
        seconds = int((end - start).total_seconds())
        return start + timedelta(seconds=rng.randint(0, seconds) // 60 * 60)

    # --- members and brands --------------------------------------------------------------------

    def email(self, local: str, domain: str) -> str:
        base = re.sub(r"[^a-z0-9.]+", "", ascii_fold(local).lower()).strip(".") or "member"
        candidate, n = f"{base}@{domain}", 1
        while candidate in self.taken_emails:
            n += 1
            candidate = f"{base}{n}@{domain}"
        self.taken_emails.add(candidate)
        return candidate

    def member(
        self,
        *,
        role: str,
        first: str,
        last: str,
        domain: str,
        created_at: datetime,
        region: Region | None = None,
        brand_id: int | None = None,
        display_name: str | None = None,
    ) -> int:
        rng = self.rng
        user_id = self.new_id("user_account")
        row = {
            "id": user_id,
            "email": self.email(f"{first}.{last}", domain),
            "password_hash": self.password_hash,
            "role": role,
            "display_name": display_name if display_name is not None else f"{first} {last}",
            "phone": digits(rng, region.phone) if region and rng.random() < 0.2 else "",
            "brand_id": brand_id,
            "locale": region.locale if region and rng.random() < 0.6 else "",
            "timezone": region.timezone if region else DEFAULT_TIMEZONE,
            "active": True,
            "session_version": 1,
            "created_at": created_at,
            "deleted_at": None,
        }
        self.rows["user_account"].append(row)
        self.members[user_id] = row
        return user_id

    def make_staff(self) -> None:
        rng = self.rng
        start = at(self.today - timedelta(days=6 * 365), 9, 0, HOME)
        people = [("admin", "Claire", "Moreau"), ("admin", "Oliver", "Hawthorne")]
        people += [("staff", rng.choice(r.first_names), rng.choice(r.last_names)) for r in REGIONS]
        for index, (role, first, last) in enumerate(people[:7]):
            user_id = self.member(
                role=role,
                first=first,
                last=last,
                domain="registry.example.org",
                created_at=start + timedelta(days=7 * index, hours=index),
            )
            self.staff.append(user_id)

    def brand_name(self, region: Region, taken: set[str]) -> tuple[str, str, str]:
        """A distinct name, its distinctive word and its pattern's other words."""
        rng = self.rng
        for _ in range(30):
            surname, pattern = rng.choice(region.surnames), rng.choice(region.patterns)
            name = pattern.format(S=surname)
            if name.lower() not in taken:
                return name, surname, pattern
        for _ in range(30):
            name = f"{name.split(' (')[0]} {rng.choice(region.cities)}"
            if name.lower() not in taken:
                return name, surname, pattern
        n = 2
        while f"{name} {n}".lower() in taken:
            n += 1
        return f"{name} {n}", surname, pattern

    def make_brands(self) -> None:
        rng = self.rng
        regions, weights = list(REGIONS), [r.weight for r in REGIONS]
        names: set[str] = set()
        slugs: set[str] = set()
        first_day = self.today - timedelta(days=5 * 365 + 200)
        for index in range(self.sizes.brands):
            region = regions[index] if index < len(regions) else rng.choices(regions, weights)[0]
            name, core, _ = self.brand_name(region, names)
            names.add(name.lower())
            slug = slugify(name)[:64].strip("-")
            if slug in slugs:
                slug = f"{slug[:58]}-{region.country.lower()}"
                n = 2
                while slug in slugs:
                    slug = f"{slugify(name)[:56]}-{region.country.lower()}{n}"
                    n += 1
            slugs.add(slug)
            domain = f"{slug.replace('-', '')}.{region.tld}"
            brand_id = self.new_id("brand")
            deadline = rng.choice((5, 15, 20, 30)) if rng.random() < 0.15 else None
            created_at = at(first_day + timedelta(days=rng.randint(0, 200)), 10, 0, HOME)
            notes = rng.choice(
                (
                    "",
                    "",
                    f"Founded in {rng.randint(1890, 2015)}.",
                    "The marketing team runs the social accounts.",
                    f"Head office in {rng.choice(region.cities)}.",
                )
            )
            row = {
                "id": brand_id,
                "version": 1,
                "name": name,
                "slug": slug,
                "country": region.country,
                "subdivision": region.subdivision,
                "timezone": region.timezone,
                "website": f"https://www.{domain}",
                "reply_deadline_days": deadline,
                "notes": notes,
                "created_at": created_at,
            }
            self.rows["brand"].append(row)
            model = Brand(**row)
            info = BrandInfo(
                model=model,
                region=region,
                core=ascii_fold(core),
                words=words_of(name),
                domain=domain,
                zone=ZoneInfo(region.timezone),
                created_at=created_at,
            )
            self.brands.append(info)
            self.make_contact_points(info)
            self.rows["audit_entry"].append(
                audit_row(
                    self.new_id("audit_entry"),
                    moment=created_at,
                    actor_id=rng.choice(self.staff),  # staff joined before any brand
                    action="brand.create",
                    entity_type="brand",
                    entity_id=brand_id,
                    summary=CREATED_BRAND,
                    params={"brand": name},
                    after={k: row[k] for k in BRAND_FIELDS},
                )
            )

    def make_contact_points(self, info: BrandInfo) -> None:
        rng = self.rng
        french = info.region.locale == "fr"
        domain, region = info.domain, info.region
        choices = [
            ("web_form", "Formulaire de contact" if french else "Contact form",
             f"https://www.{domain}/contact"),
            ("email", "Service client" if french else "Customer service", f"service@{domain}"),
            ("phone", "Standard" if french else "Switchboard", digits(rng, region.phone)),
            ("press_office", "Service de presse" if french else "Press office",
             f"press@{domain}"),
            ("legal", "Service juridique" if french else "Legal department", f"legal@{domain}"),
            ("community_manager", "Community manager", "Messenger"),
            ("marketing", "Marketing", f"marketing@{domain}"),
            ("executive", "Direction générale" if french else "CEO's office", "Head office"),
        ]  # fmt: skip
        count = rng.choice((2, 2, 3, 3, 4))
        picked = [choices[0]] + rng.sample(choices[1:], count - 1)
        for kind, label, value in picked:
            self.rows["contact_point"].append(
                {
                    "id": self.new_id("contact_point"),
                    "brand_id": info.model.id,
                    "kind": kind,
                    "label": label,
                    "value": value,
                }
            )
            channel = {"web_form": "web_form", "phone": "phone"}.get(kind, "email")
            if kind == "community_manager":
                channel = "dm"
            info.contact_labels.setdefault(channel, []).append(label)

    def make_legal_and_fans(self) -> None:
        rng = self.rng
        for info in self.brands:
            if rng.random() < 0.35:
                first = rng.choice(info.region.first_names)
                last = rng.choice(info.region.last_names)
                info.legal_id = self.member(
                    role="legal",
                    first=first,
                    last=last,
                    domain=f"{info.model.slug}.example",
                    created_at=info.created_at + timedelta(days=rng.randint(1, 90)),
                    region=info.region,
                    brand_id=info.model.id,
                    display_name=f"{first} {last} ({info.model.name} legal)",
                )
        count = max(1, self.sizes.requests // 4) if self.sizes.requests else 0
        regions, weights = list(REGIONS), [r.weight for r in REGIONS]
        for _ in range(count):
            region = rng.choices(regions, weights)[0]
            first, last = rng.choice(region.first_names), rng.choice(region.last_names)
            # Dated when their first handle or request is known (see fix_fan_dates).
            user_id = self.member(
                role="fan",
                first=first,
                last=last,
                domain=rng.choice(("example.org", "example.net", "example.com")),
                created_at=self.horizon,
                region=region,
                display_name=rng.choice((f"{first} {last[0]}.", first, f"{first} {last}")),
            )
            self.fans.append(user_id)

    # --- handles and custody -----------------------------------------------------------------

    def tokens(self, info: BrandInfo | None, words: list[str], core: str, country: str) -> dict:
        rng = self.rng
        compact = "".join(w[:1].upper() + w[1:] for w in words) or core
        region = info.region if info else rng.choice(REGIONS)
        return {
            "C": compact,
            "c": compact.lower(),
            "K": core[:1].upper() + core[1:],
            "k": core.lower(),
            "CC": country.upper() if country != "GB" else "UK",
            "cc": country.lower() if country != "GB" else "uk",
            "City": ascii_fold(rng.choice(region.cities)).replace(" ", ""),
            "first": ascii_fold(rng.choice(region.first_names)).lower(),
            "n": str(rng.randint(1, 99)),
            "yy": str(rng.randint(85, 99) if rng.random() < 0.5 else rng.randint(0, 24)).zfill(2),
        }

    def adapt(self, raw: str, rules: PlatformRules, info: BrandInfo | None, exact: bool) -> str:
        """A raw name as people spell it on this platform (parse_handle checks it after)."""
        slug = rules.slug
        if slug == "x":
            return re.sub(r"[^A-Za-z0-9_]", "", raw)[:15]
        if slug == "facebook":
            name = re.sub(r"[^A-Za-z0-9.]", "", raw.replace("_", "."))
            return re.sub(r"\.(com|net|org)$", "", name, flags=re.IGNORECASE)[:50]
        if slug in ("instagram", "threads", "tiktok", "snapchat"):
            name = re.sub(r"\.{2,}", ".", re.sub(r"[^a-z0-9_.]", "", raw.lower())).strip(".")
            if slug == "snapchat":
                name = name.lstrip("0123456789_")[:15].rstrip(".")
            return name[: 24 if slug == "tiktok" else 30].rstrip(".")
        if slug == "youtube":
            return re.sub(r"[^\w.\-]", "", raw)[:30]
        if slug in ("linkedin", "linkedin_member"):
            name = re.sub(r"[^a-z0-9-]", "", re.sub(r"[_. ]", "-", raw.lower()))
            return re.sub(r"-{2,}", "-", name).strip("-")[:100]
        if slug == "bluesky":
            if exact and info is not None and self.rng.random() < 0.6:
                return info.domain  # a brand's own domain as its handle
            label = re.sub(r"[^a-z0-9-]", "", re.sub(r"[_.]", "-", raw.lower())).strip("-")
            return f"{label[:63].strip('-')}.bsky.social"
        if slug == "mastodon":
            user = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9_.]", "", raw)).strip(".")[:30]
            region = info.region if info else self.rng.choice(REGIONS)
            instance = self.rng.choice(region.instances)
            if exact and info is not None and self.rng.random() < 0.3:
                instance = f"social.{info.domain}"
            return f"{user}@{instance}"
        if slug == "telegram":
            name = re.sub(r"_{2,}", "_", re.sub(r"[^A-Za-z0-9_]", "", raw)).lstrip("0123456789_")
            name = name[:32].rstrip("_")
            return name if len(name) >= 5 else f"{name}_official"
        return raw

    def handle_name(
        self,
        rules: PlatformRules,
        info: BrandInfo | None,
        words: list[str],
        core: str,
        country: str,
        kind: str,
        exact: bool,
        seen: set[str],
    ) -> tuple[str, str]:
        """A handle this platform accepts and the registry does not hold yet: (display,
        normalized) exactly as parse_handle gives them."""
        rng = self.rng
        values = self.tokens(info, words, core, country)
        candidates: list[str] = []
        if exact:
            if rules.slug == "youtube" and info and info.region.country == "JP":
                kanji = "".join(_JP_KANJI.get(w, "") for w in info.words)
                if len(kanji) >= 3 and rng.random() < 0.5:
                    candidates.append(kanji)
            candidates.append("{C}")
        candidates += rng.sample(VARIANTS[kind], min(4, len(VARIANTS[kind])))
        candidates += [f"{{c}}{rng.randint(1, 9999)}" for _ in range(3)]
        candidates += [
            f"{{k}}_{ascii_fold(rng.choice(REGIONS[0].last_names)).lower()}{rng.randint(1, 99999)}"
            for _ in range(3)
        ]
        for template in candidates:
            raw = self.adapt(template.format(**values), rules, info, exact)
            try:
                parsed = parse_handle(rules, raw)
            except InvalidHandle:
                continue
            if parsed.normalized not in seen:
                seen.add(parsed.normalized)
                return parsed.display, parsed.normalized
        while True:  # always found in practice: ids are unique
            raw = self.adapt(f"{values['k']}x{rng.randint(10**6, 10**9)}", rules, info, False)
            try:
                parsed = parse_handle(rules, raw)
            except InvalidHandle:
                raw = f"handle{rng.randint(10**6, 10**9)}"
                parsed = parse_handle(rules, self.adapt(raw, rules, info, False))
            if parsed.normalized not in seen:
                seen.add(parsed.normalized)
                return parsed.display, parsed.normalized

    def make_handles(self) -> None:
        rng = self.rng
        n = self.sizes.handles
        platform_weights = [PLATFORM_WEIGHTS.get(r.slug, 3) for _, r in self.platforms]
        picks = rng.choices(range(len(self.platforms)), platform_weights, k=n)
        # A few brands are much better known than most: they have many more handles.
        brand_cum = list(accumulate(1 / (i + 1) ** 0.5 for i in range(len(self.brands))))
        seen: dict[int, set[str]] = {pid: set() for pid, _ in self.platforms}
        exact_done: set[tuple[int, int]] = set()
        oldest = self.today - timedelta(days=5 * 365)
        self.handle_kind: list[str] = []
        self.handle_info: list[BrandInfo | None] = []
        self.open_custody: list[int] = []  # index into custody rows, per handle
        self.handle_url: list[str] = []
        custody = self.rows["custody_record"]
        for index in range(n):
            platform_id, rules = self.platforms[
                index if index < len(self.platforms) else picks[index]
            ]
            info: BrandInfo | None
            if index < len(self.brands):
                info = self.brands[index]
            elif not self.brands or rng.random() < 0.03:
                info = None  # a handle recorded before anyone said which brand it names
            else:
                pick = bisect.bisect_left(brand_cum, rng.random() * brand_cum[-1])
                info = self.brands[min(pick, len(self.brands) - 1)]
            exact = info is not None and (info.model.id, platform_id) not in exact_done
            if info is not None:
                exact_done.add((info.model.id, platform_id))
                words, core, country = info.words, info.core, info.region.country
            else:
                region = rng.choice(REGIONS)
                surname = ascii_fold(rng.choice(region.surnames))
                sector = words_of(rng.choice(region.patterns).format(S=""))
                words, core, country = [surname, *sector], surname, region.country
            if index < len(COVERAGE):
                kind, status = COVERAGE[index]
                if info is None and kind == "brand":
                    kind = "unknown"
            else:
                if info is None:
                    kind = rng.choices(HOLDER_KINDS, (0, 10, 10, 30, 50))[0]
                else:
                    kind = rng.choices(
                        HOLDER_KINDS, KIND_WEIGHTS_EXACT if exact else KIND_WEIGHTS_OTHER
                    )[0]
                status = weighted(rng, STATUSES_BY_KIND[kind])
            display, normalized = self.handle_name(
                rules, info, words, core, country, kind, exact, seen[platform_id]
            )
            handle_id = self.new_id("handle")
            holder_name, contact = self.holder_of(kind, info)
            mu, sigma = FOLLOWERS[kind]
            followers = None
            if status != "unregistered" and rng.random() < 0.9:
                followers = min(int(rng.lognormvariate(mu, sigma)), 300_000_000)
            started = oldest + timedelta(days=rng.randint(0, 5 * 365 - 30))
            if info is not None:
                started = max(started, info.created_at.date() + timedelta(days=1))
            recorder = rng.choice(self.staff)
            recorded_at = self.moment_between(
                at(started, 0, 0, HOME), at(started, 23, 59, HOME), HOME
            )
            seen_on = None
            if followers is not None:
                seen_on = started + timedelta(days=rng.randint(0, (self.today - started).days))
            row = {
                "id": handle_id,
                "version": 1,
                "platform_id": platform_id,
                "handle": display,
                "normalized": normalized,
                "brand_id": info.model.id if info else None,
                "holder_kind": kind,
                "holder_name": holder_name,
                "holder_contact": contact,
                "holder_user_id": None,
                "holder_verified": True,
                "status": status,
                "followers": followers,
                "followers_seen_on": seen_on,
                "notes": rng.choice(HANDLE_NOTES[kind]),
                "private_notes": rng.choice(PRIVATE_NOTES),
                "created_at": recorded_at,
                "updated_at": recorded_at,
            }
            self.rows["handle"].append(row)
            self.handle_kind.append(kind)
            self.handle_info.append(info)
            url = rules.url_template.format(
                handle=display, user=display.partition("@")[0], instance=display.partition("@")[2]
            )
            if rng.random() < 0.12 and (self.today - started).days > 60:
                # An earlier holder, closed when staff recorded the one seen since.
                changed = started + timedelta(
                    days=rng.randint(30, (self.today - started).days - 30)
                )
                old_kind = rng.choice([k for k in HOLDER_KINDS if k not in (kind, "brand")])
                old_name, old_contact = self.holder_of(old_kind, info)
                custody.append(
                    self.custody_row(
                        handle_id,
                        old_kind,
                        old_name,
                        old_contact,
                        started,
                        recorder,
                        recorded_at,
                        note_code=recorded.FIRST_RECORDED,
                        ended_on=changed,
                    )
                )
                staff = rng.choice(self.staff)
                moment = self.moment_between(
                    at(changed, 0, 0, HOME), min(at(changed, 23, 59, HOME), self.horizon), HOME
                )
                custody.append(
                    self.custody_row(
                        handle_id,
                        kind,
                        holder_name,
                        contact,
                        changed,
                        staff,
                        moment,
                        note=rng.choice(("New holder seen on the profile.", "", "")),
                        evidence_url=url if rng.random() < 0.5 else "",
                    )
                )
                row["updated_at"] = moment
                row["version"] = 2
            else:
                custody.append(
                    self.custody_row(
                        handle_id,
                        kind,
                        holder_name,
                        contact,
                        started,
                        recorder,
                        recorded_at,
                        note_code=recorded.FIRST_RECORDED,
                        evidence_url=url if rng.random() < 0.3 else "",
                    )
                )
            self.open_custody.append(len(custody) - 1)
            self.handle_url.append(url)

    def holder_of(self, kind: str, info: BrandInfo | None) -> tuple[str, str]:
        """A holder's name and private contact, by kind."""
        rng = self.rng
        if kind == "brand":
            return (info.model.name if info else ""), ""
        if kind == "fan":
            region = info.region if info else rng.choice(REGIONS)
            first = rng.choice(region.first_names)
            core = info.core if info else "the brand"
            name = rng.choice(
                (
                    f"{first}, a fan",
                    f"{first} {rng.choice(region.last_names)[0]}.",
                    f"{core} fan club",
                )
            )
            contact = ""
            if rng.random() < 0.4:
                contact = f"{ascii_fold(first).lower()}.{rng.randint(1, 999)}@example.net"
            return name, contact
        if kind == "agency":
            name = rng.choice(AGENCIES)
            return name, f"social@{slugify(name).replace('-', '')}.example"
        if kind == "squatter":
            name = rng.choice(SQUATTERS)
            return name, ("offers@handlevault.example" if rng.random() < 0.4 else "")
        return "", ""

    def custody_row(
        self,
        handle_id: int,
        kind: str,
        name: str,
        contact: str,
        started_on: date,
        recorded_by: int | None,
        recorded_at: datetime,
        *,
        note_code: str = "",
        note_params: dict | None = None,
        note: str = "",
        ended_on: date | None = None,
        evidence_url: str = "",
        holder_user_id: int | None = None,
    ) -> dict:
        return {
            "id": self.new_id("custody_record"),
            "handle_id": handle_id,
            "holder_kind": kind,
            "holder_name": name,
            "holder_contact": contact,
            "holder_user_id": holder_user_id,
            "started_on": started_on,
            "ended_on": ended_on,
            "evidence_url": evidence_url,
            "note": note,
            "note_code": note_code,
            "note_params": recorded.dumps(note_params),
            "recorded_by_id": recorded_by,
            "recorded_at": recorded_at,
            "holder_verified": True,
            "verified_url": "",
            "verified_by_id": None,
            "verified_at": None,
        }

    def hand_to_member(self, index: int, fan_id: int) -> None:
        """Record a fan member as the holder of a fan-held handle (its open record too)."""
        rng = self.rng
        row = self.rows["handle"][index]
        record = self.rows["custody_record"][self.open_custody[index]]
        member = self.members[fan_id]
        row["holder_user_id"] = record["holder_user_id"] = fan_id
        row["holder_name"] = record["holder_name"] = (
            member["display_name"] if rng.random() < 0.6 else ""
        )
        row["holder_contact"] = record["holder_contact"] = member["email"]
        if rng.random() < 0.15:
            # What the fan said of themselves, not yet confirmed by staff.
            row["holder_verified"] = record["holder_verified"] = False
        elif rng.random() < 0.5:
            record["verified_by_id"] = rng.choice(self.staff)
            record["verified_at"] = min(
                record["recorded_at"] + timedelta(days=rng.randint(1, 20)), self.horizon
            )
            record["verified_url"] = self.handle_url[index]  # the profile staff checked
        member["created_at"] = min(member["created_at"], record["recorded_at"])

    # --- requests ------------------------------------------------------------------------------

    def make_requests(self) -> None:
        rng = self.rng
        eligible = [
            i
            for i, kind in enumerate(self.handle_kind)
            if kind != "brand" and self.handle_info[i] is not None
        ]
        m = self.sizes.requests
        if m > len(eligible):
            raise TooFewHandles(
                f"--requests {m} needs as many handles that name a brand and are not held by "
                f"it; {self.sizes.handles} handles of {self.sizes.brands} brands give "
                f"{len(eligible)}: ask for more handles and brands, or fewer requests."
            )
        weight = {"fan": 3.0, "squatter": 2.0, "agency": 1.0, "unknown": 1.2}
        keyed = sorted(eligible, key=lambda i: -(rng.random() ** (1 / weight[self.handle_kind[i]])))
        chosen = keyed[:m]
        states = list(STATES[:m]) + rng.choices(
            list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()), k=max(0, m - len(STATES))
        )
        span = YEARS_OF_REQUESTS * 365
        plans = []
        for index, state in zip(chosen, states, strict=True):
            started = self.rows["custody_record"][self.open_custody[index]]["started_on"]
            latest = self.today - timedelta(days=1)
            earliest = max(self.today - timedelta(days=span), started)
            if earliest > latest:
                earliest = latest
            days = (latest - earliest).days
            if workflow.is_open(state) and rng.random() < 0.7:
                offset = days - rng.randint(0, min(days, 540))  # open ones are mostly recent
            else:
                offset = rng.randint(0, days)
            plans.append((earliest + timedelta(days=offset), index, state))
        plans.sort(key=lambda plan: (plan[0], plan[1]))
        # Fan-held handles on offer are held by members: the fan who offers is the holder.
        fan_pool = list(self.fans)
        rng.shuffle(fan_pool)
        fan_turn = 0
        self.requests: list[dict] = []
        for opened_on, index, state in plans:
            kind = "claim"
            proposer = None
            if self.handle_kind[index] == "fan" and self.fans and rng.random() < 0.85:
                kind = "offer"
                proposer = fan_pool[fan_turn] if fan_turn < len(fan_pool) else rng.choice(self.fans)
                fan_turn += 1
                self.hand_to_member(index, proposer)
            info = self.handle_info[index]
            assert info is not None
            if proposer is None:
                legal = info.legal_id
                proposer = legal if legal and rng.random() < 0.5 else rng.choice(self.staff)
            self.requests.append(
                {
                    "index": index,
                    "info": info,
                    "state": state,
                    "kind": kind,
                    "proposer": proposer,
                    "opened_on": opened_on,
                }
            )
        # Some other fan-held handles are members' too.
        for index, kind in enumerate(self.handle_kind):
            row = self.rows["handle"][index]
            if (
                kind == "fan"
                and self.fans
                and row["holder_user_id"] is None
                and rng.random() < 0.25
            ):
                self.hand_to_member(index, rng.choice(self.fans))

    def allocate_attempts(self) -> list[int]:
        """How many attempts each request gets: heavy-tailed, exactly K in all."""
        rng = self.rng
        k, requests = self.sizes.attempts, self.requests
        counts = [0] * len(requests)
        if not requests or not k:
            return counts
        takers = [
            i
            for i, r in enumerate(requests)
            if r["state"] != "proposed"
            and not (r["state"] in ("withdrawn", "contacting") and rng.random() < 0.12)
        ] or list(range(len(requests)))
        left = k
        for i in takers:
            need = min(MIN_ATTEMPTS.get(requests[i]["state"], 0), left)
            counts[i] += need
            left -= need
        weights = [
            rng.paretovariate(1.1) * max(ATTEMPT_FACTOR[requests[i]["state"]], 0.3) for i in takers
        ]
        total = sum(weights)
        shares = [left * w / total for w in weights]
        for i, share in zip(takers, shares, strict=True):
            counts[i] += int(share)
        remainder = k - sum(counts)
        by_fraction = sorted(
            range(len(takers)), key=lambda j: shares[j] - int(shares[j]), reverse=True
        )
        for j in by_fraction[:remainder]:
            counts[takers[j]] += 1
        # No request takes more than MAX_ATTEMPTS while others have room.
        cap = max(MAX_ATTEMPTS, -(-k // len(takers)))
        excess = sum(max(0, counts[i] - cap) for i in takers)
        for i in takers:
            counts[i] = min(counts[i], cap)
        while excess:
            for i in takers:
                if excess and counts[i] < cap:
                    counts[i] += 1
                    excess -= 1
        return counts

    def steps_for(self, state: str, n: int, kind: str, has_legal: bool) -> list[Step]:
        """What happened on a request, in order, as n attempts that fit its state."""
        rng = self.rng

        def channel(phase_index: int, total: int, direction: str) -> str:
            if direction == "inbound":
                return weighted(rng, INBOUND_CHANNELS)
            late = total and phase_index / max(total, 1) > 0.5
            return weighted(rng, LATE_CHANNELS if late else EARLY_CHANNELS)

        def chase(count: int) -> list[Step]:
            steps = []
            for j in range(count):
                if j and rng.random() < 0.15:
                    steps.append(
                        Step("inbound", weighted(rng, NOT_A_REPLY_INBOUND), "email", "chase")
                    )
                else:
                    outcome = weighted(rng, CHASE_OUTCOMES)
                    ch = channel(j, count, "outbound")
                    if outcome == "voicemail":
                        ch = "phone"
                    steps.append(Step("outbound", outcome, ch, "chase"))
            if steps and steps[0].direction == "inbound":
                steps[0] = Step("outbound", "no_answer", "web_form", "chase")
            return steps

        def reply() -> Step:
            if rng.random() < 0.75:
                return Step("inbound", "replied", weighted(rng, INBOUND_CHANNELS), "reply")
            if rng.random() < 0.7:
                return Step("outbound", "replied", "phone", "reply")
            return Step("outbound", "meeting", "in_person", "reply")

        def talk(count: int) -> list[Step]:
            steps = []
            for _ in range(count):
                if rng.random() < 0.5:
                    outcome = weighted(rng, DISCUSSION_OUTBOUND)
                    ch = weighted(rng, (("email", 50), ("phone", 35), ("dm", 10)))
                    if outcome == "voicemail":
                        ch = "phone"
                    elif outcome == "meeting":
                        ch = "in_person" if rng.random() < 0.5 else "phone"
                    steps.append(Step("outbound", outcome, ch, "talk"))
                else:
                    outcome = weighted(rng, DISCUSSION_INBOUND)
                    ch = weighted(rng, INBOUND_CHANNELS)
                    if outcome == "auto_reply":
                        ch = "email"
                    steps.append(Step("inbound", outcome, ch, "talk"))
            return steps

        def decision(accept: bool) -> Step:
            return Step(
                "inbound",
                "replied" if accept else "refused",
                "email" if rng.random() < 0.8 else "letter",
                "decision",
                (recorded.ACCEPT if accept else recorded.DECLINE) if has_legal else "",
            )

        if n == 0:
            return []
        if state == "proposed":  # only the brand wrote (an outbound would be "contacting")
            return [
                Step("inbound", weighted(rng, NOT_A_REPLY_INBOUND), "email", "chase")
                for _ in range(n)
            ]
        if state == "contacting":
            steps = chase(n)
            if n > 1 and rng.random() < 0.2:
                steps[-1] = reply()  # answered, not moved on yet
            return steps
        if state in ("in_discussion", "agreed", "completed"):
            final = [decision(True)] if state != "in_discussion" else []
            rest = n - len(final)
            if rest <= 0:
                return final[:n]
            chased = max(1, int(rest * rng.uniform(0.15, 0.6))) if rest > 1 else 0
            talked = talk(rest - chased - 1)
            # After the brand's yes, a few messages arrange the handover.
            after = min(len(talked), rng.randint(0, 2)) if final else 0
            return (
                chase(chased)
                + [reply()]
                + talked[: len(talked) - after]
                + final
                + (talked[len(talked) - after :])
            )
        if state == "declined":
            if n == 1:
                return [decision(False)]
            rest = n - 1
            if rng.random() < 0.5 or rest < 2:
                return chase(rest) + [decision(False)]
            chased = max(1, int(rest * rng.uniform(0.3, 0.7)))
            return chase(chased) + [reply()] + talk(rest - chased - 1) + [decision(False)]
        # withdrawn: the proposer gave up, mostly after no answer.
        if n > 2 and rng.random() < 0.3:
            chased = max(1, int(n * 0.5))
            return chase(chased) + [reply()] + talk(n - chased - 1)
        return chase(n)

    def ensure_coverage(self, stories: list[list[Step]]) -> None:
        """Every direction, channel and outcome appears once there are enough attempts."""
        steps = [s for story in stories for s in story if s.phase != "decision"]
        if len(steps) < len(CHANNELS) + len(clock.OUTCOMES):
            return
        for value in clock.CHANNELS:
            if not any(s.channel == value for s in steps):
                common = Counter(s.channel for s in steps).most_common(1)[0][0]
                next(s for s in steps if s.channel == common).channel = value
        for value in clock.OUTCOMES:
            if not any(s.outcome == value for s in steps):
                common = Counter(s.outcome for s in steps).most_common(1)[0][0]
                pick = [s for s in steps if s.outcome == common]
                pick[-1].outcome = value
        for value in clock.DIRECTIONS:
            if not any(s.direction == value for s in steps):
                steps[-1].direction = value

    def contact_point(self, info: BrandInfo, step: Step) -> str:
        rng = self.rng
        if step.decision:
            return recorded.DECISION_CONTACT_POINT
        labels = info.contact_labels.get(step.channel)
        if labels:
            return rng.choice(labels)
        return {
            "web_form": "Contact form",
            "email": rng.choice(("Customer service", "Marketing", "Press office")),
            "phone": "Switchboard",
            "dm": "Official account",
            "mention": "Official account",
            "letter": rng.choice(("Head office", "Legal department")),
            "in_person": rng.choice(("Head office", "CEO's office", "Trade fair stand")),
            "marketplace": rng.choice(("Auction site", "Handle marketplace")),
        }[step.channel]

    def summary(self, step: Step) -> str:
        if step.phase == "decision":
            accept = step.outcome == "replied"
            return self.rng.choice(
                DECISION_SUMMARIES[recorded.ACCEPT if accept else recorded.DECLINE]
            )
        options = SUMMARIES.get((step.channel, step.direction, step.outcome)) or SUMMARIES.get(
            (step.direction, step.outcome), ("",)
        )
        return self.rng.choice(options).format(channel=CHANNEL_LABELS[step.channel])

    def write_requests(self) -> None:
        rng = self.rng
        counts = self.allocate_attempts()
        stories = [
            self.steps_for(r["state"], n, r["kind"], r["info"].legal_id is not None)
            for r, n in zip(self.requests, counts, strict=True)
        ]
        self.ensure_coverage(stories)
        attempts: list[dict] = []
        handles, custody = self.rows["handle"], self.rows["custody_record"]
        for plan, story in zip(self.requests, stories, strict=True):
            info: BrandInfo = plan["info"]
            zone, state, index = info.zone, plan["state"], plan["index"]
            handle = handles[index]
            request_id = self.new_id("transfer_request")
            opened_on: date = plan["opened_on"]
            start = at(opened_on, 0, 0, zone)
            end_of_today = at(self.today + timedelta(days=1), 0, 0, zone) - timedelta(minutes=1)
            end = min(self.horizon, end_of_today)
            closed_at = None
            if not workflow.is_open(state):
                days = rng.randint(3, 60) if len(story) < 5 else rng.randint(20, 420)
                closed_day = min(opened_on + timedelta(days=days), self.today)
                closed_at = min(self.moment_between(at(closed_day, 0, 0, zone), end, zone), end)
                closed_at = max(closed_at, start)
                end = closed_at
            created_at = self.moment_between(start, min(end, at(opened_on, 23, 59, zone)), zone)
            moments = sorted(self.moment_between(start, end, zone) for _ in story)
            if moments and moments[0] < created_at:
                created_at = moments[0]
            proposer = plan["proposer"]
            member = self.members[proposer]
            member["created_at"] = min(member["created_at"], created_at)
            logged_by = []
            for step in story:
                if step.decision:
                    logged_by.append(info.legal_id)
                elif plan["kind"] == "offer" and rng.random() < 0.75:
                    logged_by.append(proposer)
                else:
                    logged_by.append(rng.choice(self.staff))
            if state == "declined" and story and story[-1].decision:
                closed_at = end = max(moments[-1], created_at)  # decide() closes at once
            ids = []
            for step, moment, who in zip(story, moments, logged_by, strict=True):
                attempt_id = self.new_id("contact_attempt")
                ids.append(attempt_id)
                logged_at = moment
                if not step.decision and rng.random() < 0.3:  # recorded a little later
                    logged_at = min(moment + timedelta(hours=rng.randint(1, 72)), end)
                attempts.append(
                    {
                        "id": attempt_id,
                        "request_id": request_id,
                        "direction": step.direction,
                        "channel": step.channel,
                        "contact_point": self.contact_point(info, step),
                        "logged_by_id": who,
                        "happened_at": moment,
                        "outcome": step.outcome,
                        "summary": self.summary(step),
                        "decision": step.decision,
                        "created_at": max(logged_at, moment),
                    }
                )
            mine = attempts[len(attempts) - len(story) :]
            transitions = self.transitions(plan, story, mine, created_at, closed_at, end)
            terms = rng.choices(("free", "donation", "sale"), (60, 20, 20))[0]
            if handle["status"] == "for_sale" or self.handle_kind[index] == "squatter":
                terms = rng.choices(("free", "sale"), (30, 70))[0]
            amount = None
            if terms == "donation":
                amount = rng.randint(4, 60) * 50 * 100
            elif terms == "sale":
                amount = rng.randint(3, 250) * 100 * 100
            year = custody[self.open_custody[index]]["started_on"].year
            if plan["kind"] == "offer":
                message = OFFER_MESSAGES[terms].format(
                    handle=handle["handle"],
                    year=year,
                    brand=info.model.name,
                    amount=f"{(amount or 0) // 100:,}".replace(",", " "),
                )
            else:
                message = rng.choice(CLAIM_MESSAGES).format(brand=info.model.name)
            wait = clock.PendingWait(None, None, None, 0)
            if workflow.is_open(state):
                facts = [
                    clock.AttemptFact(local_day(a["happened_at"], info.model), a["direction"],
                                      a["outcome"])
                    for a in sorted(mine, key=lambda a: (a["happened_at"], a["id"]))
                ]  # fmt: skip
                wait = clock.pending_wait(
                    opened_on=opened_on,
                    attempts=facts,
                    calendar=self.policy.calendar_for(info.model),
                    deadline_days=self.policy.deadline_for(info.model),
                )
            last_change = max([created_at] + [a["created_at"] for a in mine] +
                              [moment for moment, *_ in transitions])  # fmt: skip
            self.rows["transfer_request"].append(
                {
                    "id": request_id,
                    "version": 2 + len(story) + sum(1 for t in transitions if not t[4]),
                    "handle_id": handle["id"],
                    "kind": plan["kind"],
                    "from_holder_kind": handle["holder_kind"],
                    "from_holder_name": handle["holder_name"],
                    "to_holder_kind": "brand",
                    "to_holder_name": info.model.name,
                    "proposer_id": proposer,
                    "terms": terms,
                    "amount_cents": amount,
                    "message": message,
                    "state": state,
                    "opened_on": opened_on,
                    "reply_due_on": wait.reply_due,
                    "first_contact_due_on": wait.first_contact_due,
                    "waiting_since": wait.waiting_since,
                    "unanswered_attempts": wait.unanswered_attempts,
                    "last_attempt_at": max((a["happened_at"] for a in mine), default=None),
                    "created_at": created_at,
                    "updated_at": last_change,
                    "closed_at": closed_at,
                }
            )
            self.rows["audit_entry"].append(
                audit_row(
                    self.new_id("audit_entry"),
                    moment=created_at,
                    actor_id=proposer,
                    action="request.create",
                    entity_type="transfer_request",
                    entity_id=request_id,
                    summary=CREATED_REQUEST,
                    params={"id": request_id, "handle": handle["handle"], "brand": info.model.name},
                    after={
                        "handle_id": handle["id"],
                        "kind": plan["kind"],
                        "terms": terms,
                        "amount_cents": amount,
                        "state": workflow.PROPOSED,
                    },
                )
            )
            for moment, actor_id, before, after, note in transitions:
                params = {
                    "id": request_id,
                    "before": recorded.code("state", before),
                    "after": recorded.code("state", after),
                }
                if note:
                    params["note"] = recorded.transition_note(note)
                self.rows["audit_entry"].append(
                    audit_row(
                        self.new_id("audit_entry"),
                        moment=moment,
                        actor_id=actor_id,
                        action="request.transition",
                        entity_type="transfer_request",
                        entity_id=request_id,
                        summary=MOVED_REQUEST_NOTE if note else MOVED_REQUEST,
                        params=params,
                        before={"state": before},
                        after={"state": after},
                    )
                )
            if state == workflow.COMPLETED:
                self.hand_over(index, request_id, info, closed_at, transitions[-1][1])
        self.rows["contact_attempt"] = attempts

    def transitions(
        self,
        plan: dict,
        story: list[Step],
        attempts: list[dict],
        created_at: datetime,
        closed_at: datetime | None,
        end: datetime,
    ) -> list[tuple[datetime, int | None, str, str, str]]:
        """The request's moves: (when, who, from, to, note) — the first outbound attempt
        moves it to "contacting" by itself (note: first contact); staff move the rest, the
        brand's legal team decides, the proposer withdraws."""
        rng = self.rng
        state, moves = plan["state"], []
        path = {
            "proposed": [],
            "contacting": ["contacting"],
            "in_discussion": ["contacting", "in_discussion"],
            "agreed": ["contacting", "in_discussion", "agreed"],
            "completed": ["contacting", "in_discussion", "agreed", "completed"],
        }.get(state)
        if path is None:  # declined or withdrawn, from where the request had got to
            reached = "proposed"
            if any(s.direction == "outbound" for s in story):
                reached = "contacting"
            if any(s.phase == "talk" for s in story):
                reached = "in_discussion"
            path = {
                "proposed": [],
                "contacting": ["contacting"],
                "in_discussion": ["contacting", "in_discussion"],
            }[reached] + [state]
        current = "proposed"
        staff = self.staff
        first_out = next((a for a in attempts if a["direction"] == "outbound"), None)
        reply = next((a for s, a in zip(story, attempts, strict=True) if s.phase == "reply"), None)
        yes = next((a for s, a in zip(story, attempts, strict=True) if s.phase == "decision"), None)
        last = created_at
        for target in path:
            note, actor = "", rng.choice(staff)
            if target == "contacting" and first_out is not None:
                moment, actor = first_out["created_at"], first_out["logged_by_id"]
                note = recorded.FIRST_CONTACT  # the attempt moved it (registry.services)
            elif target == "in_discussion" and reply is not None:
                moment = min(reply["created_at"] + timedelta(hours=rng.randint(1, 48)), end)
            elif target == "agreed" and yes is not None:
                moment = yes["created_at"]
                if yes["decision"]:  # decide(): the legal team's answer moves it
                    actor, note = yes["logged_by_id"], recorded.BRANDS_DECISION
            elif target in ("completed", "declined", "withdrawn"):
                moment = closed_at or end
                if target == "withdrawn":
                    actor = plan["proposer"]
                elif target == "declined" and story and story[-1].decision:
                    actor, note = attempts[-1]["logged_by_id"], recorded.BRANDS_DECISION
            else:
                moment = self.moment_between(last, end, plan["info"].zone)
            moment = max(moment, last)
            moves.append((moment, actor, current, target, note))
            current, last = target, moment
        return moves

    def hand_over(
        self,
        index: int,
        request_id: int,
        info: BrandInfo,
        closed_at: datetime | None,
        actor: int | None,
    ) -> None:
        """The custody step of a completed request: the brand holds the handle from the
        handover day, the previous holder's record closed that day."""
        assert closed_at is not None
        handle = self.rows["handle"][index]
        records = self.rows["custody_record"]
        previous = records[self.open_custody[index]]
        day = max(local_day(closed_at, info.model), previous["started_on"])
        previous["ended_on"] = day
        before = {k: handle[k] for k in HOLDER_FIELDS}
        records.append(
            self.custody_row(
                handle["id"],
                "brand",
                info.model.name,
                "",
                day,
                actor,
                closed_at,
                note_code=recorded.HANDED_OVER,
                note_params={"id": request_id},
            )
        )
        self.open_custody[index] = len(records) - 1
        handle.update(
            holder_kind="brand",
            holder_name=info.model.name,
            holder_contact="",
            holder_user_id=None,
            holder_verified=True,
            status="active",
            updated_at=closed_at,
            version=handle["version"] + 1,
        )
        if handle["followers"] is not None:
            handle["followers"] = int(handle["followers"] * self.rng.uniform(1.0, 1.4))
            handle["followers_seen_on"] = max(handle["followers_seen_on"] or day, day)
        self.handle_kind[index] = "brand"
        self.rows["audit_entry"].append(
            audit_row(
                self.new_id("audit_entry"),
                moment=closed_at,
                actor_id=actor,
                action="handle.custody",
                entity_type="handle",
                entity_id=handle["id"],
                summary=NEW_HOLDER,
                params={"handle": handle["handle"], "holder": info.model.name},
                before=before,
                after={k: handle[k] for k in HOLDER_FIELDS},
            )
        )

    def account_audit(self) -> None:
        """One "account created" entry per member, dated when the account was made."""
        for user in self.rows["user_account"]:
            self.rows["audit_entry"].append(
                audit_row(
                    self.new_id("audit_entry"),
                    moment=user["created_at"],
                    actor_id=user["id"],
                    action="user.create",
                    entity_type="user_account",
                    entity_id=user["id"],
                    summary=CREATED_ACCOUNT,
                    params={
                        "account": recorded.member(user["id"]),
                        "role": recorded.code("role", user["role"]),
                    },
                    after={k: user[k] for k in ("email", "role", "display_name", "brand_id")},
                )
            )

    def fix_fan_dates(self) -> None:
        """A fan joined before the first handle recorded as theirs and their first request;
        the others joined some day over the last three years."""
        rng = self.rng
        for user_id in self.fans:
            member = self.members[user_id]
            if member["created_at"] >= self.horizon:
                day = self.today - timedelta(days=rng.randint(1, YEARS_OF_REQUESTS * 365))
                member["created_at"] = at(day, rng.randint(7, 22), rng.randrange(60), HOME)
            else:
                member["created_at"] -= timedelta(
                    days=rng.randint(0, 30), minutes=rng.randint(1, 600)
                )

    def run(self) -> dict[str, list[dict]]:
        self.make_staff()
        self.make_brands()
        self.make_legal_and_fans()
        self.make_handles()
        self.make_requests()
        self.write_requests()
        self.fix_fan_dates()
        self.account_audit()
        self.rows["audit_entry"].sort(key=lambda row: (row["at"], row["id"]))
        first = self.next_id["audit_entry"] - len(self.rows["audit_entry"])
        for offset, row in enumerate(self.rows["audit_entry"]):
            row["id"] = first + offset  # the trail's ids follow its times, as in use
        return self.rows


# --- writing ---------------------------------------------------------------------------------


def check_empty(connection: Connection) -> None:
    names = set(inspect(connection).get_table_names())
    if not {t.name for t in TABLES} | {"platform"} <= names:
        raise NotInitialised("The registry's tables are missing: run `registry init-db` first.")
    counts = {
        label: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for label, table in (("handles", Handle.__table__), ("brands", Brand.__table__))
    }
    if any(counts.values()):
        raise NotEmpty(
            f"The registry already holds {counts['handles']} handles and {counts['brands']} "
            "brands: gen-data writes only into an empty database (run init-db on a new one)."
        )
    if not connection.execute(select(func.count()).select_from(Platform.__table__)).scalar_one():
        raise NotInitialised("No platforms in the registry: run `registry init-db` first.")


def generate(
    connection: Connection,
    *,
    sizes: Sizes,
    seed: int,
    today: date,
    now: datetime | None = None,
    policy: ClockPolicy | None = None,
) -> dict[str, int]:
    """Write a synthetic registry through `connection` (the caller commits); returns the
    rows written per table."""
    if sizes.attempts and not sizes.requests:
        raise TooFewHandles("--attempts needs requests to be made on: give --requests too.")
    check_empty(connection)
    platform_rows = {
        row.slug: row for row in connection.execute(select(Platform.__table__)).mappings()
    }
    order = [r.slug for r in PLATFORMS] + sorted(set(platform_rows) - {r.slug for r in PLATFORMS})
    platforms = [
        (platform_rows[slug]["id"], Platform(**platform_rows[slug]).rules())
        for slug in order
        if slug in platform_rows
    ]
    first_ids = {
        table.name: (connection.execute(select(func.max(table.c.id))).scalar_one() or 0) + 1
        for table in TABLES
    }
    taken = {
        email.lower() for email in connection.execute(select(User.__table__.c.email)).scalars()
    }
    rows = Generator(
        sizes=sizes,
        seed=seed,
        today=today,
        now=now or datetime.now(UTC),
        platforms=platforms,
        policy=policy or ClockPolicy(),
        first_ids=first_ids,
        taken_emails=taken,
    ).run()
    written = {}
    for table in TABLES:
        for batch in chunks(rows[table.name]):
            insert_rows(connection, table, batch)
        written[table.name] = len(rows[table.name])
    # The handles' lookalike keys, as add_handles writes them with each handle.
    kinds = {platform_id: rules.kind for platform_id, rules in platforms}
    keys = lookalike_index.key_rows(
        (row["id"], row["platform_id"], row["normalized"], kinds[row["platform_id"]])
        for row in rows["handle"]
    )
    for batch in chunks(keys):
        lookalike_index.write_keys(connection, batch)
    written[LookalikeKey.__tablename__] = len(keys)
    if connection.dialect.name == "postgresql":
        for table in TABLES:
            # The app's own inserts carry on after the explicit ids.
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
            )
    return written
