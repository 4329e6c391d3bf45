/* The names of activations and losses: every enum value has one, and each name parses back. */
#include "core/names.h"
#include "harness.h"

static void test_activation_names_round_trip(void) {
    for (int a = MLP_ACT_IDENTITY; a <= MLP_ACT_SOFTMAX; a++) {
        const char *name = mlp_activation_name((mlp_activation)a);
        CHECK_MSG(strcmp(name, "unknown") != 0, "activation %d has no name", a);
        mlp_activation back = MLP_ACT_IDENTITY;
        CHECK(mlp_activation_from_name(name, &back) && back == (mlp_activation)a);
        /* The hidden-layer choices are every activation but softmax, in enum order. */
        CHECK((a < MLP_ACT_SOFTMAX) == (mlp_hidden_activation_names[a] != NULL));
    }
    CHECK(strcmp(mlp_activation_name(MLP_ACT_LEAKY_RELU), "leaky_relu") == 0);
    CHECK(strcmp(mlp_activation_name((mlp_activation)99), "unknown") == 0);
    mlp_activation untouched = MLP_ACT_TANH;
    CHECK(!mlp_activation_from_name("swish", &untouched) && untouched == MLP_ACT_TANH);
    CHECK(!mlp_activation_from_name("", &untouched));
}

static void test_loss_names_round_trip(void) {
    for (int l = MLP_LOSS_SOFTMAX_CROSS_ENTROPY; l <= MLP_LOSS_QUADRATIC; l++) {
        mlp_loss back = MLP_LOSS_QUADRATIC;
        CHECK(mlp_loss_names[l] && strcmp(mlp_loss_name((mlp_loss)l), mlp_loss_names[l]) == 0);
        CHECK(mlp_loss_from_name(mlp_loss_names[l], &back) && back == (mlp_loss)l);
    }
    CHECK(mlp_loss_names[MLP_LOSS_QUADRATIC + 1] == NULL);
    CHECK(strcmp(mlp_loss_name(MLP_LOSS_BINARY_CROSS_ENTROPY), "binary_cross_entropy") == 0);
    mlp_loss loss;
    CHECK(!mlp_loss_from_name("hinge", &loss));
}

int main(void) {
    RUN_TEST(test_activation_names_round_trip);
    RUN_TEST(test_loss_names_round_trip);
    return harness_finish();
}
