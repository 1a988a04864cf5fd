from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .i18n import LANGUAGES, Translator, language_name

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
            extensions=["jinja2.ext.i18n"],
        )
        self.env.globals["static"] = (static_files or {}).get
        self.env.globals["languages"] = [(code, language_name(code)) for code in LANGUAGES]
        self._translators = {}

    def translator(self, language: str) -> Translator:
        if language not in self._translators:
            self._translators[language] = Translator(language)
        return self._translators[language]

    def render(self, name: str, language: str, **context: object) -> str:
        # The translator comes with each render, since one environment serves every
        # language; `gettext` and `ngettext` are the names jinja2.ext.i18n and extraction know.
        _ = self.translator(language)
        return self.env.get_template(name).render(
            _=_, gettext=_, ngettext=_.ngettext, language=_.language, **context
        )
