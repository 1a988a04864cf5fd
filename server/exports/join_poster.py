"""The join poster: what a wall or a slide needs to let people in. The conference's
public link, the start page with the code as the short way in, and a QR code of the
link, made by segno. The console shows it as a page to print; poster_pdf sets it as PDF.
"""

from dataclasses import dataclass

import segno

from ..store.records import ConferenceRecord
from .options import Labels
from .qr_codes import qr_code, qr_svg


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
        return qr_code(self.join_url)

    def qr_svg(self) -> bytes:
        return qr_svg(self.join_url)

    def when_and_where(self, labels: Labels) -> str:
        """Date, times and place, as the conference's header in the console shows them."""
        conference = self.conference
        line = f"{labels.date(conference.date)}, "
        line += f"{labels.time_range(conference.start, conference.end)} · {conference.place}"
        shown_format = labels(f"format.{conference.format}")
        if shown_format.lower() not in conference.place.lower():
            line += f" · {shown_format}"
        return line
