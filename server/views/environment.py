from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .i18n import Translator

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class Views:
    """Renders templates to strings: for pages, for socket fragments, for anything."""

    def __init__(self, templates: Path = TEMPLATES, static_files: dict[str, str] | None = None):
        self.env = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # Templates are files of the release: checking their mtime on every fragment
            # cost a third of rendering a card for a whole room.
            auto_reload=False,
        )
        self.env.globals["static"] = (static_files or {}).get
        self._translators = {}

    def translator(self, language: str) -> Translator:
        if language not in self._translators:
            self._translators[language] = Translator(language)
        return self._translators[language]

    def render(self, name: str, language: str, **context: object) -> str:
        _ = self.translator(language)
        return self.env.get_template(name).render(_=_, language=_.language, **context)
