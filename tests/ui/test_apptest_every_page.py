"""Every page, as every role, in both languages: no text outside the catalogues, none of
the internal or English texts issue 15 lists (``page_texts``).

The database holds a cycle in every state (a published plan, a submitted plan waiting for
the chair, a draft plan), so that the queue, the plans, the decisions and the savings
pages show their tables, not only their empty states.
"""

from __future__ import annotations

import cycle_fixture
import pytest
from page_texts import faults
from ui_helpers import no_exception

cycle_db_file, cycle_app = cycle_fixture.cycle_db_file, cycle_fixture.cycle_app  # fixtures

ROLES = (None, "reviewer", "chair", "analyst", "admin")


def _pages(role) -> list[str]:
    """The pages ``app.py`` routes ``role`` to, read from its PAGES table (not imported:
    importing the entry point would run the app)."""
    import ast

    from conftest import APP

    from catalogue.registry.auth import ROLES as ALL_ROLES

    groups = {"SIGNED_IN": tuple(ALL_ROLES), "EVERYONE": (None, *ALL_ROLES)}
    tree = ast.parse(open(APP, encoding="utf-8").read())
    table = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES"
    )
    pages = []
    for entry in table.elts:
        path, roles = entry.elts[0].value, entry.elts[3]
        allowed = groups[roles.id] if isinstance(roles, ast.Name) else ast.literal_eval(roles)
        if role in allowed:
            pages.append(path)
    return pages


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "signed-out")
def test_every_page_speaks_one_language(cycle_app, role, lang, monkeypatch):
    from ui import i18n

    at, pid = cycle_app
    # AppTest formats the last page's choices outside the script run, where the session's
    # language is unknown and the default is used: make that default the language tested.
    monkeypatch.setattr(i18n, "DEFAULT_LANGUAGE", lang)
    at.session_state["procedure_id"] = pid
    if role is not None:
        at.session_state["user"] = {"username": role, "role": role, "full_name": None}
    at.session_state["lang"] = lang  # the sidebar's choice
    at.run()
    no_exception(at)
    problems = {}
    for page in _pages(role):
        at.switch_page(page).run()
        no_exception(at)
        found = faults(at, lang)
        if found:
            problems[page] = found
    report = "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items())
    assert not problems, report
