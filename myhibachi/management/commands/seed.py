"""`manage.py seed`: the reference data; `manage.py seed --demo`: plus demo data to explore.

Both can be run any number of times: a second run writes nothing (myhibachi/seeding/).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.availability import availability_changed
from myhibachi.seeding.demo import Login, seed_demo
from myhibachi.seeding.reference import seed_booking_policies, seed_reference
from myhibachi.seeding.rows import SeedReport
from myhibachi.seeding.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Load the reference data (roles and permissions, the Fremont station, prices, menu, "
        "knowledge base). With --demo, also demo stations, staff, chefs, customers, bookings, "
        "leads and conversations (refused in production). Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load demo data and staff logins (development only).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help=(
                "With the demo, N x the demo's volume for measuring staff pages (N = 200: 50,000 "
                "bookings, 20,000 customers and leads, 240,000 audit rows). Development only; "
                "a second run only adds what is missing."
            ),
        )

    def handle(self, *args, demo: bool = False, scale: int | None = None, **options) -> None:
        if scale is not None and scale < 1:
            raise CommandError("--scale N needs N >= 1.")
        demo = demo or scale is not None
        if demo and (settings.PRODUCTION or getattr(settings, "DJANGO_ENV", "") == "production"):
            raise CommandError(
                "Refusing to load demo data in production (DJANGO_ENV=production): it creates "
                "staff logins with a published password. Run `manage.py seed` without --demo."
            )
        report = SeedReport()
        # One transaction: a seed that fails half-way leaves the database as it was.
        with transaction.atomic():
            reference = seed_reference(report)
            logins = seed_demo(report, reference) if demo else []
            seed_booking_policies(report)
            for kind, count in (seed_scale(scale) if scale else {}).items():
                report.created[f"scale x{scale}: {kind}"] += count
            # Bookings and time off are bulk-inserted (no model signals): retire cached availability.
            availability_changed()

        if report.changed:
            self.stdout.write(self.style.SUCCESS("Seeded:"))
            self.stdout.write("\n".join(report.lines()))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to do: everything was already seeded."))
        if logins:
            self._print_logins(logins)

    def _print_logins(self, logins: list[Login]) -> None:
        headers = Login("email", "role", "station", "password")
        widths = [max(len(row[i]) for row in [headers, *logins]) for i in range(len(headers))]

        def line(row) -> str:
            return "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()

        self.stdout.write("")
        # SITE_URL is this server's address; `make run` sets it from HOST.
        self.stdout.write(f"Staff panel: {settings.SITE_URL}/admin/")
        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * width for width in widths]))
        for login in logins:
            self.stdout.write(line(login))
        self.stdout.write("Demo passwords are set when a user is first created; later runs keep them.")
