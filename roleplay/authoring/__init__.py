"""Tools for trainers who write content: scenario graphs, self-tests and starting files."""
