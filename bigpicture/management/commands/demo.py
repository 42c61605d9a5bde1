"""One command for a newcomer: migrate, build the demo school, serve it on 127.0.0.1:8000."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database, build the demo school and serve it at http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--students", type=int, default=120)

    def handle(self, *args, addrport: str, students: int, **options):
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo", students=students)
        # No autoreloader: it would run this whole command again in a child process.
        call_command("runserver", addrport, use_reloader=False)
