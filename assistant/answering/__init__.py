"""A question walks down once: analyse → evidence → select → verify → render."""
