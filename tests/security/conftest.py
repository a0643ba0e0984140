"""Fixtures shared by the web-mode tests: defined in test_web_mode.py, offered here to the
other files of this folder (imported into a test module, a fixture is shadowed by the
parameter that asks for it, which linters rightly flag)."""

from tests.security.test_web_mode import downloads, save_dir, serve, victim

__all__ = ["downloads", "save_dir", "serve", "victim"]
