"""The visual test of every page in pages/ at every breakpoint in breakpoints.yaml.

The harness plugin parametrises ``harness_shot`` over the plan, so each page ×
breakpoint is its own test, e.g. ``test_pages[syria-talks-narrow-browser-and-phone]``.
"""

import pytest

pytestmark = pytest.mark.browser


def test_pages(harness_shot):
    harness_shot.assert_matches()
