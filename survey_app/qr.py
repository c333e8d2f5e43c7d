"""QR codes as SVG text (crisp on a printed poster) or PNG bytes (to share).

Pure functions, no Flask: collection points and workshop join codes both
call them with the absolute URL to encode.
"""

import io

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathFillImage

# Level M survives a poster that is a little creased or dirty (15 % of the
# code can be lost) while keeping modules large enough for old phone cameras.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# The quiet zone the QR standard asks for: without it many readers fail.
BORDER = 4


def _code(data: str, box_size: int, factory) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECTION,
        box_size=box_size,
        border=BORDER,
        image_factory=factory,
    )
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """An `<svg>` element (no XML declaration) drawing `data` as one path.

    It has a white background so that it still scans when shown on a dark
    screen, and a viewBox so that CSS can size it to any width.
    """
    image = _code(data, 10, SvgPathFillImage).make_image()
    return image.to_string(encoding="unicode")


def qr_png(data: str, box_size: int = 20) -> bytes:
    """A black-on-white PNG of `data`, `box_size` pixels per module.

    The default gives about 700-900 px for a short URL: about 6-7 cm at
    300 dpi, large enough to print on a poster.
    """
    image = _code(data, box_size, PilImage).make_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
