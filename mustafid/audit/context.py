"""The address of the request being served, for audit rows written deep inside actions.

Actions take `by=user` and no request; the middleware puts the client address in a
context variable so every audit row still says where the action came from.
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def client_ip():
    return _client_ip.get()


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def ip_from_request(request):
    """The client's address, for the audit trail and for sign-in lockouts (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless `TRUSTED_PROXY_COUNT` reverse proxies stand in front of the app: then the address
    the nearest of them saw, read from X-Forwarded-For counting from the right (entries further left are
    written by the client and trivially forged). nginx: `proxy_set_header X-Forwarded-For $remote_addr;`.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return _valid_ip(forwarded[-proxies]) or remote
    return remote


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
