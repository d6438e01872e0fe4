"""ZIP files the tests write: plain, ZipCrypto-protected (as Alipay's may be) and AES-protected.

Python's ``zipfile`` cannot write encrypted members, so ZipCrypto (PKWARE traditional encryption,
APPNOTE 6.1) is written here by hand; AES comes from ``pyzipper``. Member names are GBK bytes
without the UTF-8 flag, as Chinese ZIP tools write them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pyzipper


def _crc_byte(crc: int, byte: int) -> int:
    crc ^= byte
    for _ in range(8):
        crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
    return crc


class _ZipCrypto:
    def __init__(self, password: bytes) -> None:
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for byte in password:
            self._update(byte)

    def _update(self, byte: int) -> None:
        k0, k1, k2 = self.keys
        k0 = _crc_byte(k0, byte)
        k1 = ((k1 + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = _crc_byte(k2, (k1 >> 24) & 0xFF)
        self.keys = [k0, k1, k2]

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            temp = (self.keys[2] | 2) & 0xFFFF
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self._update(byte)
        return bytes(out)


def zipcrypto(members: dict[str, bytes], password: bytes) -> bytes:
    """A ZIP whose members are deflated and ZipCrypto-encrypted with ``password``."""
    out = io.BytesIO()
    central = []
    for name, data in members.items():
        raw_name = name.encode("gbk")
        crc = zlib.crc32(data)
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        compressed = compressor.compress(data) + compressor.flush()
        header = bytes(range(11)) + bytes([crc >> 24 & 0xFF])
        payload = _ZipCrypto(password).encrypt(header + compressed)
        offset = out.tell()
        flags, method, time, day = 0x1, 8, 0, 0x21
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, time, day, crc, len(payload), len(data), len(raw_name), 0
            )
        )
        out.write(raw_name + payload)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                method,
                time,
                day,
                crc,
                len(payload),
                len(data),
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw_name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def aes(members: dict[str, bytes], password: bytes) -> bytes:
    """A ZIP whose members are AES-256 encrypted (WinZip AE-2) with ``password``."""
    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def plain(members: dict[str, bytes]) -> bytes:
    """A ZIP without a password."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
