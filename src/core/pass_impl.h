/* Forward and backward passes over all layers for one real type (template, see
 * activation_impl.h). Layer i: z_i = x_i W_i^T + b_i, a_i = f_i(z_i), x_{i+1} = a_i (times the
 * dropout mask in training). Backward from the output delta:
 *   dL/dW_i = delta_i^T x_i,  dL/db_i = sum_rows delta_i,
 *   delta_{i-1} = (delta_i W_i) * mask_{i-1} * f'_{i-1}(a_{i-1})   (none below layer 0). */

void K(workspace_release)(K(workspace) *ws) {
    for (size_t i = 0; i < MLP_MAX_LAYERS; i++) {
        free(ws->act[i]);
        free(ws->mask[i]);
        free(ws->dropped[i]);
        ws->act[i] = ws->mask[i] = ws->dropped[i] = NULL;
    }
    free(ws->delta[0]);
    free(ws->delta[1]);
    free(ws->row_loss);
    ws->delta[0] = ws->delta[1] = NULL;
    ws->row_loss = NULL;
    ws->capacity = 0;
}

mlp_status K(workspace_reserve)(K(workspace) *ws, size_t capacity, mlp_error *err) {
    MLP_TRY(net_layout_check_capacity(ws->spec, capacity, err));
    K(workspace) fresh = *ws;
    for (size_t i = 0; i < MLP_MAX_LAYERS; i++)
        fresh.act[i] = fresh.mask[i] = fresh.dropped[i] = 0;
    fresh.delta[0] = fresh.delta[1] = NULL;
    fresh.row_loss = NULL;
    fresh.capacity = capacity;
    bool ok = true;
    for (size_t i = 0; i < ws->spec->num_layers && ok; i++) {
        size_t count = capacity * ws->spec->widths[i + 1];
        ok = (fresh.act[i] = mlp_calloc_lines(count, sizeof(REAL), err)) != NULL;
        if (ok && ws->spec->dropout[i] > 0)
            ok = (fresh.mask[i] = mlp_calloc_lines(count, sizeof(REAL), err)) != NULL &&
                 (fresh.dropped[i] = mlp_calloc_lines(count, sizeof(REAL), err)) != NULL;
    }
    for (size_t d = 0; d < 2 && ok; d++)
        ok = (fresh.delta[d] =
                  mlp_calloc_lines(capacity * ws->layout->max_width, sizeof(REAL), err)) != NULL;
    ok = ok && (fresh.row_loss = mlp_calloc_lines(capacity, sizeof(double), err)) != NULL;
    if (!ok) {
        K(workspace_release)(&fresh);
        return MLP_ERR_MEMORY;
    }
    K(workspace_release)(ws);
    *ws = fresh;
    return MLP_OK;
}

void K(workspace_draw_dropout)(K(workspace) *ws, size_t n, mlp_rng *rng) {
    for (size_t i = 0; i + 1 < ws->spec->num_layers; i++)
        if (ws->mask[i])
            K(dropout_draw_parallel)(ws->pool, ws->mask[i], n * ws->spec->widths[i + 1],
                                     (REAL)ws->spec->dropout[i], rng);
}

/* A hidden layer's element-wise pass after its product, block by block (core_block_done): bias
 * and activation, then in training the dropout mask (mask NULL: none). */
typedef struct {
    REAL *z;
    const REAL *b;
    size_t width;
    mlp_activation act;
    REAL slope;
    const REAL *mask;
    REAL *dropped;
} K(hidden_forward);

static void K(hidden_forward_block)(void *arg, size_t i0, size_t i1, size_t j0, size_t j1) {
    const K(hidden_forward) *h = arg;
    size_t at = i0 * h->width + j0;
    K(activate_rows)(h->z + at, h->width, h->b + j0, i1 - i0, j1 - j0, h->act, h->slope);
    if (h->mask)
        for (size_t r = 0; r < i1 - i0; r++, at += h->width)
            K(dropout_apply)(h->dropped + at, h->z + at, h->mask + at, j1 - j0);
}

/* The same going down: delta *= mask * f'(a), block by block. */
typedef struct {
    REAL *delta;
    const REAL *a;
    const REAL *mask;
    size_t width;
    mlp_activation act;
    REAL slope;
} K(hidden_backward);

static void K(hidden_backward_block)(void *arg, size_t i0, size_t i1, size_t j0, size_t j1) {
    const K(hidden_backward) *h = arg;
    for (size_t r = i0, at = i0 * h->width + j0; r < i1; r++, at += h->width)
        K(activation_backward)(h->delta + at, h->a + at, h->mask ? h->mask + at : NULL, j1 - j0,
                               h->act, h->slope);
}

/* The output layer's pass after its product (output_rows) on each block of whole rows as its
 * thread writes it; a product cut by columns hands blocks of all rows instead, which this leaves
 * to net_forward's pass after the product (rows counts the rows done here). */
