"""Image files for tests: honest small ones, and ones whose header lies about their size."""

import base64
import io
import struct
import zlib

from PIL import Image, ImageDraw


def png_bytes(width=40, height=20, *, drawn=True):
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if drawn:
        ImageDraw.Draw(image).line([(1, 1), (width - 2, height - 2)], fill=(0, 0, 0, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width=40, height=20):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose IHDR says `width`×`height`: a decompression bomb's header, a few dozen bytes."""
    raw = bytearray(png_bytes(1, 1))
    # Signature (8) + IHDR length (4) + b"IHDR" (4), then width, height, and the CRC over type + data.
    assert raw[12:16] == b"IHDR"
    raw[16:24] = struct.pack(">II", width, height)
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(raw[12:29])) & 0xFFFFFFFF)
    return bytes(raw)


def zero_png(width, height):
    """A real, valid PNG of `width`×`height` black pixels (1 bit each): 13000×13000 is about 20 KB."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def data_url(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()
