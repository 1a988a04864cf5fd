"""The join poster as one A4 page (portrait), set by ReportLab in the report's fonts.
The QR code is drawn as vector shapes from segno's matrix: sharp at any print size."""

import io
from itertools import groupby

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer

from ..domain.text import remove_unsafe_characters as _safe
from .join_poster import JoinPoster
from .options import Labels
from .report_pdf import fonts, markup

MARGIN = 18 * mm
FRAME_PADDING = 6  # points: ReportLab's default inside a page's frame
QR_SIZE = 130 * mm
_MUTED = colors.HexColor("#4a4a4a")
_BRAND = colors.HexColor("#0b4f6c")


class QrCode(Flowable):
    """A square of `size` points, the quiet zone included; one path for every dark run
    of a row, so that neighbouring modules join without hairline gaps."""

    def __init__(self, poster: JoinPoster, size: float) -> None:
        super().__init__()
        self.rows = [list(row) for row in poster.qr().matrix_iter(border=4)]
        self.width = self.height = size
        self.hAlign = "CENTER"

    def draw(self) -> None:
        module = self.width / len(self.rows)
        path = self.canv.beginPath()
        for y, row in enumerate(self.rows):
            x = 0
            for dark, run in groupby(row):
                length = len(list(run))
                if dark:
                    top = self.height - (y + 1) * module
                    path.rect(x * module, top, length * module, module)
                x += length
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def write(poster: JoinPoster, labels: Labels) -> bytes:
    buffer = io.BytesIO()
    title = _safe(labels("poster.title") + f" – {poster.conference.title}")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        lang=labels.language,
    )
    # A long title or subtitle shrinks the whole poster rather than spill onto a page 2.
    width, height = (side - 2 * MARGIN - 2 * FRAME_PADDING for side in A4)
    document.build([KeepInFrame(width, height, _story(poster, labels, width), mode="shrink")])
    return buffer.getvalue()


def _story(poster: JoinPoster, labels: Labels, width: float) -> list[Flowable]:
    regular, bold = fonts()
    conference = poster.conference
    story = [_p(conference.title, bold, 30, spaceAfter=6)]
    if conference.subtitle:
        story.append(_p(conference.subtitle, regular, 17, spaceAfter=6))
    return [
        *story,
        _p(poster.when_and_where(labels), regular, 13, textColor=_MUTED),
        Spacer(1, 10 * mm),
        _p(labels("poster.join_heading"), bold, 24, textColor=_BRAND),
        _p(labels("poster.scan"), regular, 15, spaceAfter=4 * mm),
        QrCode(poster, QR_SIZE),
        Spacer(1, 4 * mm),
        _one_line(poster.join_url, bold, 22, width),
        Spacer(1, 6 * mm),
        _p(labels("poster.or_code", start=poster.start_url), regular, 15),
        _p(poster.code, bold, 40, spaceBefore=4 * mm),
    ]


def _p(text: str, font: str, size: float, **more) -> Paragraph:
    """Centred, escaped for ReportLab's markup and without unsafe characters."""
    style = ParagraphStyle(
        "poster", fontName=font, fontSize=size, leading=size * 1.25, alignment=TA_CENTER, **more
    )
    return Paragraph(markup(text), style)


def _one_line(text: str, font: str, largest: float, width: float) -> Paragraph:
    """A link is never broken across lines: its type shrinks until it fits the width."""
    # A little to spare: the frame measures a line a hair narrower than stringWidth.
    return _p(text, font, min(largest, largest * 0.97 * width / stringWidth(text, font, largest)))
