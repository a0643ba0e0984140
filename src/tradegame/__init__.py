"""tradegame: a negotiation game about the 2025 pause of the US reciprocal tariffs."""

__version__ = "0.1.0"
