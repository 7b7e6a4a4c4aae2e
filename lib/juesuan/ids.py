"""What a department id may be: one rule for the data files, the batch, the output files and the manifest."""
from __future__ import annotations

import re

#: ASCII letters, digits, '-' and '_', not starting with '-' or '_', at most 64 characters: ids end up in
#: file names (<id>.html) and links, so no dot, slash, space or leading dash.
DEPARTMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
