import pytest


@pytest.fixture
def site_settings(transactional_db):
    """The settings row exists, as on any running site: its creation is a change of its own,
    which would otherwise land between a test's first render and its check."""
    from healthqa.models import SiteSettings

    return SiteSettings.load()
