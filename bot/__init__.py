"""The Telegram bot: dialog engine (state in the database), storage, PTB adapter, CLI."""
