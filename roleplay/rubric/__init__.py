"""The rubric engine: one module per criterion and a scorer combining them (no UI imports)."""
