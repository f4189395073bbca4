"""The baseline page: the base template, the same middleware, no query of its own.

What any page costs before it reads anything: session, user, CSRF, CSP, the template, and the association
of the header as every page reads it (the copy each process keeps: association/context_processors.py). Pages
are measured next to it, in the same run, in-process and under load.
"""

from django.shortcuts import render


def base_page(request):
    return render(request, "base.html", {})
