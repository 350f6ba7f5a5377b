"""`manage.py create_staff --email ... --role ... --station CODE [--station CODE ...]`.

Creates (or finds) a staff user, grants the role at each station, and prints a one-time link to
set the password. Run it again to add stations or roles; nothing is granted twice.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.actor import Actor
from identity import catalog
from identity.services import set_password_path, staff_user_create
from kernel.errors import ServiceError


class Command(BaseCommand):
    help = "Create a staff user with a role at one or more stations, and print a one-time set-password link."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True, help="The staff member's email (their login).")
        parser.add_argument(
            "--role", required=True, choices=list(catalog.ROLE_TIERS), help="The role to grant."
        )
        parser.add_argument(
            "--station",
            action="append",
            default=[],
            metavar="CODE",
            help="A station code (e.g. CA-FREMONT-001); repeat for more. Not needed for super_admin.",
        )

    def handle(self, *args, email: str, role: str, station: list[str], **options) -> None:
        try:
            account = staff_user_create(
                email=email, role=role, station_codes=station, actor=Actor.system("manage.py create_staff")
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        user = account.user
        self.stdout.write(f"{'Created' if account.created else 'Found'} staff user {user.email}.")
        for grant in account.roles_granted or ("no new role (already held)",):
            self.stdout.write(f"  {grant}")
        link = f"{settings.SITE_URL.rstrip('/')}{set_password_path(user)}"
        self.stdout.write("Send them this one-time link to set their password (it stops working once used):")
        self.stdout.write(link)
