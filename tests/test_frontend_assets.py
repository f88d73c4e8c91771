"""The NL Design System CSS is vendored and served from our own origin, under the unchanged CSP."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from saas.security import CONTENT_SECURITY_POLICY

STYLESHEETS = ("vendor/utrecht-components.css", "theme.css", "app.css")


def test_vendored_component_css_is_served_with_its_pinned_version(client: FlaskClient) -> None:
    # Static files are streamed: close each response, or the open file is reported.
    with client.get("/static/vendor/utrecht-components.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
        css = response.get_data(as_text=True)
    assert "@utrecht/component-library-css@9.0.4" in css.splitlines()[0]
    assert ".utrecht-button" in css and ".utrecht-form-field" in css
    # A single self-contained file: nothing fetched from elsewhere.
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?https?:", css)


def test_pages_link_the_components_then_our_tokens_then_our_layout(client: FlaskClient) -> None:
    response = client.get("/login")
    html = response.get_data(as_text=True)
    positions = [html.index(f"/static/{name}") for name in STYLESHEETS]
    assert positions == sorted(positions), "component CSS first, then theme.css, then app.css"
    assert '<body class="so-theme utrecht-document">' in html
    # The Content-Security-Policy is the strict one, untouched: styles only from our origin.
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "style-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_the_theme_sets_utrecht_tokens_on_our_own_theme_class(client: FlaskClient) -> None:
    with client.get("/static/theme.css") as response:
        css = response.get_data(as_text=True)
    assert css.count(".so-theme {") == 1
    assert "--utrecht-button-primary-action-background-color" in css
    assert "utrecht-theme" not in css  # never Utrecht's proprietary brand tokens
