"""The one error boundary every command goes through (the click group and the fast launch).

Expected failures print one paragraph and exit 1 or 2; a bug prints one line pointing to the
traceback, which goes to $SUPERTEAM_HOME/crash.log, and exits 3.
"""

from __future__ import annotations

import sys
from pathlib import Path

from superteam import __version__
from superteam.errors import SuperteamError
from superteam.layout import state_home


def _log_crash() -> Path:
    import traceback
    from datetime import UTC, datetime

    path = state_home() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            fh.write(f"--- {stamp} superteam {__version__}: {' '.join(sys.argv)}\n")
            fh.write(traceback.format_exc())
    except OSError:
        pass
    return path


def report(exc: BaseException) -> int:
    """Tell the user about ``exc`` (call it inside the ``except``); returns the exit code."""
    if isinstance(exc, SuperteamError):
        print(f"superteam: {exc.render()}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        print("superteam: interrupted", file=sys.stderr)
        return 130
    path = _log_crash()  # a bug: one line here, the traceback in the log
    print(f"superteam: internal error ({type(exc).__name__}: {exc}); "
          f"the traceback is in {path}", file=sys.stderr)
    return 3
