"""Estimated cost of token usage, in US dollars per million tokens (list prices)."""

from __future__ import annotations

# (input, output, cache write, cache read) per million tokens, by model-name prefix.
PRICES: dict[str, tuple[float, float, float, float]] = {
    "claude-opus-4-5": (5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-6": (5.0, 25.0, 6.25, 0.50),
    "claude-opus": (15.0, 75.0, 18.75, 1.50),
    "claude-sonnet": (3.0, 15.0, 3.75, 0.30),
    "claude-haiku": (1.0, 5.0, 1.25, 0.10),
}
DEFAULT = PRICES["claude-sonnet"]


def cost_usd(model: str, usage: dict[str, int]) -> float:
    price = next((p for prefix, p in PRICES.items() if model.startswith(prefix)), DEFAULT)
    return (usage.get("input_tokens", 0) * price[0]
            + usage.get("output_tokens", 0) * price[1]
            + usage.get("cache_creation_input_tokens", 0) * price[2]
            + usage.get("cache_read_input_tokens", 0) * price[3]) / 1_000_000
