"""Agent Town: a living, rewindable pixel-art town."""

__version__ = "0.1.0"
