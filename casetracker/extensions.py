"""Flask extensions, created once and bound to the app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from casetracker.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# IP counters are transient (memory, or a shared store in CASETRACKER_RATELIMIT_STORAGE_URL);
# nothing about a request's address is written to the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
