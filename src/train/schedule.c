/* Learning-rate and batch-size schedules: pure functions of the step, the epoch and a small
 * state, so a resumed run computes exactly the rates of an uninterrupted one. */
#include "mlp.h"
#include "util/error.h"

#include <math.h>

static const double pi = 3.14159265358979323846;

void mlp_schedule_spec_default(mlp_schedule_spec *spec) {
    *spec = (mlp_schedule_spec){
        .kind = MLP_SCHEDULE_CONSTANT,
        .lr = 0.01f,
        .gamma = 0.1f,
        .step_size = 1000,
        .min_lr = 0.0f,
        .total_epochs = 10.0,
        .plateau_monitor = MLP_MONITOR_VAL_LOSS,
        .plateau_factor = 0.1f,
        .plateau_patience = 10,
        .plateau_threshold = 1e-4,
        .plateau_cooldown = 0,
        .warmup_steps = 0,
        .warmup_start = 0.0f,
    };
}

mlp_status mlp_schedule_spec_check(const mlp_schedule_spec *spec, mlp_error *err) {
    if (!(spec->lr > 0.0f) || !isfinite(spec->lr))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: learning rate %g must be positive",
                        (double)spec->lr);
    if (!(spec->gamma > 0.0f) || !isfinite(spec->gamma))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: gamma %g must be positive",
                        (double)spec->gamma);
    if (spec->kind == MLP_SCHEDULE_STEP && spec->step_size == 0)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: step_size must be at least 1");
    if (spec->num_milestones > MLP_MAX_MILESTONES)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: more than %d milestones",
                        MLP_MAX_MILESTONES);
    for (size_t i = 1; i < spec->num_milestones; i++)
        if (spec->milestones[i] <= spec->milestones[i - 1])
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "schedule: milestones must increase (%zu after %zu)",
                            spec->milestones[i], spec->milestones[i - 1]);
    if (spec->kind == MLP_SCHEDULE_COSINE && !(spec->total_epochs > 0.0))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: cosine needs a positive period");
    if (spec->min_lr < 0.0f || spec->min_lr > spec->lr)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: min_lr %g must lie in [0, lr]",
                        (double)spec->min_lr);
    if (spec->kind == MLP_SCHEDULE_PLATEAU &&
        !(spec->plateau_factor > 0.0f && spec->plateau_factor < 1.0f))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: plateau factor %g must lie in (0, 1)",
                        (double)spec->plateau_factor);
    if (!(spec->warmup_start >= 0.0f && spec->warmup_start <= 1.0f))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "schedule: warmup_start %g must lie in [0, 1]",
                        (double)spec->warmup_start);
    return mlp_ok(err);
}

void mlp_schedule_state_init(mlp_schedule_state *state) {
    *state = (mlp_schedule_state){.plateau_scale = 1.0f};
}

static double base_rate(const mlp_schedule_spec *spec, const mlp_schedule_state *state,
                        uint64_t step, double epoch) {
    double lr = spec->lr, gamma = spec->gamma;
    double done = floor(epoch);
    switch (spec->kind) {
    case MLP_SCHEDULE_CONSTANT:
        return lr;
    case MLP_SCHEDULE_STEP:
        return lr * pow(gamma, (double)(step / spec->step_size));
    case MLP_SCHEDULE_MULTISTEP: {
        size_t passed = 0;
        for (size_t i = 0; i < spec->num_milestones; i++)
            if ((double)spec->milestones[i] <= done) passed++;
        return lr * pow(gamma, (double)passed);
    }
    case MLP_SCHEDULE_EXPONENTIAL:
        return lr * pow(gamma, done);
    case MLP_SCHEDULE_COSINE: {
        double t = fmin(epoch, spec->total_epochs) / spec->total_epochs;
        return spec->min_lr + (lr - spec->min_lr) * (1.0 + cos(pi * t)) / 2.0;
    }
    case MLP_SCHEDULE_PLATEAU:
        return fmax(lr * state->plateau_scale, spec->min_lr);
    }
    return lr;
}

float mlp_schedule_lr(const mlp_schedule_spec *spec, const mlp_schedule_state *state, uint64_t step,
                      double epoch) {
    double rate = base_rate(spec, state, step, epoch);
    if (step < spec->warmup_steps)
        rate *= spec->warmup_start +
                (1.0 - spec->warmup_start) * (double)step / (double)spec->warmup_steps;
    return (float)rate;
}

void mlp_schedule_end_epoch(const mlp_schedule_spec *spec, mlp_schedule_state *state,
                            double monitored) {
    if (spec->kind != MLP_SCHEDULE_PLATEAU) return;
    if (!state->plateau_has_best || mlp_monitor_improves(spec->plateau_monitor, state->plateau_best,
                                                         monitored, spec->plateau_threshold)) {
        state->plateau_best = monitored;
        state->plateau_has_best = true;
        state->plateau_bad_epochs = 0;
    } else {
        state->plateau_bad_epochs++;
    }
    if (state->plateau_cooldown_left > 0) {
        /* Epochs right after a reduction do not count towards the next one. */
        state->plateau_cooldown_left--;
        state->plateau_bad_epochs = 0;
    }
    if (state->plateau_bad_epochs > spec->plateau_patience) {
        state->plateau_scale *= spec->plateau_factor;
        state->plateau_cooldown_left = spec->plateau_cooldown;
        state->plateau_bad_epochs = 0;
    }
}

size_t mlp_batch_size_at(const mlp_batch_stage *stages, size_t num, size_t epoch) {
    size_t start = 0;
    for (size_t i = 0; i + 1 < num; i++) {
        start += stages[i].epochs;
        if (epoch < start) return stages[i].batch;
    }
    return stages[num - 1].batch;
}
