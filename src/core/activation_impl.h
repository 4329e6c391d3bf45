/* Element-wise activations for one real type (template: included by kernels_impl.h with REAL and
 * K() defined; <tgmath.h> picks expf/exp, tanhf/tanh by type). The derivative of each is written
 * in terms of its output a = f(z), so only the outputs are kept for the backward pass:
 *   identity  f = z                  f' = 1
 *   sigmoid   f = 1 / (1 + e^-z)     f' = a (1 - a)
 *   tanh      f = tanh z             f' = 1 - a^2
 *   ReLU      f = max(z, 0)          f' = [a > 0]
 *   leaky     f = z > 0 ? z : s z    f' = a > 0 ? 1 : s    (s in [0, 1): a > 0 iff z > 0)
 * Softmax is not element-wise: it lives with its loss in loss_impl.h. */

static inline REAL K(sigmoid)(REAL z) {
    return (REAL)1 / ((REAL)1 + exp(-z));
}

/* z = f(z + b) for n rows of k units, ld apart, in one pass after the GEMM. */
static void K(activate_rows)(REAL *restrict z, size_t ld, const REAL *restrict b, size_t n,
                             size_t k, mlp_activation act, REAL slope) {
    for (size_t r = 0; r < n; r++) {
        REAL *restrict row = z + r * ld;
        switch (act) {
        case MLP_ACT_IDENTITY:
        case MLP_ACT_SOFTMAX: /* never here: validated away */
            for (size_t j = 0; j < k; j++)
                row[j] += b[j];
            break;
        case MLP_ACT_SIGMOID:
            for (size_t j = 0; j < k; j++)
                row[j] = K(sigmoid)(row[j] + b[j]);
            break;
        case MLP_ACT_TANH:
            for (size_t j = 0; j < k; j++)
                row[j] = tanh(row[j] + b[j]);
            break;
        case MLP_ACT_RELU:
            for (size_t j = 0; j < k; j++) {
                REAL v = row[j] + b[j];
                row[j] = v > 0 ? v : 0;
            }
            break;
        case MLP_ACT_LEAKY_RELU:
            for (size_t j = 0; j < k; j++) {
                REAL v = row[j] + b[j];
                row[j] = v > 0 ? v : slope * v;
            }
            break;
        }
    }
}

/* delta[i] *= mask[i] * f'(a[i]) for count entries (mask NULL: no dropout). Going down through a
 * dropout layer multiplies by the same mask the forward pass did. */
static void K(activation_backward)(REAL *restrict delta, const REAL *restrict a,
                                   const REAL *restrict mask, size_t count, mlp_activation act,
                                   REAL slope) {
    if (mask)
        for (size_t i = 0; i < count; i++)
            delta[i] *= mask[i];
    switch (act) {
    case MLP_ACT_IDENTITY:
    case MLP_ACT_SOFTMAX: /* never here: validated away */
        break;
    case MLP_ACT_SIGMOID:
        for (size_t i = 0; i < count; i++)
            delta[i] *= a[i] * ((REAL)1 - a[i]);
        break;
    case MLP_ACT_TANH:
        for (size_t i = 0; i < count; i++)
            delta[i] *= (REAL)1 - a[i] * a[i];
        break;
    case MLP_ACT_RELU:
        for (size_t i = 0; i < count; i++)
            delta[i] = a[i] > 0 ? delta[i] : 0;
        break;
    case MLP_ACT_LEAKY_RELU:
        for (size_t i = 0; i < count; i++)
            delta[i] = a[i] > 0 ? delta[i] : slope * delta[i];
        break;
    }
}
