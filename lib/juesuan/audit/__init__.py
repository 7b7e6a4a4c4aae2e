"""Published reports read back: their numbers checked against the figures (audit) and figures read out of
their text (extract). Reads data/ and report/."""
