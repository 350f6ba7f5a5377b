"""The demo's calendar feed: the chef login's own feed, so that the feeds page shows a live URL."""

from core.models import CalendarFeed
from myhibachi.seeding.demo.context import DemoContext
from myhibachi.seeding.demo.people import CHEF_LOGIN
from myhibachi.seeding.rows import demo_id, ensure_rows


def seed_calendar_feeds(ctx: DemoContext) -> None:
    chef_user = ctx.users[CHEF_LOGIN]
    chef = next(chef for chef in ctx.chefs.values() if chef.user_id == chef_user.pk)
    ensure_rows(
        CalendarFeed,
        [CalendarFeed(id=demo_id("calendar-feed", CHEF_LOGIN), owner=chef_user, chef=chef)],
        key=("id",),
        report=ctx.report,
    )
