"""Chinese text handling: normalisation, segmentation and phrase matching (no UI imports)."""
