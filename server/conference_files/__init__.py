"""Conferences defined as YAML files: typed models and a loader with line-precise errors."""

from .loader import ConfigError, load_conference_dir, load_conference_file
from .models import (
    AGENDA_KINDS,
    AgendaItemConfig,
    ConferenceConfig,
    ModeratorConfig,
    PromptConfig,
    RoomConfig,
)

__all__ = [
    "AGENDA_KINDS",
    "AgendaItemConfig",
    "ConferenceConfig",
    "ConfigError",
    "ModeratorConfig",
    "PromptConfig",
    "RoomConfig",
    "load_conference_dir",
    "load_conference_file",
]
