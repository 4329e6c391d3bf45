/* The classic 2-2-2 sigmoid network worked by hand through one step of backpropagation
 * (quadratic cost, SGD at rate 0.5), as in Mazur's "A Step by Step Backpropagation Example".
 *
 * Inputs i = (0.05, 0.10), targets y = (0.01, 0.99).
 * W0 = [[0.15, 0.20], [0.25, 0.30]], b0 = (0.35, 0.35); W1 = [[0.40, 0.45], [0.50, 0.55]],
 * b1 = (0.60, 0.60). s(z) = 1 / (1 + e^-z).
 *
 * Forward:
 *   z_h1 = 0.15*0.05 + 0.20*0.10 + 0.35 = 0.3775   h1 = s(0.3775) = 0.593269992
 *   z_h2 = 0.25*0.05 + 0.30*0.10 + 0.35 = 0.3925   h2 = s(0.3925) = 0.596884378
 *   z_o1 = 0.40*h1 + 0.45*h2 + 0.60 = 1.105905967  o1 = 0.751365070
 *   z_o2 = 0.50*h1 + 0.55*h2 + 0.60 = 1.224921404  o2 = 0.772928465
 *   E = 1/2 (o1 - 0.01)^2 + 1/2 (o2 - 0.99)^2 = 0.274811083 + 0.023560026 = 0.298371109
 * Output deltas d_o = (o - y) o (1 - o):
 *   d_o1 = 0.741365070 * 0.751365070 * 0.248634930 = 0.138498562
 *   d_o2 = -0.217071535 * 0.772928465 * 0.227071535 = -0.038098237
 * Hidden deltas d_h = (W1^T d_o) h (1 - h):
 *   d_h1 = (0.40*d_o1 + 0.50*d_o2) * 0.241300709 = 0.036350306 * 0.241300709 = 0.008771355
 *   d_h2 = (0.45*d_o1 + 0.55*d_o2) * 0.240613417 = 0.041370323 * 0.240613417 = 0.009954255
 * Updates p -= 0.5 * dE/dp with dE/dW1 = d_o h^T, dE/db1 = d_o, dE/dW0 = d_h i^T, dE/db0 = d_h:
 *   w5 = 0.40 - 0.5*d_o1*h1 = 0.358916480   w6 = 0.45 - 0.5*d_o1*h2 = 0.408666186
 *   w7 = 0.50 - 0.5*d_o2*h1 = 0.511301270   w8 = 0.55 - 0.5*d_o2*h2 = 0.561370121
 *   b_o1 = 0.60 - 0.5*d_o1 = 0.530750719    b_o2 = 0.60 - 0.5*d_o2 = 0.619049118
 *   w1 = 0.15 - 0.5*d_h1*0.05 = 0.149780716  w2 = 0.20 - 0.5*d_h1*0.10 = 0.199561432
 *   w3 = 0.25 - 0.5*d_h2*0.05 = 0.249751144  w4 = 0.30 - 0.5*d_h2*0.10 = 0.299502287
 *   b_h1 = 0.35 - 0.5*d_h1 = 0.345614323    b_h2 = 0.35 - 0.5*d_h2 = 0.345022873
 * (The original example leaves the biases fixed; here they are parameters and move too.) */
#include "harness.h"
#include "mlp.h"

static void test_worked_example_one_step(void) {
    mlp_net_spec spec = {.num_layers = 2,
                         .widths = {2, 2, 2},
                         .activation = {MLP_ACT_SIGMOID, MLP_ACT_SIGMOID},
                         .loss = MLP_LOSS_QUADRATIC,
                         .max_batch = 1};
    mlp_net *net;
    mlp_error err;
    CHECK(mlp_net_new(&net, &spec, &err) == MLP_OK);
    const float start[] = {0.15f, 0.20f, 0.25f, 0.30f, 0.35f, 0.35f,
                           0.40f, 0.45f, 0.50f, 0.55f, 0.60f, 0.60f};
    CHECK(mlp_net_num_params(net) == 12);
    memcpy(mlp_net_params(net), start, sizeof start);

    const float x[] = {0.05f, 0.10f}, y[] = {0.01f, 0.99f};
    mlp_batch batch = {.x = x, .targets = y, .n = 1};
    mlp_batch_result result;
    CHECK(mlp_net_gradient(net, &batch, NULL, &result, &err) == MLP_OK);
    CHECK_CLOSE(result.loss, 0.298371109, 1e-6);
    const float *g = mlp_net_grads(net);
    CHECK_CLOSE(g[10], 0.138498562, 1e-6); /* dE/db_o1 = d_o1 */
    CHECK_CLOSE(g[11], -0.038098237, 1e-6);
    CHECK_CLOSE(g[4], 0.008771355, 1e-6); /* dE/db_h1 = d_h1 */
    CHECK_CLOSE(g[5], 0.009954255, 1e-6);

    mlp_optimizer_spec ospec;
    mlp_optimizer_spec_default(&ospec, MLP_OPT_SGD);
    mlp_optimizer *opt;
    CHECK(mlp_optimizer_new(&opt, &ospec, 12, &err) == MLP_OK);
    mlp_optimizer_step(opt, mlp_net_params(net), g, NULL, 0.5f);
    const double expected[] = {0.149780716, 0.199561432, 0.249751144, 0.299502287,
                               0.345614323, 0.345022873, 0.358916480, 0.408666186,
                               0.511301270, 0.561370121, 0.530750719, 0.619049118};
    const float *p = mlp_net_params(net);
    for (size_t i = 0; i < 12; i++)
        CHECK_CLOSE(p[i], expected[i], 1e-6);
    mlp_optimizer_free(opt);
    mlp_net_free(net);
}

int main(void) {
    RUN_TEST(test_worked_example_one_step);
    return harness_finish();
}
