"""ITU-T G.711 mu-law and A-law, written out (Python 3.13 removed ``audioop``).

The conversions follow the reference algorithm (the public-domain ``g711.c``
from Sun Microsystems that most implementations, ``audioop`` included, derive
from): 16-bit linear PCM is reduced to 14 bits (mu-law) or 13 bits (A-law),
biased, and split into a 3-bit segment and a 4-bit mantissa; the sign bit and
the line inversion (all bits for mu-law, even bits ``0x55`` for A-law) are
applied last. Decoding returns the centre of each quantisation interval.

Bulk functions work on whole buffers with lookup tables: 256 entries to decode,
65,536 entries (one per 16-bit sample value) to encode, built on first use.
"""

from __future__ import annotations

import sys
from array import array

_SEG_UEND = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_SEG_AEND = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)
_BIAS = 0x84
_CLIP = 8159
_QUANT_MASK = 0x0F
_SEG_SHIFT = 4
_SEG_MASK = 0x70
_SIGN_BIT = 0x80


def _segment(value: int, ends: tuple[int, ...]) -> int:
    for index, end in enumerate(ends):
        if value <= end:
            return index
    return len(ends)


def linear_to_ulaw(sample: int) -> int:
    """Encode one signed 16-bit sample as a mu-law byte."""
    value = sample >> 2
    if value < 0:
        value = -value
        mask = 0x7F
    else:
        mask = 0xFF
    if value > _CLIP:
        value = _CLIP
    value += _BIAS >> 2
    seg = _segment(value, _SEG_UEND)
    if seg >= 8:
        return 0x7F ^ mask
    return ((seg << 4) | ((value >> (seg + 1)) & 0x0F)) ^ mask


def ulaw_to_linear(code: int) -> int:
    """Decode one mu-law byte to a signed 16-bit sample."""
    code = ~code & 0xFF
    t = ((code & _QUANT_MASK) << 3) + _BIAS
    t <<= (code & _SEG_MASK) >> _SEG_SHIFT
    return (_BIAS - t) if (code & _SIGN_BIT) else (t - _BIAS)


def linear_to_alaw(sample: int) -> int:
    """Encode one signed 16-bit sample as an A-law byte."""
    value = sample >> 3
    if value >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        value = -value - 1
    seg = _segment(value, _SEG_AEND)
    if seg >= 8:
        return 0x7F ^ mask
    code = seg << _SEG_SHIFT
    if seg < 2:
        code |= (value >> 1) & _QUANT_MASK
    else:
        code |= (value >> seg) & _QUANT_MASK
    return code ^ mask


def alaw_to_linear(code: int) -> int:
    """Decode one A-law byte to a signed 16-bit sample."""
    code ^= 0x55
    t = (code & _QUANT_MASK) << 4
    seg = (code & _SEG_MASK) >> _SEG_SHIFT
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t += 0x108
        t <<= seg - 1
    return t if (code & _SIGN_BIT) else -t


_tables: dict[str, object] = {}


def _decode_table(law: str) -> array:
    key = f"dec-{law}"
    table = _tables.get(key)
    if table is None:
        decode = ulaw_to_linear if law == "ulaw" else alaw_to_linear
        table = array("h", (decode(code) for code in range(256)))
        _tables[key] = table
    return table  # type: ignore[return-value]


def _encode_table(law: str) -> bytes:
    """Code for every 16-bit value, indexed by the value as unsigned (two's complement)."""
    key = f"enc-{law}"
    table = _tables.get(key)
    if table is None:
        encode = linear_to_ulaw if law == "ulaw" else linear_to_alaw
        table = bytes(encode(u - 65536 if u >= 32768 else u) for u in range(65536))
        _tables[key] = table
    return table  # type: ignore[return-value]


def pcm16_samples(pcm16le: bytes) -> array:
    """16-bit little-endian PCM as an array of samples (an odd last byte is dropped)."""
    samples = array("h")
    samples.frombytes(pcm16le[: len(pcm16le) - (len(pcm16le) % 2)])
    if sys.byteorder == "big":  # pragma: no cover - little-endian hosts only in practice
        samples.byteswap()
    return samples


def pcm16_bytes(samples: array) -> bytes:
    """An array of samples as 16-bit little-endian PCM."""
    if sys.byteorder == "big":  # pragma: no cover
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def encode(pcm16le: bytes, law: str) -> bytes:
    """Encode signed 16-bit little-endian PCM to G.711 (`law` is "ulaw" or "alaw")."""
    table = _encode_table(law)
    unsigned = array("H")
    unsigned.frombytes(pcm16_samples(pcm16le).tobytes())
    return bytes(map(table.__getitem__, unsigned))


def decode(data: bytes, law: str) -> bytes:
    """Decode G.711 bytes (`law` is "ulaw" or "alaw") to signed 16-bit little-endian PCM."""
    table = _decode_table(law)
    return pcm16_bytes(array("h", map(table.__getitem__, data)))
