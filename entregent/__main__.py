"""The ``entregent`` console script: Django's management commands under one name.

``entregent demo`` is ``python manage.py demo``; ``entregent help`` lists every command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "entregent"
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
