/* Optimizer rules on tiny arrays against values worked by hand, their state API and bad
 * hyper-parameters; penalties, gradient clipping and the weight mask. (Agreement with torch over
 * whole training steps is in test_core_torch_reference.c.) */
#include "core/optimizer_avx512.h"
#include "harness.h"
#include "mlp.h"

static mlp_optimizer *make_opt(mlp_optimizer_spec *spec, size_t n) {
    mlp_optimizer *opt;
    mlp_error err;
    CHECK_MSG(mlp_optimizer_new(&opt, spec, n, &err) == MLP_OK, "%s", err.message);
    return opt;
}

static void test_sgd_momentum_and_nesterov_by_hand(void) {
    mlp_optimizer_spec spec;
    mlp_optimizer_spec_default(&spec, MLP_OPT_SGD);
    CHECK(spec.momentum == 0 && spec.dampening == 0 && !spec.nesterov);
    mlp_optimizer *plain = make_opt(&spec, 1);
    CHECK(mlp_optimizer_num_buffers(plain) == 0);
    float w = 1, gw = 2;
    mlp_optimizer_step(plain, &w, &gw, NULL, 0.1f); /* p -= lr g */
    CHECK_CLOSE(w, 0.8, 1e-7);
    mlp_optimizer_free(plain);
    spec.momentum = 0.5f;
    mlp_optimizer *heavy = make_opt(&spec, 1);
    spec.nesterov = true;
    mlp_optimizer *nesterov = make_opt(&spec, 1);
    float p = 1, q = 1, g1 = 2, g2 = 4;
    /* step 1: b = g = 2; heavy ball p = 1 - 0.1*2 = 0.8; Nesterov d = 2 + 0.5*2 = 3, q = 0.7 */
    mlp_optimizer_step(heavy, &p, &g1, NULL, 0.1f);
    mlp_optimizer_step(nesterov, &q, &g1, NULL, 0.1f);
    CHECK_CLOSE(p, 0.8, 1e-7);
    CHECK_CLOSE(q, 0.7, 1e-7);
    /* step 2: b = 0.5*2 + 4 = 5; p = 0.8 - 0.5 = 0.3; d = 4 + 2.5 = 6.5, q = 0.7 - 0.65 = 0.05 */
    mlp_optimizer_step(heavy, &p, &g2, NULL, 0.1f);
    mlp_optimizer_step(nesterov, &q, &g2, NULL, 0.1f);
    CHECK_CLOSE(p, 0.3, 1e-7);
    CHECK_CLOSE(q, 0.05, 1e-7);
    const char *name;
    float *b = mlp_optimizer_buffer(heavy, 0, &name);
    CHECK(mlp_optimizer_num_buffers(heavy) == 1 && strcmp(name, "momentum") == 0 && *b == 5.0f);
    CHECK(mlp_optimizer_buffer(heavy, 1, &name) == NULL);
    CHECK(mlp_optimizer_steps(heavy) == 2);
    mlp_optimizer_free(heavy);
    mlp_optimizer_free(nesterov);
}

static void test_adam_first_step_moves_by_lr(void) {
    /* t = 1: m = 0.1 g, v = 0.001 g^2, m/(1-0.9) / (sqrt(v/(1-0.999)) + eps) = sign(g) (up to
     * eps), so every parameter moves by lr against its gradient whatever its scale. */
    mlp_optimizer_spec spec;
    mlp_optimizer_spec_default(&spec, MLP_OPT_ADAM);
    CHECK(spec.beta1 == 0.9f && spec.beta2 == 0.999f && spec.eps == 1e-8f);
    mlp_optimizer *opt = make_opt(&spec, 3);
    float p[3] = {1, 1, 1}, g[3] = {100, -0.01f, 3};
    mlp_optimizer_step(opt, p, g, NULL, 0.1f);
    CHECK_CLOSE(p[0], 0.9, 1e-6);
    CHECK_CLOSE(p[1], 1.1, 1e-5);
    CHECK_CLOSE(p[2], 0.9, 1e-6);
    const char *n0, *n1;
    mlp_optimizer_buffer(opt, 0, &n0);
    mlp_optimizer_buffer(opt, 1, &n1);
    CHECK(strcmp(n0, "exp_avg") == 0 && strcmp(n1, "exp_avg_sq") == 0);
    mlp_optimizer_free(opt);
}

