"""Places where each package plugs its own pieces into shared pages.

The diagnostic page and the survey tabs are assembled from what the packages
register at start-up, so that a package never edits another one's template.
"""

from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class SurveyTab:
    endpoint: str  # called with survey_id=...
    label: str
    order: int


def add_diagnostic_section(app: Flask, template: str, order: int) -> None:
    """Include `template` on the diagnostic page (context: diagnostic)."""
    sections = app.extensions.setdefault("diagnostic_sections", [])
    sections.append((order, template))
    sections.sort()


def add_survey_tab(app: Flask, endpoint: str, label: str, order: int) -> None:
    """Add a tab to every survey page (see templates/surveys/_tabs.html)."""
    tabs = app.extensions.setdefault("survey_tabs", [])
    tabs.append(SurveyTab(endpoint, label, order))
    tabs.sort(key=lambda tab: tab.order)


def add_init_hook(app: Flask, hook) -> None:
    """Run `hook()` at the end of `flask init` (inside the app context)."""
    app.extensions.setdefault("init_hooks", []).append(hook)


def init_app(app: Flask) -> None:
    @app.context_processor
    def registered_pieces():
        return {
            "diagnostic_sections": [
                t for _, t in app.extensions.get("diagnostic_sections", [])
            ],
            "survey_tabs": app.extensions.get("survey_tabs", []),
        }
