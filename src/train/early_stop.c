/* Early stopping on a monitored validation value (loss: lower is better; accuracy: higher). */
#include "mlp.h"

bool mlp_monitor_improves(mlp_monitor monitor, double best, double value, double min_delta) {
    if (monitor == MLP_MONITOR_VAL_ACCURACY) return value > best + min_delta;
    return value < best - min_delta;
}

void mlp_early_stop_state_init(mlp_early_stop_state *state) {
    *state = (mlp_early_stop_state){0};
}

bool mlp_early_stop_update(const mlp_early_stop_spec *spec, mlp_early_stop_state *state,
                           size_t epoch, double value, bool *improved) {
    bool better = !state->has_best ||
                  mlp_monitor_improves(spec->monitor, state->best, value, spec->min_delta);
    if (better) {
        state->best = value;
        state->has_best = true;
        state->best_epoch = epoch;
        state->bad_epochs = 0;
    } else {
        state->bad_epochs++;
    }
    if (improved) *improved = better;
    return spec->enabled && state->bad_epochs > 0 && state->bad_epochs >= spec->patience;
}
