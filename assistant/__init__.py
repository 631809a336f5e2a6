"""Trợ lý hỏi đáp về văn bản chỉ đạo: parse → chunk → embed/index → retrieve → compose → cite → render."""

__version__ = "0.1.0"
