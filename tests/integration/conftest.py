import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def home(tmp_path):
    """An empty pharoctl home for one test."""
    h = tmp_path / "home"
    h.mkdir()
    return h
