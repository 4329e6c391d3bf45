/* Schedules and early stopping against their formulas. */
#include "harness.h"
#include "mlp.h"

static mlp_schedule_spec spec_of(mlp_schedule_kind kind) {
    mlp_schedule_spec s;
    mlp_schedule_spec_default(&s);
    s.kind = kind;
    s.lr = 0.1f;
    return s;
}

static void test_constant(void) {
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_CONSTANT);
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 0.0), 0.1, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 123456, 77.5), 0.1, 1e-7);
}

static void test_step(void) {
    /* E1: x0.95 every 1000 iterations. */
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_STEP);
    s.lr = 0.001f, s.gamma = 0.95f, s.step_size = 1000;
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 999, 3.0), 0.001, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 1000, 3.0), 0.001 * 0.95, 1e-6);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 10999, 3.0), 0.001 * pow(0.95, 10), 1e-6);
}

static void test_multistep(void) {
    /* E2: halved at epochs 20 and 40. */
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_MULTISTEP);
    s.gamma = 0.5f, s.milestones[0] = 20, s.milestones[1] = 40, s.num_milestones = 2;
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 5, 19.99), 0.1, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 5, 20.0), 0.05, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 5, 39.5), 0.05, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 5, 40.0), 0.025, 1e-7);
}

static void test_exponential(void) {
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_EXPONENTIAL);
    s.gamma = 0.9f;
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 0.7), 0.1, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 3.2), 0.1 * pow(0.9, 3), 1e-6);
}

static void test_cosine(void) {
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_COSINE);
    s.min_lr = 0.001f, s.total_epochs = 10;
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 0.0), 0.1, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 5.0), 0.001 + 0.099 * 0.5, 1e-6);
    double t = 2.5 / 10;
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 2.5),
                0.001 + 0.099 * (1 + cos(3.14159265358979 * t)) / 2, 1e-6);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 10.0), 0.001, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 12.0), 0.001, 1e-7);
}

static void test_warmup(void) {
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_CONSTANT);
    s.warmup_steps = 100, s.warmup_start = 0.2f;
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 0, 0), 0.02, 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 50, 0), 0.1 * (0.2 + 0.8 * 0.5), 1e-7);
    CHECK_CLOSE(mlp_schedule_lr(&s, &st, 100, 0), 0.1, 1e-7);
}

static void test_plateau(void) {
    /* torch.optim.lr_scheduler.ReduceLROnPlateau semantics: reduce once the number of bad
     * epochs exceeds patience, then rest for cooldown epochs. */
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_PLATEAU);
    s.plateau_factor = 0.5f, s.plateau_patience = 1, s.plateau_cooldown = 1, s.min_lr = 0.02f;
    s.plateau_threshold = 0.0;
    mlp_schedule_state st;
    mlp_schedule_state_init(&st);
    const double losses[] = {1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95};
    const double expected[] = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02};
    for (size_t e = 0; e < sizeof losses / sizeof *losses; e++) {
        mlp_schedule_end_epoch(&s, &st, losses[e]);
        CHECK_MSG(fabs(mlp_schedule_lr(&s, &st, 0, (double)e + 1) - expected[e]) < 1e-7,
                  "after epoch %zu: %g, expected %g", e + 1,
                  (double)mlp_schedule_lr(&s, &st, 0, (double)e + 1), expected[e]);
    }
}

static void test_spec_check(void) {
    mlp_schedule_spec s = spec_of(MLP_SCHEDULE_MULTISTEP);
    s.milestones[0] = 5, s.milestones[1] = 5, s.num_milestones = 2;
    mlp_error err;
    CHECK(mlp_schedule_spec_check(&s, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "milestones") != NULL);
    s = spec_of(MLP_SCHEDULE_STEP);
    s.step_size = 0;
    CHECK(mlp_schedule_spec_check(&s, &err) == MLP_ERR_ARGUMENT);
    s = spec_of(MLP_SCHEDULE_CONSTANT);
    s.lr = -1;
    CHECK(mlp_schedule_spec_check(&s, &err) == MLP_ERR_ARGUMENT);
    s = spec_of(MLP_SCHEDULE_CONSTANT);
    CHECK(mlp_schedule_spec_check(&s, &err) == MLP_OK);
}

static void test_batch_stages(void) {
    const mlp_batch_stage stages[] = {{50, 5}, {100, 5}, {200, 0}};
    CHECK(mlp_batch_size_at(stages, 3, 0) == 50);
    CHECK(mlp_batch_size_at(stages, 3, 4) == 50);
    CHECK(mlp_batch_size_at(stages, 3, 5) == 100);
    CHECK(mlp_batch_size_at(stages, 3, 9) == 100);
    CHECK(mlp_batch_size_at(stages, 3, 10) == 200);
    CHECK(mlp_batch_size_at(stages, 3, 1000) == 200);
    CHECK(mlp_batch_size_at(stages, 1, 7) == 50);
}

static void test_early_stop_loss(void) {
    mlp_early_stop_spec s = {
        .enabled = true, .monitor = MLP_MONITOR_VAL_LOSS, .patience = 2, .min_delta = 0.01};
    mlp_early_stop_state st;
    mlp_early_stop_state_init(&st);
    bool improved;
    CHECK(!mlp_early_stop_update(&s, &st, 1, 1.0, &improved) && improved);
    CHECK(!mlp_early_stop_update(&s, &st, 2, 0.8, &improved) && improved);
    /* 0.795 is lower but not by more than min_delta. */
    CHECK(!mlp_early_stop_update(&s, &st, 3, 0.795, &improved) && !improved);
    CHECK(mlp_early_stop_update(&s, &st, 4, 0.9, &improved) && !improved);
    CHECK(st.best_epoch == 2);
    CHECK_CLOSE(st.best, 0.8, 1e-12);
}

static void test_early_stop_accuracy(void) {
    mlp_early_stop_spec s = {.enabled = true, .monitor = MLP_MONITOR_VAL_ACCURACY, .patience = 1};
    mlp_early_stop_state st;
    mlp_early_stop_state_init(&st);
    bool improved;
    CHECK(!mlp_early_stop_update(&s, &st, 1, 0.5, &improved));
    CHECK(!mlp_early_stop_update(&s, &st, 2, 0.6, &improved) && improved);
    CHECK(mlp_early_stop_update(&s, &st, 3, 0.6, &improved) && !improved);
    /* Disabled: tracks the best but never stops. */
    s.enabled = false;
    mlp_early_stop_state_init(&st);
    for (size_t e = 1; e < 10; e++)
        CHECK(!mlp_early_stop_update(&s, &st, e, 0.1, &improved));
    CHECK(st.best_epoch == 1);
}

int main(void) {
    RUN_TEST(test_constant);
    RUN_TEST(test_step);
    RUN_TEST(test_multistep);
    RUN_TEST(test_exponential);
    RUN_TEST(test_cosine);
    RUN_TEST(test_warmup);
    RUN_TEST(test_plateau);
    RUN_TEST(test_spec_check);
    RUN_TEST(test_batch_stages);
    RUN_TEST(test_early_stop_loss);
    RUN_TEST(test_early_stop_accuracy);
    return harness_finish();
}
