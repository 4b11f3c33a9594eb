"""Screens of the trainee UI: home, chat, report and help."""
