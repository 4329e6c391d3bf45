"""scikit-learn's own estimator checks on mlp.MLPClassifier, one pytest test per check."""

from sklearn.utils.estimator_checks import parametrize_with_checks

import mlp


@parametrize_with_checks([mlp.MLPClassifier()])
def test_sklearn_check(estimator, check):
    check(estimator)
