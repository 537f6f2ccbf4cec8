"""The dashboard: server-rendered pages (Jinja2) over the same app layer the API uses."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Add the dashboard's routes, templates and static files to the API app (see docs/dashboard.md)."""
