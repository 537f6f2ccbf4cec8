"""The songclear REST API (FastAPI): ``create_app`` builds it; ``songclear serve`` runs it on uvicorn."""

from songclear.api.app import create_app
from songclear.api.state import Limits

__all__ = ["Limits", "create_app"]
