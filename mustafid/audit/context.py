"""The address of the request being served, for audit rows written deep inside actions.

Actions take `by=user` and no request; the middleware puts the client address in a
context variable so every audit row still says where the action came from.
"""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def client_ip():
    return _client_ip.get()


def ip_from_request(request):
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a known proxy sets it.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