static void test_adamw_decays_only_masked_entries(void) {
    mlp_optimizer_spec spec;
    mlp_optimizer_spec_default(&spec, MLP_OPT_ADAMW);
    CHECK(spec.weight_decay == 0.01f);
    spec.weight_decay = 0.5f;
    mlp_optimizer *opt = make_opt(&spec, 2);
    float p[2] = {2, 2}, g[2] = {0, 0};
    const uint8_t mask[2] = {1, 0};
    mlp_optimizer_step(opt, p, g, mask, 0.1f); /* zero gradient: only the decay 1 - 0.05 acts */
    CHECK_CLOSE(p[0], 1.9, 1e-6);
    CHECK(p[1] == 2.0f);
    mlp_optimizer_free(opt);
}

static void test_rmsprop_buffers_and_first_step(void) {
    mlp_optimizer_spec spec;
    mlp_optimizer_spec_default(&spec, MLP_OPT_RMSPROP);
    CHECK(spec.alpha == 0.99f && spec.eps == 1e-8f);
    spec.momentum = 0.9f;
    spec.centered = true;
    mlp_optimizer *opt = make_opt(&spec, 1);
    CHECK(mlp_optimizer_num_buffers(opt) == 3);
    const char *name;
    mlp_optimizer_buffer(opt, 2, &name);
    CHECK(strcmp(name, "grad_avg") == 0);
    /* s = 0.01*4 = 0.04, c = 0.01*2 = 0.02, r = sqrt(0.04 - 0.0004) = 0.198997..., b = 2/r,
     * p = 1 - 0.01 * 2/r */
    float p = 1, g = 2;
    mlp_optimizer_step(opt, &p, &g, NULL, 0.01f);
    CHECK_CLOSE(p, 1 - 0.01 * 2 / sqrt(0.0396), 1e-6);
    mlp_optimizer_set_steps(opt, 42);
    CHECK(mlp_optimizer_steps(opt) == 42);
    CHECK(mlp_optimizer_get_spec(opt)->centered);
    mlp_optimizer_free(opt);
    mlp_optimizer_free(NULL);
}

static void test_bad_optimizer_specs(void) {
    mlp_optimizer_spec spec;
    mlp_optimizer *opt = (mlp_optimizer *)&spec;
    mlp_error err;
    mlp_optimizer_spec_default(&spec, MLP_OPT_SGD);
    CHECK(mlp_optimizer_new(&opt, &spec, 0, &err) == MLP_ERR_ARGUMENT && opt == NULL);
    CHECK(mlp_optimizer_new(&opt, NULL, 3, &err) == MLP_ERR_ARGUMENT);
    spec.nesterov = true; /* without momentum */
    CHECK(mlp_optimizer_new(&opt, &spec, 3, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "nesterov"));
    mlp_optimizer_spec_default(&spec, MLP_OPT_ADAM);
    spec.beta2 = 1.0f;
    CHECK(mlp_optimizer_new(&opt, &spec, 3, &err) == MLP_ERR_ARGUMENT);
    mlp_optimizer_spec_default(&spec, MLP_OPT_ADAM);
    spec.eps = NAN;
    CHECK(mlp_optimizer_new(&opt, &spec, 3, &err) == MLP_ERR_ARGUMENT);
    spec.eps = 1e-8f;
    spec.kind = (mlp_optimizer_kind)9;
    CHECK(mlp_optimizer_new(&opt, &spec, 3, &err) == MLP_ERR_ARGUMENT);
    spec.kind = MLP_OPT_ADAM; /* two buffers of SIZE_MAX/2 floats: the size overflows */
    CHECK(mlp_optimizer_new(&opt, &spec, SIZE_MAX / 2, &err) != MLP_OK);
}

