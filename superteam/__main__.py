from __future__ import annotations

from superteam.cli import main

main()
