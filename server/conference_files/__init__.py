"""Conferences defined as YAML files: typed models, a loader with line-precise errors,
and the same checks for a conference edited as plain data (validation.py)."""

from .loader import (
    ConfigError,
    conference_files_in,
    load_conference_dir,
    load_conference_file,
    load_conference_upload,
)
from .models import (
    AGENDA_KINDS,
    AgendaItemConfig,
    BoardConfig,
    ConferenceConfig,
    ModeratorConfig,
    PromptConfig,
    RegistrationConfig,
    RoomConfig,
)
from .problems import Problem, describe
from .validation import InvalidConference, problems_of, validate
from .writer import conference_yaml, file_data

__all__ = [
    "AGENDA_KINDS",
    "AgendaItemConfig",
    "BoardConfig",
    "ConferenceConfig",
    "ConfigError",
    "conference_files_in",
    "conference_yaml",
    "file_data",
    "describe",
    "InvalidConference",
    "ModeratorConfig",
    "Problem",
    "problems_of",
    "PromptConfig",
    "RegistrationConfig",
    "RoomConfig",
    "load_conference_dir",
    "load_conference_file",
    "load_conference_upload",
    "validate",
]
