"""The join poster: what a wall or a slide needs to let people in. The conference's
public link, the start page with the code as the short way in, and a QR code of the
link, made by segno. The console shows it as a page to print; poster_pdf sets it as PDF.
"""

import io
from dataclasses import dataclass

import segno

from ..store.records import ConferenceRecord
from .options import Labels

# Medium error correction: a poster may be creased, stained or photographed at a slant.
QR_ERROR = "m"


@dataclass(frozen=True)
class JoinPoster:
    conference: ConferenceRecord
    base_url: str  # where this server is reached, without a trailing slash

    @property
    def join_url(self) -> str:
        return f"{self.base_url}/c/{self.conference.slug}"

    @property
    def start_url(self) -> str:
        return f"{self.base_url}/"

    @property
    def code(self) -> str:
        return self.conference.code

    def qr(self) -> segno.QRCode:
        return segno.make(self.join_url, error=QR_ERROR)

    def qr_svg(self) -> bytes:
        """The QR code as a standalone SVG that scales to any size (viewBox, no size)."""
        out = io.BytesIO()
        self.qr().save(out, kind="svg", omitsize=True, light="#fff", svgclass=None)
        return out.getvalue()

    def when_and_where(self, labels: Labels) -> str:
        """Date, times and place, as the conference's header in the console shows them."""
        conference = self.conference
        line = f"{labels.date(conference.date)}, "
        line += f"{labels.time_range(conference.start, conference.end)} · {conference.place}"
        shown_format = labels(f"format.{conference.format}")
        if shown_format.lower() not in conference.place.lower():
            line += f" · {shown_format}"
        return line
