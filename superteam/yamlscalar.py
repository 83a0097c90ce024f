"""Write a YAML scalar without PyYAML: launch writes run.yaml's few per-run values this way.

PyYAML's import costs about 14 ms, a tenth of launch's budget, and run.yaml's per-run values
are plain strings or null. A double-quoted YAML string with every character outside YAML's
printable set escaped reads back as exactly the same string (tests/test_yamlscalar.py checks
this against PyYAML with generated text).
"""

from __future__ import annotations

# Printable in YAML 1.1 and not a line break inside a quoted scalar (NEL, LS, PS fold lines).
_LINE_BREAKS = {0x85, 0x2028, 0x2029}


def _plain(code: int) -> bool:
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000) and code not in _LINE_BREAKS and code != 0xFEFF


def yaml_scalar(value: str | None) -> str:
    if value is None:
        return "null"
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif _plain(code):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02X}")
        else:
            out.append(f"\\u{code:04X}")
    out.append('"')
    return "".join(out)


def yaml_mapping(values: dict[str, str | None]) -> str:
    """Top-level ``key: value`` lines; keys are fixed identifiers chosen by superteam."""
    return "".join(f"{key}: {yaml_scalar(value)}\n" for key, value in values.items())
