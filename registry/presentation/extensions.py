"""Extensions, created unbound here and bound to the app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

# Registers the database:// storage of the limits' counters (the default) with `limits`.
from registry.adapters import rate_limits  # noqa: F401
from registry.domain.messages import N_

login_manager = LoginManager()
login_manager.login_view = "auth.login"
# Translated when flashed (registry.presentation.i18n sets the login manager's localize_callback).
login_manager.login_message = N_("Please log in to see that page.")
login_manager.login_message_category = "info"

csrf = CSRFProtect()

# Limits are declared on the views that need them (log-in, sign-up); none by default. The
# client's address is the peer's, or X-Forwarded-For's when BEHIND_PROXY says to trust it
# (ProxyFix rewrites remote_addr first).
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The site has no inline script or style and loads nothing from elsewhere: everything comes
# from 'self', nothing may frame it, and plugins and <base> are off.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
talisman = Talisman()


def init_security(app) -> None:
    """Security headers on every answer (Flask-Talisman): the policy above, DENY framing,
    nosniff, a referrer policy, and HSTS on answers served over HTTPS. The TLS proxy, not
    the site, redirects http to https."""
    talisman.init_app(
        app,
        force_https=False,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        x_xss_protection=False,  # obsolete, and harmful in old browsers; the CSP replaces it
    )
    limiter.init_app(app)
