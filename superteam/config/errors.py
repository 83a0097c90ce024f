"""Turn a pydantic ValidationError into `file:line: key: what is wrong` lines."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from superteam.config.yamlfile import Loc, YamlDoc


def _known_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the schema allows at the mapping that holds ``loc``'s last key."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)),
                       None)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def describe(error: Any, model: type[BaseModel]) -> str:
    loc: Loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        near = difflib.get_close_matches(str(loc[-1]), _known_keys(model, loc), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return f"unknown key{hint}"
    if error["type"] == "literal_error":
        return f"{error['msg'].lower()}, got {error['input']!r}"
    msg = str(error["msg"]).removeprefix("Value error, ")
    return msg[:1].lower() + msg[1:]


def key_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def format_validation_error(exc: ValidationError, model: type[BaseModel],
                            docs: list[YamlDoc]) -> list[str]:
    """One line per problem, attributed to the file (of ``docs``, override first) that holds
    the deepest part of the offending key."""
    lines: list[tuple[str, int, str]] = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        best = max(docs, key=lambda d: d.locate(loc)[0])  # max() keeps the first on ties
        line = best.locate(loc)[1]
        lines.append((str(best.path), line, f"{key_path(loc)}: {describe(error, model)}"))
    return [f"{path}:{line}: {text}" for path, line, text in sorted(lines)]
