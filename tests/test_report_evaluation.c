/* Evaluation numbers against a hand computation on six samples. */
#include "harness.h"
#include "mlp.h"

static void test_hand_computed(void) {
    /* true:      0 0 1 1 2 2
     * predicted: 0 1 1 1 0 2  -> confusion rows (true) [1 1 0; 0 2 0; 1 0 1] */
    const int32_t labels[] = {0, 0, 1, 1, 2, 2}, predicted[] = {0, 1, 1, 1, 0, 2};
    mlp_evaluation *ev;
    CHECK(mlp_evaluation_new(&ev, 3, NULL) == MLP_OK);
    mlp_evaluation_add(ev, labels, predicted, 4, 1.0);
    mlp_evaluation_add(ev, labels + 4, predicted + 4, 2, 2.0);
    CHECK(mlp_evaluation_count(ev) == 6);
    CHECK_CLOSE(mlp_evaluation_loss(ev), 0.5, 1e-12);
    CHECK_CLOSE(mlp_evaluation_accuracy(ev), 4.0 / 6.0, 1e-12);
    CHECK(mlp_evaluation_confusion(ev, 0, 1) == 1 && mlp_evaluation_confusion(ev, 2, 0) == 1);
    CHECK(mlp_evaluation_confusion(ev, 1, 1) == 2 && mlp_evaluation_confusion(ev, 1, 0) == 0);
    /* class 0: TP 1, predicted as 0: 2, truly 0: 2 */
    CHECK_CLOSE(mlp_evaluation_precision(ev, 0), 0.5, 1e-12);
    CHECK_CLOSE(mlp_evaluation_recall(ev, 0), 0.5, 1e-12);
    CHECK_CLOSE(mlp_evaluation_f1(ev, 0), 0.5, 1e-12);
    /* class 1: TP 2, predicted as 1: 3, truly 1: 2 -> F1 = 2 (2/3)(1) / (5/3) = 0.8 */
    CHECK_CLOSE(mlp_evaluation_precision(ev, 1), 2.0 / 3.0, 1e-12);
    CHECK_CLOSE(mlp_evaluation_recall(ev, 1), 1.0, 1e-12);
    CHECK_CLOSE(mlp_evaluation_f1(ev, 1), 0.8, 1e-12);
    /* class 2: TP 1, predicted as 2: 1, truly 2: 2 -> F1 = 2/3 */
    CHECK_CLOSE(mlp_evaluation_precision(ev, 2), 1.0, 1e-12);
    CHECK_CLOSE(mlp_evaluation_recall(ev, 2), 0.5, 1e-12);
    CHECK_CLOSE(mlp_evaluation_f1(ev, 2), 2.0 / 3.0, 1e-12);

    const char *names[] = {"cat", "dog", "bird"};
    char *text = mlp_evaluation_report(ev, names, NULL);
    CHECK(text != NULL);
    CHECK(strstr(text, "accuracy  0.6667 (4/6)") != NULL);
    CHECK(strstr(text, "dog       0.6667  1.0000  0.8000        2") != NULL);
    CHECK(strstr(text, "bird     1    0    1") != NULL);
    free(text);
    mlp_evaluation_free(ev);
}

static void test_empty_class(void) {
    /* A class never predicted and never present: precision, recall and F1 are 0, not NaN. */
    const int32_t labels[] = {0, 1}, predicted[] = {0, 1};
    mlp_evaluation *ev;
    CHECK(mlp_evaluation_new(&ev, 3, NULL) == MLP_OK);
    mlp_evaluation_add(ev, labels, predicted, 2, 0.0);
    CHECK(mlp_evaluation_precision(ev, 2) == 0.0 && mlp_evaluation_recall(ev, 2) == 0.0);
    CHECK(mlp_evaluation_f1(ev, 2) == 0.0);
    CHECK_CLOSE(mlp_evaluation_accuracy(ev), 1.0, 1e-12);
    mlp_evaluation_free(ev);
    mlp_error err;
    CHECK(mlp_evaluation_new(&ev, 0, &err) == MLP_ERR_ARGUMENT && ev == NULL);
}

int main(void) {
    RUN_TEST(test_hand_computed);
    RUN_TEST(test_empty_class);
    return harness_finish();
}
