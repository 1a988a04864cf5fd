"""Results afterwards: CSV, JSON, Markdown and the Ergebnisprotokoll (HTML, DOCX, PDF).

Each format is a module that writes from a `Source` (store read models passed through
`policy.Policy`, the one place that decides what may be exported). The text formats
stream; DOCX and PDF are containers finished at the end, so they are built in memory.
The join poster (join_poster, poster_pdf) is here for the same PDF setting, not a result.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import csv_export, json_export, markdown_export, report_docx, report_html, report_pdf
from .options import Authors, ExportOptions, Format, Labels
from .report_html import Template
from .source import Source, UnknownRoom

__all__ = ["Authors", "ExportOptions", "Format", "Labels", "Source", "UnknownRoom", "write"]


@dataclass(frozen=True)
class Kind:
    media_type: str
    extension: str


KINDS = {
    Format.CSV: Kind("text/csv; charset=utf-8", "csv"),
    Format.JSON: Kind("application/json", "json"),
    Format.MARKDOWN: Kind("text/markdown; charset=utf-8", "md"),
    Format.HTML: Kind("text/html; charset=utf-8", "html"),
    Format.DOCX: Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
    ),
    Format.PDF: Kind("application/pdf", "pdf"),
}


def write(source: Source, template: Template) -> Iterator[bytes]:
    """The export as bytes, in pieces as they are made."""
    writers: dict[Format, Callable[[], Iterator[str] | bytes]] = {
        Format.CSV: lambda: csv_export.write(source),
        Format.JSON: lambda: json_export.write(source),
        Format.MARKDOWN: lambda: markdown_export.write(source),
        Format.HTML: lambda: report_html.write(source, template),
        Format.DOCX: lambda: report_docx.write(source),
        Format.PDF: lambda: report_pdf.write(source),
    }
    made = writers[source.options.format]()
    if isinstance(made, bytes):
        yield made
        return
    for piece in made:
        yield piece.encode("utf-8")
