"""The packaged, trained scorecard files (scorecard.json, scorecard.skops)."""
