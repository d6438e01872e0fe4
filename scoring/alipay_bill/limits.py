"""Size limits for what a user may send: checked before anything is decoded or unpacked."""

from __future__ import annotations

#: A year of an active account's transactions is well under 2 MB; 10 MB leaves room and stops
#: a big upload from tying up a bot process.
MAX_FILE_BYTES = 10 * 1024 * 1024

#: What a ZIP may expand to, all members together (a ZIP bomb stops here, unread).
MAX_ZIP_EXPANDED_BYTES = 50 * 1024 * 1024

#: Alipay's ZIP holds one CSV; a few more entries (a readme, a folder) are tolerated.
MAX_ZIP_MEMBERS = 5

#: Lines searched for the table's header row: the 2023+ preamble has 20-odd lines.
MAX_PREAMBLE_LINES = 200
