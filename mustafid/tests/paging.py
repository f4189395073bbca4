"""What the list tests check on every list: a fixed number of queries, no count of the whole table."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mustafid.association.context_processors import forget_header_association


def get_with_queries(client, url, data=None):
    """The response to a GET and the SQL it ran, the header's association read as by a process's first page
    (the copy a process keeps for 30 seconds is forgotten first: every page measured reads it alike)."""
    forget_header_association()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200, response.status_code
    return response, [query["sql"] for query in queries.captured_queries]


def assert_counts_nothing(sqls):
    """No COUNT(*) and no OFFSET: a list page reads the rows it shows (and one more), nothing else."""
    for sql in sqls:
        upper = sql.upper()
        assert "COUNT(" not in upper and " OFFSET " not in upper, sql
