"""QR codes of our own links, made on the server (segno): no request to another host."""

import io

import segno

# Medium error correction: a poster may be creased, stained or photographed at a slant,
# a screen may reflect.
QR_ERROR = "m"


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR)


def qr_svg(url: str, inline: bool = False) -> bytes:
    """An SVG that scales to any size (a viewBox, no size of its own); `inline`: without
    the XML declaration, to go straight into a page (which names it for screen readers)."""
    out = io.BytesIO()
    qr_code(url).save(
        out, kind="svg", omitsize=True, light="#fff", svgclass=None, xmldecl=not inline
    )
    return out.getvalue()
