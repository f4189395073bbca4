#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mustafid.settings")
    if not os.environ.get("SECRET_KEY"):
        # A command line with no configuration is a developer's machine: use the development
        # settings. The web server (mustafid.wsgi) still refuses to start without a SECRET_KEY.
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
