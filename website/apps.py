from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """The customer website: server-rendered pages on the same services as the API.

    The package is `website`, not `site` as CONVENTIONS.md's map names the layer: Python imports
    the standard library's `site` module at start-up, so a top-level package `site` would be
    shadowed by it (or shadow it). Its templates still live under templates/site/.
    """

    name = "website"
    label = "website"
    verbose_name = "Customer website"
