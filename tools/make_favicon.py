"""Render book/_static/favicon.svg into book/_extra/favicon.ico (run by hand, result committed).

Browsers ask for /favicon.ico on pages that name no icon, such as the redirect
page Jupyter Book writes as the site's index.html; html_extra_path puts this file
at the site's root so that request finds it. The .ico holds one 32x32 PNG
(a layout every current browser reads), drawn by Debian's headless chromium.

    python tools/make_favicon.py
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "book" / "_static" / "favicon.svg"
ICO = ROOT / "book" / "_extra" / "favicon.ico"
SIZE = 32


def render_png(svg: Path, size: int) -> bytes:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("make_favicon: needs Debian's chromium (`make setup` installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "icon.html"
        page.write_text(
            f'<body style="margin:0"><img src="{svg.as_uri()}" '
            f'width="{size}" height="{size}" style="display:block"></body>'
        )
        png = Path(tmp) / "icon.png"
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--default-background-color=00000000",
                f"--window-size={size},{size}",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return png.read_bytes()


def ico_with_png(png: bytes, size: int) -> bytes:
    # ICONDIR (reserved, type 1 = icon, one image), then one ICONDIRENTRY whose
    # image data is the PNG itself, found right after these 6 + 16 bytes.
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def main() -> None:
    ICO.parent.mkdir(exist_ok=True)
    ICO.write_bytes(ico_with_png(render_png(SVG, SIZE), SIZE))
    print(f"wrote {ICO.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
