"""What the list tests check on every list: a fixed number of queries, no count of the whole table."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mustafid.lib.kept import forget_all


def get_with_queries(client, url, data=None):
    """The response to a GET and the SQL it ran, the rows a process keeps for 30 seconds (`lib.kept`: the header's
    association, the filters' branches) read as by a process's first page: every page measured reads them alike."""
    forget_all()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200, response.status_code
    return response, [query["sql"] for query in queries.captured_queries]


def assert_counts_nothing(sqls):
    """No COUNT(*) and no OFFSET: a list page reads the rows it shows (and one more), nothing else."""
    for sql in sqls:
        upper = sql.upper()
        assert "COUNT(" not in upper and " OFFSET " not in upper, sql
