"""The admin's organisation profile page: it shows the demo profile and saves a change."""

from ui_helpers import assert_gated, no_exception, open_page, sign_in


def test_admin_edits_the_profile(app, app_db):
    from catalogue.documents.profile import get_profile
    from catalogue.registry.db import session_scope
    from catalogue.sources.service import open_catalogue

    at = open_page(sign_in(app.run(), "admin"), "profile")
    assert at.text_input(key="profile_province").value == "Bình An"
    assert "Trần Văn Bình" in at.text_area(key="profile_vice_chairs").value
    at.text_input(key="profile_place").input("Thành phố Bình An")
    at.text_area(key="profile_vice_chairs").input("Trần Văn Bình\nPhạm Thị Dung")
    at.button(key="profile_save").click().run()
    no_exception(at)
    assert at.success and "Đã lưu" in at.success[0].value
    engine = open_catalogue(app_db, migrate=False)
    with session_scope(engine) as s:
        profile = get_profile(session=s)
    engine.dispose()
    assert profile.place == "Thành phố Bình An"
    assert profile.vice_chairs == ("Trần Văn Bình", "Phạm Thị Dung")


def test_only_the_admin_sees_the_page(app):
    at = sign_in(app.run(), "chair")
    assert_gated(at, "ui/pages/profile.py")
