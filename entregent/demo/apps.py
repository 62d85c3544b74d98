from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a first run; sits above every app and is imported by none."""

    name = "entregent.demo"
    label = "demo"
