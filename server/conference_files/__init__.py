"""Conferences defined as YAML files: typed models and a loader with line-precise errors."""

from .loader import ConfigError, load_conference_dir, load_conference_file
from .models import (
    AGENDA_KINDS,
    AgendaItemConfig,
    BoardConfig,
    ConferenceConfig,
    ModeratorConfig,
    PromptConfig,
    RoomConfig,
)
from .writer import conference_yaml

__all__ = [
    "AGENDA_KINDS",
    "AgendaItemConfig",
    "BoardConfig",
    "ConferenceConfig",
    "ConfigError",
    "conference_yaml",
    "ModeratorConfig",
    "PromptConfig",
    "RoomConfig",
    "load_conference_dir",
    "load_conference_file",
]
