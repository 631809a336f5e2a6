"""Gold sets, scoring, the systems compared, reports."""
