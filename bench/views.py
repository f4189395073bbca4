"""The baseline page: the base template, the same middleware, no query of its own.

What any page costs before it reads anything: session, user, CSRF, CSP, the template. Pages are
measured next to it, in the same run, in-process and under load.
"""

from django.shortcuts import render

_association = []


def base_page(request):
    if not _association:  # read once per process, like a cache would: the view itself makes no query
        from mustafid.association.models import Association

        _association.append(Association.objects.current())
    request._association = _association[0]  # what the association context processor reads
    return render(request, "base.html", {})