static void test_clip_grad_norm(void) {
    float g[2] = {3, 4};
    CHECK_CLOSE(mlp_clip_grad_norm(g, 2, 0), 5.0, 1e-7); /* no clipping */
    CHECK(g[0] == 3 && g[1] == 4);
    CHECK_CLOSE(mlp_clip_grad_norm(g, 2, 10), 5.0, 1e-7); /* under the limit */
    CHECK(g[0] == 3 && g[1] == 4);
    CHECK_CLOSE(mlp_clip_grad_norm(g, 2, 1), 5.0, 1e-7); /* scaled by 1 / (5 + 1e-6) */
    CHECK_CLOSE(g[0], 0.6, 1e-6);
    CHECK_CLOSE(g[1], 0.8, 1e-6);
}

static void test_penalty_and_weight_mask(void) {
    mlp_net_spec spec = {.num_layers = 1,
                         .widths = {2, 1},
                         .activation = {MLP_ACT_IDENTITY},
                         .loss = MLP_LOSS_QUADRATIC,
                         .max_batch = 1};
    mlp_net *net;
    CHECK(mlp_net_new(&net, &spec, NULL) == MLP_OK);
    float *p = mlp_net_params(net), *g = mlp_net_grads(net);
    p[0] = 2;
    p[1] = -1;
    p[2] = 3; /* the bias */
    mlp_regularization reg = {.l1 = 0.5f, .l2 = 0.1f};
    /* 0.5 (2 + 1) + 0.05 (4 + 1) = 1.75; with the bias also 0.5*3 + 0.05*9 = 1.95 more */
    CHECK_CLOSE(mlp_net_penalty(net, &reg), 1.75, 1e-7);
    g[0] = g[1] = g[2] = 0;
    mlp_net_add_penalty_gradient(net, &reg);
    CHECK_CLOSE(g[0], 0.5 + 0.2, 1e-7);
    CHECK_CLOSE(g[1], -0.5 - 0.1, 1e-7);
    CHECK(g[2] == 0);
    reg.on_biases = true;
    CHECK_CLOSE(mlp_net_penalty(net, &reg), 3.7, 1e-6);
    mlp_net_add_penalty_gradient(net, &reg);
    CHECK_CLOSE(g[2], 0.5 + 0.3, 1e-7);
    uint8_t mask[3];
    mlp_net_weight_mask(net, false, mask);
    CHECK(mask[0] == 1 && mask[1] == 1 && mask[2] == 0);
    mlp_net_weight_mask(net, true, mask);
    CHECK(mask[2] == 1);
    mlp_net_free(net);
}

/* optimizer_avx512.h's loops against the scalar loops of optimizer.c (written out again here),
 * bit for bit: 37 parameters (two full vectors and a masked tail), values over many scales, two
 * steps (the second with non-zero state), with and without the folded L2 penalty. */
static void scalar_adam(float *p, float *g, float *m, float *v, const uint8_t *mask, size_t n,
                        const adam_coefficients *c, float l2) {
    for (size_t i = 0; i < n; i++)
        g[i] += l2 * p[i];
    if (c->adamw)
        for (size_t i = 0; i < n; i++)
            if (!mask || mask[i]) p[i] *= c->decay;
    for (size_t i = 0; i < n; i++) {
        m[i] = m[i] * c->b1 + c->c1 * g[i];
        v[i] = v[i] * c->b2 + c->c2 * (g[i] * g[i]);
        float denom = sqrtf(v[i]) / c->bc2_sqrt + c->eps;
        p[i] += -c->step_size * (m[i] / denom);
    }
}

