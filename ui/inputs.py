"""Number fields that read numbers the way officials type them: ``0,5``, ``1.234.567``, ``30 %``.

Streamlit's own number input takes only an English decimal point (typing ``0,5`` gives
``05``) and shows ``1.00``; these fields are text inputs read by
:func:`analysis.formatting.parse_number` in the user's language and shown back through the
one formatter (:mod:`ui.i18n`).
"""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from analysis.formatting import parse_number
from ui.i18n import lang, number, t


def number_field(
    label: str,
    *,
    key: str,
    value: object = None,
    decimals: int = 2,
    minimum: float | None = 0,
    maximum: float | None = None,
    placeholder: str | None = None,
    help: str | None = None,
    container: object = None,
) -> Decimal | None:
    """A number typed in the user's language; None when empty or unreadable (with a message).

    ``value`` is the starting figure (shown as ``1.234,5``); ``minimum`` / ``maximum``
    bound what is accepted, each refusal said in words under the field.
    """
    where = container if container is not None else st
    start = "" if value is None else number(value, decimals)
    text = where.text_input(
        label,
        value=start,
        key=key,
        placeholder=placeholder or t("ux.input.placeholder"),
        help=help or t("ux.input.help"),
    )
    try:
        parsed = parse_number(text, lang=lang())
    except ValueError:
        where.error(t("ux.input.not_a_number", text=text))
        return None
    if parsed is None:
        return None
    if minimum is not None and parsed < Decimal(str(minimum)):
        where.error(t("ux.input.too_small", minimum=number(minimum, decimals)))
        return None
    if maximum is not None and parsed > Decimal(str(maximum)):
        where.error(t("ux.input.too_large", maximum=number(maximum, decimals)))
        return None
    return parsed
