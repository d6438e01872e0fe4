import pytest

from scoring.card import Scorecard, load_scorecard
from scoring.model import ScorecardTrainer
from scoring.train import ESTIMATOR_FILE, load_estimator, packaged_folder


@pytest.fixture(scope="session")
def card() -> Scorecard:
    """The packaged scorecard, as the product loads it."""
    return load_scorecard()


@pytest.fixture(scope="session")
def estimator() -> ScorecardTrainer:
    """The packaged scikit-learn estimator (skops), the model the card was compiled from."""
    return load_estimator(packaged_folder() / ESTIMATOR_FILE)