static void scalar_sgd(float *p, float *g, float *b, size_t n, float lr, float mu, float keep,
                       bool first, bool nesterov, float l2) {
    for (size_t i = 0; i < n; i++)
        g[i] += l2 * p[i];
    for (size_t i = 0; i < n; i++) {
        float d = g[i];
        if (b) {
            b[i] = first ? g[i] : b[i] * mu + keep * g[i];
            d = nesterov ? g[i] + mu * b[i] : b[i];
        }
        p[i] -= lr * d;
    }
}

#define VEC_N 37

static void fill(float *x, unsigned seed) {
    for (size_t i = 0; i < VEC_N; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = ((float)(seed >> 8 & 0xffff) / 32768.0f - 1.0f) * powf(10.0f, (float)(i % 7) - 3);
    }
}

static void test_avx512_updates_equal_scalar(void) {
    if (!optimizer_avx512_supported()) SKIP("no AVX-512 on this CPU (or a PORTABLE build)");
    uint8_t mask[VEC_N];
    for (size_t i = 0; i < VEC_N; i++)
        mask[i] = i % 3 != 0;
    for (int variant = 0; variant < 6; variant++) {
        for (int penalised = 0; penalised < 2; penalised++) {
            float l2 = penalised ? 3e-3f : 0.0f;
            float p[2][VEC_N], g[2][VEC_N], s0[2][VEC_N], s1[2][VEC_N];
            for (int k = 0; k < 2; k++) {
                fill(p[k], 1), fill(s0[k], 3), fill(s1[k], 4);
                for (size_t i = 0; i < VEC_N; i++)
                    s1[k][i] = fabsf(s1[k][i]); /* Adam's v is >= 0 */
            }
            for (int step = 0; step < 2; step++) {
                for (int k = 0; k < 2; k++)
                    fill(g[k], 10 + (unsigned)step);
                if (variant < 3) { /* Adam, AdamW masked, AdamW everywhere */
                    adam_coefficients c = {0.9f,  0.1f,         0.999f,      0.001f, 0.03f,
                                           1e-8f, 0.01f / 0.9f, variant > 0, 0.9999f};
                    const uint8_t *dm = variant == 1 ? mask : NULL;
                    adam_update_avx512(p[0], g[0], s0[0], s1[0], dm, VEC_N, &c, penalised, l2);
                    scalar_adam(p[1], g[1], s0[1], s1[1], dm, VEC_N, &c, l2);
                } else { /* SGD plain, heavy ball with dampening, Nesterov */
                    bool momentum = variant > 3, nesterov = variant == 5, first = step == 0;
                    float keep = variant == 4 ? 0.75f : 1.0f;
                    sgd_update_avx512(p[0], g[0], momentum ? s0[0] : NULL, VEC_N, 0.05f, 0.9f, keep,
                                      first, nesterov, penalised, l2);
                    scalar_sgd(p[1], g[1], momentum ? s0[1] : NULL, VEC_N, 0.05f, 0.9f, keep, first,
                               nesterov, l2);
                }
                CHECK_MSG(memcmp(p[0], p[1], sizeof p[0]) == 0 &&
                              memcmp(g[0], g[1], sizeof g[0]) == 0 &&
                              memcmp(s0[0], s0[1], sizeof s0[0]) == 0 &&
                              memcmp(s1[0], s1[1], sizeof s1[0]) == 0,
                          "variant %d, penalised %d, step %d", variant, penalised, step);
            }
        }
    }
}

int main(void) {
    RUN_TEST(test_sgd_momentum_and_nesterov_by_hand);
    RUN_TEST(test_adam_first_step_moves_by_lr);
    RUN_TEST(test_adamw_decays_only_masked_entries);
    RUN_TEST(test_rmsprop_buffers_and_first_step);
    RUN_TEST(test_bad_optimizer_specs);
    RUN_TEST(test_clip_grad_norm);
    RUN_TEST(test_penalty_and_weight_mask);
    RUN_TEST(test_avx512_updates_equal_scalar);
    return harness_finish();
}
