"""HTTP security headers, including a Content-Security-Policy without inline script or style."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, request


def content_security_policy(*, form_action: Iterable[str] = ()) -> str:
    """The policy of every page. ``form_action`` adds origins a page's forms may lead to: browsers
    hold a form's redirects to ``form-action`` too, so a form answered by a redirect to another
    site (Stripe Checkout, say) needs that site here; the page sets the header itself."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        " ".join(["form-action 'self'", *form_action]),
        "frame-ancestors 'none'",
    ])


CONTENT_SECURITY_POLICY = content_security_policy()

STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin: links carrying tokens (password reset, invitations) never leak to other sites.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def init_security_headers(app: Flask) -> None:
    """Add the headers to every response; HSTS when cookies are HTTPS-only."""
    hsts = app.config["SECURE_COOKIES"]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            # Pages show personal data: never keep them in a shared or browser cache.
            response.headers["Cache-Control"] = "no-store"
        return response
