"""The request page is made of panels, one per step, contributed by the apps that own the steps.

`cases` cannot import `research`, `committee` or `services` (imports point down),
yet its page shows their steps. Each of those apps registers its panel here
when it starts (AppConfig.ready), and the request page renders the panels in order.
"""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    template: str
    # (case, user, bound_form_or_None) -> template context, or None to hide the panel.
    context: Callable


_panels: dict[str, Panel] = {}


def register_panel(panel):
    _panels[panel.name] = panel


def panels():
    return sorted(_panels.values(), key=lambda p: p.order)
