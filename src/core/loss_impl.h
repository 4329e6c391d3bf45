/* Output layers fused with their losses, for one real type (template, see activation_impl.h).
 * Per-sample losses, for outputs a = f(z) and targets y over the k output units:
 *   softmax cross-entropy   a_j = e^(z_j - m) / s,  s = sum_j e^(z_j - m),  m = max_j z_j
 *                           L = -sum_j y_j log a_j = (sum_j y_j) log s - sum_j y_j (z_j - m)
 *                           dL/dz = a sum_j y_j - y            (a - y for one-hot y)
 *   sigmoid + binary CE     a = 1 / (1 + e^-z)
 *                           L = -sum_j [y log a + (1-y) log(1-a)]
 *                             = sum_j max(z, 0) - z y + log(1 + e^-|z|)   (no overflow)
 *                           dL/dz = a - y
 *   quadratic               a = f(z) for any element-wise f,  L = 1/2 sum_j (a_j - y_j)^2
 *                           dL/dz = (a - y) f'(a)
 * The batch loss is the mean over the n samples, so every delta is divided by n.
 * Targets are class labels (one-hot; with a single output unit the label 0/1 itself) or a
 * matrix. */

static inline REAL K(target)(const mlp_batch *t, size_t row, size_t j, size_t k) {
    if (t->targets) return (REAL)t->targets[row * k + j];
    if (k == 1) return (REAL)t->labels[row];
    return t->labels[row] == (int32_t)j ? (REAL)1 : (REAL)0;
}

/* One row of softmax cross-entropy: z (logits, bias added) becomes the probabilities; returns
 * the row's loss when t is not NULL. */
static double K(softmax_row)(REAL *restrict z, size_t k, const mlp_batch *t, size_t row) {
    REAL m = z[0];
    for (size_t j = 1; j < k; j++)
        m = z[j] > m ? z[j] : m;
    double y_sum = 0, yz_sum = 0;
    if (t)
        for (size_t j = 0; j < k; j++) {
            REAL y = K(target)(t, row, j, k);
            y_sum += (double)y;
            yz_sum += (double)(y * (z[j] - m));
        }
    REAL s = 0;
    for (size_t j = 0; j < k; j++) {
        z[j] = exp(z[j] - m);
        s += z[j];
    }
    REAL inv = (REAL)1 / s;
    for (size_t j = 0; j < k; j++)
        z[j] *= inv;
    return y_sum * (double)log(s) - yz_sum;
}

/* One row of sigmoid + binary cross-entropy: z becomes sigmoid(z); returns the row's loss. */
static double K(sigmoid_bce_row)(REAL *restrict z, size_t k, const mlp_batch *t, size_t row) {
    double loss = 0;
    for (size_t j = 0; j < k; j++) {
        REAL v = z[j];
        if (t) {
            REAL y = K(target)(t, row, j, k);
            loss += (double)((v > 0 ? v : 0) - v * y + log1p(exp(-fabs(v))));
        }
        z[j] = K(sigmoid)(v);
    }
    return loss;
}

/* The output layer after its GEMM for rows [r0, r1) of k units: z = f(z + b); with t not NULL,
 * each row's loss in row_loss[r]. */
static void K(output_rows)(REAL *z, const REAL *b, size_t r0, size_t r1, size_t k,
                           const mlp_net_spec *spec, const mlp_batch *t, double *row_loss) {
    mlp_activation act = spec->activation[spec->num_layers - 1];
    for (size_t r = r0; r < r1; r++) {
        REAL *restrict row = z + r * k;
        double loss;
        if (spec->loss == MLP_LOSS_QUADRATIC) {
            K(activate_rows)(row, k, b, 1, k, act, (REAL)spec->leaky_relu_slope);
            loss = 0;
            for (size_t j = 0; t && j < k; j++) {
                REAL d = row[j] - K(target)(t, r, j, k);
                loss += 0.5 * (double)(d * d);
            }
        } else {
            for (size_t j = 0; j < k; j++)
                row[j] += b[j];
            loss = spec->loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY ? K(softmax_row)(row, k, t, r)
                                                                : K(sigmoid_bce_row)(row, k, t, r);
        }
        if (t) row_loss[r] = loss;
    }
}

/* delta = dL/dz of the output layer for the mean loss over n samples (see the table above). */
static void K(output_delta)(REAL *restrict delta, const REAL *restrict a, size_t n, size_t k,
                            const mlp_net_spec *spec, const mlp_batch *t) {
    REAL inv_n = (REAL)1 / (REAL)n;
    bool soft_targets = spec->loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY && t->targets;
    for (size_t r = 0; r < n; r++) {
        REAL y_sum = 1; /* softmax: dL/dz = a sum(y) - y, a - y for one-hot or normalised y */
        if (soft_targets) {
            y_sum = 0;
            for (size_t j = 0; j < k; j++)
                y_sum += K(target)(t, r, j, k);
        }
        for (size_t j = 0; j < k; j++)
            delta[r * k + j] = (a[r * k + j] * y_sum - K(target)(t, r, j, k)) * inv_n;
    }
    if (spec->loss == MLP_LOSS_QUADRATIC) {
        mlp_activation act = spec->activation[spec->num_layers - 1];
        K(activation_backward)(delta, a, NULL, n * k, act, (REAL)spec->leaky_relu_slope);
    }
}
