"""The project's URLs plus the bench's baseline page (never a project URL: only bench/settings.py uses this)."""

from django.urls import path

from mustafid.urls import urlpatterns as project_urlpatterns

from .views import base_page

urlpatterns = [path("bench/base/", base_page, name="bench_base"), *project_urlpatterns]
