"""The pictures the bot sends: the radar of ``/score`` and the history of the estimates.

``radar`` and ``history`` draw; ``cache`` keeps what was drawn (and Telegram's ``file_id`` for
it), so a picture already shown is never drawn or uploaded again.
"""
