/* Declarations of the network math for one real type: included by kernels.h with REAL and K()
 * defined (no include guard on purpose). */

/* Batch buffers of one network for up to `capacity` samples, plus borrowed parameters. */
typedef struct {
    const mlp_net_spec *spec;
    const net_layout *layout;
    REAL *params; /* layout->num_params values */
    REAL *grads;  /* layout->num_params values */
    size_t capacity;
    REAL *act[MLP_MAX_LAYERS];     /* [capacity, widths[i+1]]: output of layer i after activation */
    REAL *mask[MLP_MAX_LAYERS];    /* dropout scale (0 or 1/(1-p)) per unit of hidden layer i */
    REAL *dropped[MLP_MAX_LAYERS]; /* act[i] * mask[i]: layer i+1's input in training mode */
    REAL *delta[2];                /* [capacity, max_width]: dLoss/dz of two adjacent layers */
    double *row_loss;              /* [capacity]: each sample's loss, summed in order after */
    parallel_pool *pool;           /* threads for the products; NULL: the caller's alone */
    const core_bf16_buffers *bf16; /* float only: the products in bf16 (core/sgemm.h); NULL: not */
} K(workspace);

/* (Re)allocates the batch buffers for `capacity` samples; the buffers of layers without dropout
 * have no mask. On failure the old buffers are kept. */
mlp_status K(workspace_reserve)(K(workspace) *ws, size_t capacity, mlp_error *err);
void K(workspace_release)(K(workspace) *ws);

/* Draws a fresh dropout mask for n samples of every hidden layer with dropout. */
void K(workspace_draw_dropout)(K(workspace) *ws, size_t n, mlp_rng *rng);

/* Forward pass of n samples through layers first_layer..num_layers-1; layers below first_layer
 * keep the outputs of the previous call (the gradient check re-runs only what a perturbation
 * changes). training: apply the current dropout masks. When targets is not NULL, *loss_sum
 * receives the sum over samples of the per-sample data loss. Returns the [n, outputs] output. */
const REAL *K(net_forward)(K(workspace) *ws, const REAL *x, size_t n, size_t first_layer,
                           bool training, const mlp_batch *targets, double *loss_sum);

/* Backward pass after net_forward (same x, n, training, targets): ws->grads = d(mean data loss)
 * / d(params), all entries overwritten, layer by layer from the last; hook (may be NULL) gets each
 * block of rows as its gradient is final. */
void K(net_backward)(K(workspace) *ws, const REAL *x, size_t n, bool training,
                     const mlp_batch *targets, const net_update_hook *hook);

/* The penalty of one parameter value, l1 |w| + l2/2 w^2 (whether it applies is the caller's). */
double K(penalty_term)(REAL w, const mlp_regularization *reg);
/* Sum of penalty_term over the penalised parameters (weights; biases too if reg->on_biases). */
double K(penalty)(const REAL *params, const mlp_net_spec *spec, const net_layout *layout,
                  const mlp_regularization *reg);
/* grads[begin, end) += l1 sign(w) + l2 w, w = params[begin, end). */
void K(add_penalty_gradient_range)(const REAL *params, REAL *grads, size_t begin, size_t end,
                                   const mlp_regularization *reg);
/* grads += l1 sign(w) + l2 w over the penalised parameters. */
void K(add_penalty_gradient)(const REAL *params, REAL *grads, const mlp_net_spec *spec,
                             const net_layout *layout, const mlp_regularization *reg);
