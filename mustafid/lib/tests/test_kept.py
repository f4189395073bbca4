"""lib.kept: a small table's rows read at most every 30 seconds per process, forgotten when one is saved here."""

from mustafid.association.models import Branch
from mustafid.lib.kept import Kept


def _counting(load):
    calls = []

    def counted():
        calls.append(1)
        return load()

    return counted, calls


def test_read_once_then_kept_and_read_again_after_a_save_here(association):
    load, calls = _counting(lambda: list(Branch.objects.order_by("pk")))
    kept = Kept(load, Branch)
    first = kept.get()
    assert kept.get() is first and len(calls) == 1
    branch = first[0]
    branch.city = "الخرج"
    branch.save()
    assert [b.city for b in kept.get() if b.pk == branch.pk] == ["الخرج"] and len(calls) == 2


def test_rows_read_while_another_thread_saved_are_not_kept(association):
    """A save that lands while the rows are being read (another thread of the process) leaves nothing kept: the
    rows read may be the old ones."""

    def load():
        if len(calls) == 1:  # the first read: another thread saves meanwhile
            Branch.objects.order_by("pk").first().save()
        return list(Branch.objects.order_by("pk"))

    load_counted, calls = _counting(load)
    kept = Kept(load_counted, Branch)
    kept.get()
    kept.get()
    assert len(calls) == 2  # read again: the first read was not kept
    kept.get()
    assert len(calls) == 2  # the second was


def test_forgotten_again_when_the_change_commits(association, django_capture_on_commit_callbacks):
    """Inside the saving transaction another thread still reads the old row: the copy is forgotten once more at the
    commit, so what it kept in between is not shown for 30 seconds."""
    load, calls = _counting(lambda: list(Branch.objects.order_by("pk")))
    kept = Kept(load, Branch)
    kept.get()
    with django_capture_on_commit_callbacks(execute=True):
        Branch.objects.order_by("pk").first().save()
        kept.get()  # read before the commit
        assert len(calls) == 2
    kept.get()
    assert len(calls) == 3