typedef struct {
    REAL *z;
    const REAL *b;
    size_t k;
    const mlp_net_spec *spec;
    const mlp_batch *targets;
    double *row_loss;
    atomic_size_t rows;
} K(output_forward);

static void K(output_forward_block)(void *arg, size_t i0, size_t i1, size_t j0, size_t j1) {
    K(output_forward) *o = arg;
    if (j0 != 0 || j1 != o->k) return;
    K(output_rows)(o->z, o->b, i0, i1, o->k, o->spec, o->targets, o->row_loss);
    atomic_fetch_add_explicit(&o->rows, i1 - i0, memory_order_relaxed);
}

/* What layer i+1 reads: the dropped-out output in training, the plain output otherwise. */
static const REAL *K(layer_output)(const K(workspace) *ws, size_t i, bool training) {
    return training && ws->mask[i] ? ws->dropped[i] : ws->act[i];
}

const REAL *K(net_forward)(K(workspace) *ws, const REAL *x, size_t n, size_t first_layer,
                           bool training, const mlp_batch *targets, double *loss_sum) {
    const mlp_net_spec *spec = ws->spec;
    size_t last = spec->num_layers - 1;
    REAL slope = (REAL)spec->leaky_relu_slope;
    const REAL *in = first_layer == 0 ? x : K(layer_output)(ws, first_layer - 1, training);
    for (size_t i = first_layer; i < last; i++) {
        size_t width = spec->widths[i + 1];
        bool dropout = training && ws->mask[i];
        K(hidden_forward) after = {.z = ws->act[i],
                                   .b = ws->params + ws->layout->bias[i],
                                   .width = width,
                                   .act = spec->activation[i],
                                   .slope = slope,
                                   .mask = dropout ? ws->mask[i] : NULL,
                                   .dropped = ws->dropped[i]};
        K(dense_linear)(ws->pool, ws->bf16, training, in, n, spec->widths[i], width,
                        ws->params + ws->layout->weight[i], ws->act[i], K(hidden_forward_block),
                        &after);
        in = K(layer_output)(ws, i, training);
    }
    size_t k = spec->widths[last + 1];
    K(output_forward) out = {.z = ws->act[last],
                             .b = ws->params + ws->layout->bias[last],
                             .k = k,
                             .spec = spec,
                             .targets = targets,
                             .row_loss = ws->row_loss};
    atomic_init(&out.rows, 0);
    K(dense_linear)(ws->pool, ws->bf16, training, in, n, spec->widths[last], k,
                    ws->params + ws->layout->weight[last], ws->act[last], K(output_forward_block),
                    &out);
    if (atomic_load(&out.rows) < n) {         /* cut by columns: no block held whole rows */
        unsigned mode = PRODUCT_MODE_ENTER(); /* as inside the product, whatever the cut */
        K(output_rows)(out.z, out.b, 0, n, k, spec, targets, ws->row_loss);
        PRODUCT_MODE_LEAVE(mode);
    }
    double loss = 0; /* in row order: the same sum whichever threads computed the rows */
    if (targets)
        for (size_t r = 0; r < n; r++)
            loss += ws->row_loss[r];
    if (loss_sum) *loss_sum = loss;
    return ws->act[last];
}

/* The rows of one layer handed on to a net_update_hook. */
typedef struct {
    const net_update_hook *hook;
    size_t layer;
} K(layer_rows);

static void K(layer_rows_done)(void *arg, size_t begin, size_t end) {
    const K(layer_rows) *l = arg;
    l->hook->rows(l->hook->ctx, l->layer, begin, end);
}

void K(net_backward)(K(workspace) *ws, const REAL *x, size_t n, bool training,
                     const mlp_batch *targets, const net_update_hook *hook) {
    const mlp_net_spec *spec = ws->spec;
    size_t last = spec->num_layers - 1;
    REAL *delta = ws->delta[0];
    K(output_delta)(delta, ws->act[last], n, spec->widths[last + 1], spec, targets);
    for (size_t i = last + 1; i-- > 0;) {
        const REAL *in = i == 0 ? x : K(layer_output)(ws, i - 1, training);
        REAL *delta_in = i == 0 ? NULL : ws->delta[delta == ws->delta[0]];
        K(layer_rows) rows = {hook, i};
        K(hidden_backward) below = {0}; /* layer 0 has no input gradient */
        if (delta_in)
            below = (K(hidden_backward)){.delta = delta_in,
                                         .a = ws->act[i - 1],
                                         .mask = training ? ws->mask[i - 1] : NULL,
                                         .width = spec->widths[i],
                                         .act = spec->activation[i - 1],
                                         .slope = (REAL)spec->leaky_relu_slope};
        K(dense_backward)(ws->pool, ws->bf16, in, n, spec->widths[i], spec->widths[i + 1],
                          ws->params + ws->layout->weight[i], delta,
                          ws->grads + ws->layout->weight[i], ws->grads + ws->layout->bias[i],
                          delta_in, K(hidden_backward_block), &below,
                          hook ? K(layer_rows_done) : NULL, &rows);
        delta = delta_in;
    }
}
