"""The trainee's terminal UI (Textual). Only this package imports Textual."""
