#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthqa.settings")
    if "DJANGO_SECRET_KEY" not in os.environ:
        # A checkout without configuration is a developer's: manage.py commands run in debug
        # mode. Web servers (wsgi.py) get no such default and refuse to start unconfigured.
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
