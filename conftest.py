"""Fixtures every test needs, in mustafid/ and in e2e/ alike.

The shared world: right after pytest-django creates the test databases, the `aoun`
preset and the demo staff are loaded once and committed. Every `db` test runs in a
transaction rolled back at its end, so each one sees that world as loaded, and the
`association` and `staff` fixtures only fetch it. A transactional test (`transaction=True`,
`transactional_db`, `live_server`) empties every table when it ends; the hook below
puts the migrations' rows and the shared world back after it, so the next test finds
them. A test that needs a deployment without any association asks for `no_association`.
"""

import pytest
from django.utils import translation

_test_databases_ready = False


def _load_shared_world():
    from mustafid.demo.loader import load_demo_staff, load_preset

    load_preset("aoun")
    load_demo_staff()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases as pytest-django makes them, plus the shared world, committed once."""
    from django.db import connection

    with django_db_blocker.unblock():
        if not getattr(connection, "_test_serialized_contents", None):
            # What the migrations seeded (regions, roles, content types), to restore after a flush.
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        _load_shared_world()
    global _test_databases_ready
    _test_databases_ready = True


def _empties_the_tables(item):
    from pytest_django.fixtures import validate_django_db

    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_rest = validate_django_db(marker)
    return transaction or reset_sequences


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has emptied the tables: the seeded rows and the shared world again."""
    result = yield
    if _test_databases_ready and nextitem is not None and _empties_the_tables(item):
        from django.core.management import call_command
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        from mustafid.association.models import Region

        with item.config.stash[blocking_manager_key].unblock():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents and not Region.objects.exists():
                # The flush may have re-created content types and permissions with other keys: empty again.
                call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
                connection.creation.deserialize_db_from_string(contents)
            _load_shared_world()
    return result


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _kept_rows_read_afresh():
    """Each test's pages read the rows of its own world: the copies a process keeps for 30 seconds (the header's
    association, the filters' branches: `lib.kept`) are forgotten, as a rolled-back test leaves no signal that would."""
    from mustafid.lib.kept import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in the thread; the next test starts in Arabic again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _messages_in_a_temporary_folder(settings, tmp_path):
    """Each test's messages (the file transport) in its own folder, and no quiet hours unless a test sets them."""
    from mustafid.notifications import transports

    settings.MESSAGES_DIR = tmp_path / "messages"
    settings.MESSAGE_QUIET_HOURS = (0, 0)
    transports.reset()
    yield
    transports.reset()
