"""The demo chefs' ratings follow their approved reviews, as the review moderation keeps them."""

from core.services.reviews import chef_rating_refresh
from myhibachi.seeding.demo.context import DemoContext


def seed_chef_ratings(ctx: DemoContext) -> None:
    # chef_review_stats_set writes only what changed: a second run leaves the chefs as they are.
    for chef in ctx.chefs.values():
        chef_rating_refresh(chef=chef)
