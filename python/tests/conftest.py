import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def mlp_command():
    """The command built from this checkout ($MLP in make test)."""
    path = os.environ.get("MLP", os.path.join(ROOT, "build", "mlp"))
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make first")
    return path


@pytest.fixture
def blobs():
    """Three separable classes in 6 features: 600 samples, float32."""
    rng = np.random.RandomState(0)
    centers = rng.normal(scale=4, size=(3, 6))
    y = np.arange(600) % 3
    X = (centers[y] + rng.normal(size=(600, 6))).astype(np.float32)
    return X, y
