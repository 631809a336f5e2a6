"""Embedder, lexical index, stores and hybrid retrieval."""
