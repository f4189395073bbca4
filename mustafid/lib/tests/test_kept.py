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


def test_find_reads_again_for_a_row_another_process_added(association):
    """A row added since the copy was read (by another gunicorn worker: no signal here) is found, the rows read again
    once; no foreign key (None) reads nothing."""
    load, calls = _counting(lambda: list(Branch.objects.order_by("pk")))
    kept = Kept(load, Branch)
    first = kept.get()[0]
    assert kept.find(first.pk) is first and len(calls) == 1
    [added] = Branch.objects.bulk_create([Branch(association=association, name_ar="مكتب تبوك", region=first.region,
                                                 city="تبوك")])  # bulk_create sends no post_save
    assert kept.find(added.pk).name_ar == "مكتب تبوك" and len(calls) == 2
    assert kept.find(None) is None and kept.find(added.pk).pk == added.pk and len(calls) == 2


def test_list_rows_take_the_office_and_support_type_from_the_kept_copies(make_case, django_assert_num_queries):
    """The requests' rows: one query joining only the beneficiary; the office and support type are the kept rows,
    renamed at once when saved here."""
    from mustafid.cases.models import Case

    case = make_case("received")
    list(Case.objects.rows())  # the copies are read
    with django_assert_num_queries(1) as captured:
        [row] = list(Case.objects.rows())
        assert (row.branch.name_ar, row.support_type.name_ar) == (case.branch.name_ar, case.support_type.name_ar)
        assert row.beneficiary.full_name == case.beneficiary.full_name
    sql = captured.captured_queries[0]["sql"]
    assert "beneficiaries_beneficiary" in sql and "association_branch" not in sql and "cases_supporttype" not in sql
    branch = case.branch
    branch.name_ar = "مكتب الدمام"
    branch.save()
    assert list(Case.objects.rows())[0].branch.name_ar == "مكتب الدمام"


def test_registry_rows_take_the_office_category_and_region_from_the_kept_copies(beneficiary,
                                                                             django_assert_num_queries):
    from mustafid.beneficiaries.models import Beneficiary

    list(Beneficiary.objects.rows())
    with django_assert_num_queries(1) as captured:
        [row] = list(Beneficiary.objects.rows())
        assert (row.branch, row.category, row.region) == (beneficiary.branch, beneficiary.category, beneficiary.region)
        assert row.branch.name_ar == beneficiary.branch.name_ar
    assert "JOIN" not in captured.captured_queries[0]["sql"]
