#!/usr/bin/env python3
"""Compile translations/<lang>/LC_MESSAGES/*.po into .mo files (run by the set-up scripts)."""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        with po_path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        count += 1
    print(f"compiled {count} catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
