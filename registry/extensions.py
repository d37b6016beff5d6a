"""Extensions, created unbound here and bound to the app in create_app."""

from flask_login import LoginManager
from flask_wtf import CSRFProtect

from registry.domain.messages import N_

login_manager = LoginManager()
login_manager.login_view = "auth.login"
# Translated when flashed (registry.i18n sets the login manager's localize_callback).
login_manager.login_message = N_("Please log in to see that page.")
login_manager.login_message_category = "info"

csrf = CSRFProtect()
