"""The widget template: includable anywhere, no inline code or style (the site's CSP), accessible."""

import re

from django.template.loader import render_to_string
from django.test import Client


def test_the_widget_renders_with_no_inline_script_or_style():
    html = render_to_string("assistant/widget.html")

    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/assistant/widget.js" defer>']
    assert "style=" not in html and "<style" not in html and "onclick" not in html
    assert 'data-start-url="/api/v1/assistant/conversations/"' in html


def test_the_widget_has_a_polite_live_log_and_a_labelled_input():
    html = render_to_string("assistant/widget.html")

    assert 'role="log" aria-live="polite"' in html
    assert '<label class="mh-assistant__label" for="mh-assistant-input">' in html
    assert 'aria-controls="mh-assistant-panel"' in html


def test_the_demo_page_includes_the_widget(db):
    response = Client().get("/assistant/demo/")

    assert response.status_code == 200 and b"data-mh-assistant" in response.content
