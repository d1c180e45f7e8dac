"""The text a PDF made by fpdf2 draws, read back without a PDF library: each `Tj` string is
decoded with the ToUnicode map of the font chosen before it (`/F2 11 Tf`), so a word set in
bold or italics reads as it prints; a justified line (`[...] TJ`) is read whole. One line per
line drawn, in drawing order."""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _stream(body: bytes) -> bytes:
    found = _STREAM.search(body)
    if not found:
        return b""
    raw = found.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _cmap(stream: bytes) -> dict[int, str]:
    pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", stream)
    return {int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be") for a, b in pairs}


def _unescape(raw: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        char = match.group(1)
        if char.isdigit():  # an octal escape
            return bytes([int(char, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(char, char)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    objects = {int(n): body for n, body in _OBJECT.findall(pdf)}
    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for table in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", table):
                to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
                if to_unicode:
                    fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))]))
    lines: list[str] = []
    for body in objects.values():
        content = _stream(body)
        if b"BT" not in content:
            continue
        font: dict[int, str] = {}
        string = rb"\((?:\\.|[^\\)])*\)"
        array = rb"\[((?:" + string + rb"|[^\]()])*)\]\s*TJ"  # a string may hold a ] byte
        token = rb"/(\w+)\s+[\d.]+\s+Tf|(" + string + rb")\s*Tj|" + array
        for match in re.finditer(token, content, re.S):
            if match.group(1):
                font = fonts.get(match.group(1), {})
                continue
            strings = [match.group(2)] if match.group(2) else re.findall(string, match.group(3))
            raw = b"".join(_unescape(s[1:-1]) for s in strings)
            codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
            lines.append("".join(font.get(c, "?") for c in codes))
    return "\n".join(lines)
