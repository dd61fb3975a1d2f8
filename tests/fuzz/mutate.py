"""Byte- and token-level mutations of valid inputs, as hypothesis strategies."""

from __future__ import annotations

from hypothesis import strategies as st

INTERESTING_TOKENS = [
    b"\x00", b"\xff", b"\xc3\x28", b"\n", b"\r", b"\t", b" ", b"-", b"0", b"-1", b"1e400", b"nan",
    b"inf", b"-inf", b"9000000", b"99999999999", b"2147483648", b"-2147483649", b"%FLAG", b"%FORMAT(",
    b"&a", b"*a", b"<<: *a", b".inf", b".nan", b"!!python/object:os.system", b"[", b"]", b"{", b"}",
    b":", b"- ", b"'", b'"', b"#", b"\xef\xbb\xbf", b"\\u0000", b"~", b"null",
]


def edit(draw, data: bytes, max_edits: int = 4) -> bytes:
    """``data`` with up to ``max_edits`` random edits: flips, inserts, deletions, duplications, truncation."""
    data = bytearray(data)
    for _ in range(draw(st.integers(0, max_edits))):
        kind = draw(st.sampled_from(["flip", "insert", "token", "delete", "duplicate", "truncate"]))
        at = draw(st.integers(0, max(len(data), 1) - 1)) if data else 0
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(INTERESTING_TOKENS))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "duplicate":
            size = draw(st.integers(1, 256))
            data[at:at] = data[at : at + size]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


@st.composite
def mutated(draw, seeds: list[bytes], max_edits: int = 4) -> bytes:
    """One of ``seeds`` with a few random edits (see :func:`edit`)."""
    return edit(draw, draw(st.sampled_from(seeds)), max_edits)
