"""run.yaml's per-run values are written without PyYAML; PyYAML must read them back exactly."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.yamlscalar import yaml_mapping


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["run", "goal", "branch", "base_ref", "repo"]),
                       st.one_of(st.none(), st.text())))
def test_values_read_back_exactly(values: dict[str, str | None]) -> None:
    assert yaml.safe_load(yaml_mapping(values) or "{}") == values


def test_awkward_goals() -> None:
    for goal in ["", "null", "~", "yes", "123", "- a", "a: b", "# not a comment", "'q'",
                 '"dq"', "back\\slash", "tab\there", "line\nbreak", "nel\x85", "ls\u2028",
                 "bom\ufeff", "nul\x00", "del\x7f", "emoji 😀", "lone \udc80 surrogate"]:
        assert yaml.safe_load(yaml_mapping({"goal": goal})) == {"goal": goal}
