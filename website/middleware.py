"""The customer pages' Content-Security-Policy: our own scripts and styles only, never framed.

A small middleware rather than a dependency: the policy is one header, and only the payment
step widens it (for Stripe.js, which PCI requires loading from Stripe). The staff panel and
the API documentation are left alone: Django's admin and Swagger UI have inline scripts.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
EXEMPT_PREFIXES = ("/admin/", "/api/")

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# https://docs.stripe.com/security/guide#content-security-policy
STRIPE_POLICY: dict[str, list[str]] = {
    "script-src": ["https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}
STRIPE_ATTRIBUTE = "csp_allow_stripe"
INLINE_STYLES_ATTRIBUTE = "csp_allow_inline_styles"


def allow_stripe(request: HttpRequest) -> None:
    """Let this response load Stripe.js and its frames (the payment step only)."""
    setattr(request, STRIPE_ATTRIBUTE, True)


def allow_inline_styles(request: HttpRequest) -> None:
    """Let this response use its own <style> element (the printable receipt); never scripts."""
    setattr(request, INLINE_STYLES_ATTRIBUTE, True)


def policy_for(request: HttpRequest) -> str:
    directives = {name: list(sources) for name, sources in BASE_POLICY.items()}
    if getattr(request, STRIPE_ATTRIBUTE, False):
        for name, sources in STRIPE_POLICY.items():
            kept = [source for source in directives[name] if source != "'none'"]
            directives[name] = [*kept, *sources]
    if getattr(request, INLINE_STYLES_ATTRIBUTE, False):
        directives["style-src"] = [*directives["style-src"], "'unsafe-inline'"]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(EXEMPT_PREFIXES) or HEADER in response:
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            response[HEADER] = policy_for(request)
        return response
