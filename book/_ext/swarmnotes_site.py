"""Small Sphinx fixes for the swarmnotes site, found by its browser test.

- sphinx-thebe adds its configuration script from an ``env-before-read-docs``
  handler, and with Sphinx 7.4 it ends up in every page twice, which is a
  JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared").
  Each page's scripts are de-duplicated here, keeping the first of each.
- The book has two editions, English at the site's root and Chinese under
  ``zh/``, with the same pages at the same paths. Every page gets a link to
  the same page in the other edition, in the header beside the theme's
  buttons, and a ``<link rel="alternate" hreflang>`` for search engines.
  ``swarmnotes_edition`` (``en`` or ``zh``) says which edition is building.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

TEMPLATES = Path(__file__).with_name("templates")
# What a reader of each edition is offered: the other edition's language.
EDITIONS = {
    "en": {"prefix": "", "lang": "en", "name": "English", "title": "Read this page in English"},
    "zh": {"prefix": "zh/", "lang": "zh-Hans", "name": "中文", "title": "阅读本页的中文版"},
}


def _dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        filename = getattr(script, "filename", script) or ""  # None and "" alike
        attributes = getattr(script, "attributes", {})
        key = (str(filename), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # In place: this list is the builder's own, where later handlers add theirs.
    context["script_files"][:] = unique


def other_edition_url(edition: str, pagename: str) -> str:
    """The relative URL of ``pagename`` in the other edition, from the same page in this one."""
    up = "../" * pagename.count("/")
    if edition == "en":
        return f"{up}{EDITIONS['zh']['prefix']}{pagename}.html"
    return f"{up}../{pagename}.html"  # out of zh/ to the English root


def _add_language_switch(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    edition = app.config.swarmnotes_edition
    other = EDITIONS["zh" if edition == "en" else "en"]
    url = other_edition_url(edition, pagename)
    context["swarmnotes_other_edition"] = {**other, "url": url}
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other["lang"]}" href="{url}" />'
    )


def _use_templates(app: Sphinx, config: Config) -> None:
    if config.swarmnotes_edition not in EDITIONS:
        raise ValueError(
            f"swarmnotes_edition is {config.swarmnotes_edition!r}: "
            f"it must be one of {sorted(EDITIONS)}"
        )
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    options = config.html_theme_options
    end = options.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(end, str):
        end = [name.strip() for name in end.split(",") if name.strip()]
    options["article_header_end"] = [*end, "swarmnotes-language.html"]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("swarmnotes_edition", "en", "html", types=[str])
    app.connect("config-inited", _use_templates)
    app.connect("html-page-context", _add_language_switch)
    # Early: Sphinx stops calling handlers at the first that returns a template
    # name, and the duplicates are already there (added before reading).
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
