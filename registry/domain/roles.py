"""Who may do what. Permissions are named capabilities; a route names the one it needs."""

from __future__ import annotations

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
    LEGAL: frozenset({MEMBER, PROPOSE, DECIDE, VIEW_PRIVATE, READ_ALL, EXPORT, AUDIT, API_TOKENS}),
}
ROLE_PERMISSIONS[ADMIN] = frozenset().union(*ROLE_PERMISSIONS.values(), {MANAGE_USERS})


def role_can(role: str | None, permission: str) -> bool:
    """Anonymous visitors (role None) hold only PUBLIC; every account holds PUBLIC too."""
    if permission == PUBLIC:
        return True
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
