"""Small Sphinx fixes for the swarmnotes site, found by its browser test.

- sphinx-thebe adds its configuration script from an ``env-before-read-docs``
  handler, and with Sphinx 7.4 it ends up in every page twice, which is a
  JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared").
  Each page's scripts are de-duplicated here, keeping the first of each.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _dedupe_scripts(app: Sphinx, pagename: str, templatename: str,
                    context: dict[str, Any], doctree: Any) -> None:
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


def setup(app: Sphinx) -> dict[str, Any]:
    # Early: Sphinx stops calling handlers at the first that returns a template
    # name, and the duplicates are already there (added before reading).
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
