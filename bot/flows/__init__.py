"""What the bot does, one module per feature, shared by the Telegram adapter and the terminal chat.

Each flow is an async function that takes a ``Session`` (who is asking, in which language,
and the storage, scorecard and clock to answer with) and returns the replies to show. Which
command or button runs which flow is declared once, in the registry ``bot.commands``.

| module | what it holds |
|---|---|
| ``questionnaire`` | ``/start``, ``/full``, ``/back``, ``/skip``, ``/cancel``, answers tapped or typed |
| ``score`` | ``/score``: the estimate, its change since last time, the radar chart |
| ``goal_reached`` | the "goal reached" message, asked by ``/goal``, ``/myscore``, the goal tap and the score reply |
| ``advice`` | ``/advice``: the ranked actions and their how-to steps |
| ``whatif`` | ``/whatif``: toggle actions, see the projected score |
| ``profile`` | ``/profile``: every answer, and changing one |
| ``record_items`` | whether the user has a record-if-true item (asked under ``/advice``, changed in ``/profile``) |
| ``reminders`` | ``/reminders``, the reminder buttons, and the message a due reminder sends |
| ``account`` | ``/language``, ``/export``, ``/forget`` |
| ``bill`` | ``/import``, an Alipay bill sent as a file, its ZIP password, confirming its answers |
| ``guide`` | ``/help``, unknown commands, the apology when something failed |
"""
