"""User names and passwords: the rules an account must meet (issue 18 item 9).

Names are compared in canonical form (NFC, case-folded) and refused with invisible,
control or space characters; :func:`skeleton` folds look-alikes (accents, separators,
0/o, 1/l/i, 5/s, rn/m, vv/w) so that a name looking like an existing one is refused.
Passwords need at least 12 characters, not all spaces.
"""

from __future__ import annotations

import unicodedata

from catalogue.registry.errors import ServiceError

MIN_PASSWORD_LENGTH = 12
MAX_USERNAME_LENGTH = 64


# Characters that make two names look the same to a person: invisible ones are refused
# outright; the skeleton folds the usual look-alikes together.
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me")
_LOOKALIKE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "$": "s"})


def normalise_username(name: str) -> str:
    """The canonical form of a user name (NFC, case-folded); ServiceError when it holds
    spaces, invisible or control characters, or is empty or too long.

    >>> normalise_username("Chau")
    'chau'
    >>> try:
    ...     normalise_username("ch\u200bau")
    ... except ServiceError as exc:
    ...     "U+200B" in str(exc)
    True
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    if not folded or len(folded) > MAX_USERNAME_LENGTH:
        raise ServiceError(
            f"Tên đăng nhập phải có 1–{MAX_USERNAME_LENGTH} ký tự "
            f"(user name must have 1–{MAX_USERNAME_LENGTH} characters)"
        )
    for char in folded:
        # Combining marks are fine inside a composed letter, never on their own after NFC.
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES or char.isspace():
            raise ServiceError(
                f"Tên đăng nhập chứa ký tự vô hình hoặc khoảng trắng (U+{ord(char):04X}) "
                "(user name holds an invisible or space character)"
            )
    return folded


def skeleton(name: str) -> str:
    """What a name looks like: accents, separators and digit/letter look-alikes folded.

    >>> skeleton("Nguyễn.Văn-A") == skeleton("nguyenvana"), skeleton("adm1n") == skeleton("admin")
    (True, True)
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold()).replace("đ", "d")
    plain = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me"))
    plain = "".join(c for c in plain if c.isalnum() or c in "|$")
    return plain.translate(_LOOKALIKE).replace("rn", "m").replace("vv", "w")


def check_password(password: str) -> None:
    """Refuse a password shorter than 12 characters or made only of spaces."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự "
            f"(password must have at least {MIN_PASSWORD_LENGTH} characters)"
        )
    if not password.strip():
        raise ServiceError(
            "Mật khẩu không được chỉ gồm khoảng trắng (password must not be only spaces)"
        )
