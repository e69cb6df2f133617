"""Every text a page shows in AppTest, and the checks an official's eye makes on them.

``labels`` are the texts the dashboard itself writes (titles, widget labels, buttons,
column headers, metric names): each must come from the language's catalogue, a pattern of
one of its texts with the ``{fields}`` filled in. ``shown`` is everything else the page
shows (cell values, options, captions, alerts): it must hold none of the internal or
English texts issue 15 lists.

The oracle is independent of the code under test: the catalogues are read here with
PyYAML, not through ``ui.i18n``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

LOCALES = Path(__file__).resolve().parents[2] / "ui" / "locales"

# Texts Streamlit writes itself and offers no parameter to replace; kept out of the checks
# and listed in the README (section "Tiếng Việt trong giao diện").
STREAMLIT_OWNED = ("Browse files", "Drag and drop file here", "Limit 200MB per file")

# What issue 15 saw in the Vietnamese interface, and the like (each as a regular expression).
BAD_TEXTS = (
    (r"\bNone\b", "None"),
    (r"\bnan\b|\bNaN\b|<NA>|\bNaT\b", "a missing value"),
    (r"Decimal\(", "raw Python"),
    (r"\{'", "raw Python"),
    (r"\w\[\d+\]", "a key path"),
    (r"\b[a-z]+_[a-z_]+\b", "an internal code"),
    (r"not UTF-8|invalid continuation|must sum to|got \d", "an English message"),
    (r"Traceback|Error:", "an error dump"),
)
# English that Streamlit writes when a page passes it no text of its own (Vietnamese only).
ENGLISH_DEFAULTS = re.compile(r"\bUpload\b|\bSelect all\b|\bChoose an option\b|\bNo results\b")
# In the Vietnamese interface a decimal point is a comma: "92.4", "1.00", "0.7914" are English.
ENGLISH_DECIMAL = re.compile(r"(?<![\w.,/-])\d+\.\d{1,2}(?![\d.]|\.\d)(?!\w)|\b0\.\d{3,}\b")
# Codes that must be shown by their Vietnamese name, never bare (a whole cell or option).
# (Role codes are left out: the demo accounts are called reviewer, chair, analyst, admin.)
CODES = {
    "ministry", "province", "district", "commune", "other", "active", "amended", "replaced",
    "abolished", "draft", "submitted", "approved", "rejected", "returned", "published",
    "withdrawn", "keep", "amend", "abolish", "direct", "online", "postal", "all", "empty",
    "whole", "part", "declined", "recommendation",
}  # fmt: skip


@cache
def _flat(lang: str) -> dict[str, str]:
    tree = yaml.safe_load((LOCALES / f"{lang}.yaml").read_text("utf-8"))
    flat: dict[str, str] = {}

    def walk(node, prefix):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = str(value)

    walk(tree, "")
    # Vocabularies a service keeps in both languages (one definition, not copied here).
    from catalogue.onestop.priorities import FACTORS

    for name, names in FACTORS.items():
        text = names[0 if lang == "vi" else 1]
        flat[f"service.factor.{name}"] = text[:1].upper() + text[1:]
    return flat


@cache
def _patterns(lang: str) -> tuple[re.Pattern, ...]:
    out = []
    for text in _flat(lang).values():
        parts = re.split(r"\{[a-z_0-9]*\}", text)
        if not re.search(r"\w", "".join(parts)):  # "{name}" alone would match anything
            continue
        out.append(re.compile(".*?".join(re.escape(p) for p in parts), re.DOTALL))
    return tuple(out)


def from_catalogue(text: str, lang: str) -> bool:
    """Whether ``text`` is one of the catalogue's texts with its fields filled in."""
    text = text.strip()
    if not text:
        return True
    return any(p.fullmatch(text) for p in _patterns(lang))


def _label(element) -> str | None:
    for name in ("label", "proto.label"):
        value = element
        try:
            for part in name.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if isinstance(value, str):
            return value
    return None


LABELLED = (
    "button", "checkbox", "date_input", "multiselect", "number_input", "radio", "selectbox",
    "slider", "text_area", "text_input", "toggle", "tabs", "expander", "metric",
    "form_submit_button", "download_button", "file_uploader", "page_link", "select_slider",
)  # fmt: skip


def collect(at) -> tuple[list[str], list[str]]:
    """(labels the dashboard writes, everything else shown) of the current page."""
    labels: list[str] = []
    shown: list[str] = []
    for kind in ("title", "header"):
        labels += [str(e.value) for e in getattr(at, kind)]
    shown += [str(e.value) for e in at.subheader]  # may name a procedure: "1.001193 · …"
    for kind in LABELLED:
        for element in at.get(kind):
            text = _label(element)
            if text:
                labels.append(re.sub(r"^:material/[a-z_]+:\s*", "", text))
            options = getattr(element, "options", None)
            if options:
                shown += [str(o) for o in options]
            if kind == "metric":
                shown.append(str(element.value))
            if kind == "text_input" and element.value:  # (a text area is the YAML editor)
                shown.append(str(element.value))
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "text"):
        shown += [str(e.value) for e in getattr(at, kind)]
    for frame in at.dataframe:
        value = frame.value
        labels += [str(c) for c in value.columns if str(c)]
        shown += [str(v) for v in value.astype(str).to_numpy().ravel()]
    return labels, shown


def faults(at, lang: str) -> list[str]:
    """Every text of the page an official should not see, with why."""
    labels, shown = collect(at)
    found = [
        f"not in the {lang} catalogue: {label!r}"
        for label in labels
        if not from_catalogue(label, lang)
    ]
    for text in labels + shown:
        if any(owned in text for owned in STREAMLIT_OWNED):
            continue
        for pattern, why in BAD_TEXTS:
            if re.search(pattern, text):
                found.append(f"{why}: {text[:160]!r}")
        if lang == "vi" and ENGLISH_DEFAULTS.search(text):
            found.append(f"English Streamlit text: {text[:160]!r}")
        if lang == "vi" and ENGLISH_DECIMAL.search(text):
            found.append(f"an English decimal: {text[:160]!r}")
        if text.strip() in CODES:
            found.append(f"a bare code: {text!r}")
    return sorted(set(found))
