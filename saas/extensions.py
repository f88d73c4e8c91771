"""Flask extensions, created unbound here and initialised in :func:`saas.app.create_app`."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
#: Storage comes from RATELIMIT_STORAGE_URI: memory by default, Redis when SAAS_REDIS_URL is set.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
