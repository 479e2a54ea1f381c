"""One-time ballot codes: the alphabet, how a typed code is read, what is wrong with it.

A slip is read by eye, typed on a phone keyboard (often a Chinese IME in
full-width mode) or scanned from its QR code. The alphabet leaves out every
character that reads like another one on paper or on a small screen: 0/O/Q/D,
1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V. With the 19 characters left, 8 of them give
19**8 ≈ 1.7·10^10 codes, so guessing one of a few hundred printed codes takes
about 10^7–10^8 tries.

Pure functions: the database look-up (used? unknown?) is the caller's.
"""
from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "ACEFHJKMNPRTWXY3479"  # no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V
LENGTH = 8
PARAM = "b"  # query parameter of the slip's QR link: /s/<token>?b=<code>
MAX_TYPED = 32  # longer input is cut before it is looked at
SEPARATORS = " -_.·\u3000—－"
LOOKALIKES = "0OQD1IL2Z5S8B6GUV"  # characters a code never contains (D too: it reads as 0 on a slip)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str | None) -> str:
    """Upper case, full-width folded (NFKC), separators and spaces removed."""
    text = unicodedata.normalize("NFKC", (typed or "")[:MAX_TYPED]).upper()
    return "".join(ch for ch in text if ch not in SEPARATORS and not ch.isspace())


def grouped(code: str) -> str:
    """For printing and showing: ``ACEF HJKM``."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def format_problem(typed: str | None) -> str | None:
    """A Chinese message when the typed text cannot be a code at all, else None."""
    code = normalise(typed)
    if not code:
        return "请输入纸条上的8位作答码。"
    strange = [ch for ch in dict.fromkeys(code) if ch not in ALPHABET]
    if strange:
        shown = "、".join(f"“{ch}”" for ch in strange[:3])
        if any(ch in LOOKALIKES for ch in strange):
            return (f"作答码中不会出现{shown}：作答码不使用容易看错的0、O、1、I、L、2、Z、5、S、8、B等字符，"
                    "请对照纸条逐位核对。")
        return f"作答码只由字母和数字组成，不会出现{shown}，请对照纸条逐位核对。"
    if len(code) != LENGTH:
        return f"作答码是{LENGTH}位，您输入了{len(code)}位，请对照纸条核对。"
    return None


UNKNOWN = "没有找到这个作答码，请对照纸条逐位核对。"
USED = "这个作答码已使用过，每个作答码只能提交一次。如果不是您本人提交的，请向发放纸条的工会工作人员另领一张。"
