"""Where the repository and the shared data beside it (`../shared`) are."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared")
AUDIO = SHARED / "data" / "audio"
LISTS = SHARED / "data" / "lists"
GEN_LEADS = SHARED / "tools" / "gen_leads.py"
