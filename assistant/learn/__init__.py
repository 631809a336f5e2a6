"""Học: learning the directives from their own words.

``library`` (the corpus, with one way to cite any span) → ``overview`` (one document at
a glance) · ``timeline`` (who implements whom, by level and date) · ``glossary`` (the
abbreviations and terms, and where they appear) · ``quiz`` (multiple-choice questions
whose every answer is checked against its cited clause).
"""
