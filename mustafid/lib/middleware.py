"""The app's own 404 page, in the reader's language, even with DEBUG on."""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, get_urlconf, resolve
from django.views.defaults import page_not_found


class NotFoundPageMiddleware:
    """With DEBUG on, answer a missing page or a record one may not see with templates/404.html.

    Django's DEBUG 404 page is in English and lists every URL pattern: a new user of `make run`
    who opens a request of another branch would see it, and it tells them the URL exists. With
    DEBUG off Django renders 404.html itself and this does nothing. (A refusal, 403, is rendered
    from 403.html by Django in both modes; a 500 keeps Django's technical page in DEBUG, for
    developers.) Last in MIDDLEWARE, so every other middleware has seen the request (the CSP nonce, the
signed-in user for the menu) and still sees the response (CommonMiddleware's redirect to the address
with a trailing slash).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
            except Resolver404 as error:
                return page_not_found(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
