/* mlp: train multilayer perceptrons for classification, in C.
 *
 * The one public header of libmlp. Conventions:
 * - Every object is an opaque handle made by mlp_X_new() and released by mlp_X_free() (NULL is
 *   accepted by every _free). The caller owns what it made; pointers returned by accessors are
 *   borrowed and stay valid until the owning object is freed or changed.
 * - Functions that can fail return an mlp_status and, when `err` is not NULL, fill it with a
 *   readable message naming the file, place and fault. The library never prints and never exits.
 * - float32 throughout; matrices are row-major; a batch of n samples with d features is float[n*d].
 * - No global mutable state: two networks in two threads never interfere.
 */
#ifndef MLP_H
#define MLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MLP_VERSION "0.1.0"

/* ==== Errors ================================================================================ */

typedef enum {
    MLP_OK = 0,
    MLP_ERR_ARGUMENT,    /* a bad argument: NULL, zero width, value out of range */
    MLP_ERR_MEMORY,      /* allocation failed, or a size whose product overflows */
    MLP_ERR_IO,          /* a file could not be opened, read or written */
    MLP_ERR_FORMAT,      /* a file's content is malformed */
    MLP_ERR_NUMERIC,     /* NaN or infinity where a finite number is needed */
    MLP_ERR_STATE,       /* the call is not valid now (e.g. resuming a finished run) */
    MLP_ERR_UNSUPPORTED, /* a valid request this build cannot do */
    MLP_ERR_INTERRUPTED, /* stopped on request (e.g. Ctrl-C) */
} mlp_status;

#define MLP_ERROR_MESSAGE_SIZE 512

typedef struct {
    mlp_status status;
    char message[MLP_ERROR_MESSAGE_SIZE];
} mlp_error;

/* A short constant name for a status, e.g. "format error". */
const char *mlp_status_string(mlp_status status);

/* ==== Random numbers ========================================================================= */

/* PCG32 (O'Neill 2014): 64-bit state, odd 64-bit increment selecting the stream. A plain value so
 * it can be copied into checkpoints; one generator per purpose (init, shuffle, dropout, ...). */
typedef struct {
    uint64_t state;
    uint64_t increment;
} mlp_rng;

void mlp_rng_seed(mlp_rng *rng, uint64_t seed, uint64_t stream);
uint32_t mlp_rng_u32(mlp_rng *rng);
/* Uniform in [0, n) without modulo bias; n >= 1. */
uint32_t mlp_rng_below(mlp_rng *rng, uint32_t n);
/* Uniform float in [0, 1). */
float mlp_rng_uniform(mlp_rng *rng);
/* Standard normal N(0, 1). */
float mlp_rng_normal(mlp_rng *rng);
/* Fisher-Yates shuffle of n indices. */
void mlp_rng_shuffle(mlp_rng *rng, uint32_t *indices, size_t n);

/* ==== Networks =============================================================================== */

typedef enum {
    MLP_ACT_IDENTITY,
    MLP_ACT_SIGMOID,
    MLP_ACT_TANH,
    MLP_ACT_RELU,
    MLP_ACT_LEAKY_RELU,
    MLP_ACT_SOFTMAX, /* output only, implied by MLP_LOSS_SOFTMAX_CROSS_ENTROPY */
} mlp_activation;

typedef enum {
    MLP_LOSS_SOFTMAX_CROSS_ENTROPY, /* softmax output fused with cross-entropy: grad a - y */
    MLP_LOSS_BINARY_CROSS_ENTROPY,  /* sigmoid output fused with binary cross-entropy */
    MLP_LOSS_QUADRATIC,             /* C = 1/2 ||a - y||^2 per sample, any output activation */
} mlp_loss;

#define MLP_MAX_LAYERS 16

/* The shape of a network: num_layers dense layers; widths[0] is the input size, widths[i+1] the
 * output size of dense layer i. Layer i < num_layers-1 is hidden and uses activation[i]; the
 * output layer uses activation[num_layers-1], which must be MLP_ACT_SOFTMAX for the softmax
 * loss and MLP_ACT_SIGMOID for binary cross-entropy (mlp_net_spec_default sets both right).
 * dropout[i] is the probability of dropping a unit of hidden layer i's output (inverted dropout,
 * training only). Buffers are preallocated for batches of up to max_batch samples. */
typedef struct {
    size_t num_layers;
    size_t widths[MLP_MAX_LAYERS + 1];
    mlp_activation activation[MLP_MAX_LAYERS];
    float leaky_relu_slope; /* default 0.01 */
    mlp_loss loss;
    float dropout[MLP_MAX_LAYERS];
    size_t max_batch;
} mlp_net_spec;

/* Fills spec for inputs -> hidden[0] -> ... -> outputs with `hidden_activation` on every hidden
 * layer, softmax cross-entropy, no dropout, max_batch 256. Returns MLP_ERR_ARGUMENT on too many
 * layers or a zero width. */
mlp_status mlp_net_spec_default(mlp_net_spec *spec, size_t inputs, const size_t *hidden,
                                size_t num_hidden, size_t outputs,
                                mlp_activation hidden_activation, mlp_error *err);

typedef struct mlp_net mlp_net;

/* Parameters start at zero; call mlp_net_init to draw them. */
mlp_status mlp_net_new(mlp_net **net, const mlp_net_spec *spec, mlp_error *err);
void mlp_net_free(mlp_net *net);
const mlp_net_spec *mlp_net_get_spec(const mlp_net *net);

/* All parameters in one array, layer by layer: W0 [widths[1], widths[0]] (PyTorch nn.Linear
 * layout [out, in]), b0 [widths[1]], W1, b1, ... The gradients use the same layout. */
size_t mlp_net_num_params(const mlp_net *net);
float *mlp_net_params(mlp_net *net);
const float *mlp_net_params_const(const mlp_net *net);
float *mlp_net_grads(mlp_net *net);
size_t mlp_net_weight_offset(const mlp_net *net, size_t layer);
size_t mlp_net_bias_offset(const mlp_net *net, size_t layer);

/* Grows the preallocated buffers so batches of up to max_batch samples fit (never shrinks). */
mlp_status mlp_net_reserve(mlp_net *net, size_t max_batch, mlp_error *err);

typedef enum {
    MLP_INIT_NORMAL,         /* N(0, scale^2) */
    MLP_INIT_UNIFORM,        /* U(-scale, scale) */
    MLP_INIT_GLOROT_NORMAL,  /* N(0, 2/(fan_in+fan_out)) */
    MLP_INIT_GLOROT_UNIFORM, /* U(-a, a), a = sqrt(6/(fan_in+fan_out)) */
    MLP_INIT_HE_NORMAL,      /* N(0, 2/fan_in) */
    MLP_INIT_HE_UNIFORM,     /* U(-a, a), a = sqrt(6/fan_in) */
    MLP_INIT_LECUN_NORMAL,   /* N(0, 1/fan_in) */
    MLP_INIT_LECUN_UNIFORM,  /* U(-a, a), a = sqrt(3/fan_in) */
} mlp_init_kind;

typedef struct {
    mlp_init_kind kind;
    float scale; /* sigma for NORMAL, a for UNIFORM; unused otherwise */
    float bias;  /* every bias starts at this value (usually 0) */
} mlp_init_spec;

mlp_status mlp_net_init(mlp_net *net, const mlp_init_spec *init, mlp_rng *rng, mlp_error *err);

/* A batch: n samples of widths[0] features. Targets are either class labels (0..K-1, one-hot
 * implied) or, when targets != NULL, an [n, outputs] matrix (multi-label, regression). */
typedef struct {
    const float *x;
    const int32_t *labels;
    const float *targets;
    size_t n;
} mlp_batch;

/* Forward pass in inference mode (no dropout). *outputs points at the net's own [n, outputs]
 * buffer of output activations (class probabilities for softmax), valid until the next call. */
mlp_status mlp_net_forward(mlp_net *net, const float *x, size_t n, const float **outputs,
                           mlp_error *err);

/* Index of the largest output for each of n samples (argmax of the forward pass). */
mlp_status mlp_net_predict(mlp_net *net, const float *x, size_t n, int32_t *classes,
                           mlp_error *err);

/* Per-batch results of a loss evaluation. */
typedef struct {
    double loss;    /* mean data loss over the batch (no penalty) */
    size_t correct; /* samples whose argmax equals the label (labels only) */
} mlp_batch_result;

/* Mean loss and correct count of a batch in inference mode; no gradient. */
mlp_status mlp_net_evaluate(mlp_net *net, const mlp_batch *batch, mlp_batch_result *result,
                            mlp_error *err);

/* Training-mode forward and backward pass: grads = d(mean data loss)/d(params). Dropout masks are
 * drawn from dropout_rng (may be NULL when the spec has no dropout). */
mlp_status mlp_net_gradient(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                            mlp_batch_result *result, mlp_error *err);

/* ==== Regularisation and optimizers ========================================================== */

/* Penalty lambda_1 ||w||_1 + lambda_2/2 ||w||^2 over the weights (and biases if on_biases), so its
 * gradient is lambda_1 sign(w) + lambda_2 w. */
typedef struct {
    float l1;
    float l2;
    bool on_biases;
} mlp_regularization;

double mlp_net_penalty(const mlp_net *net, const mlp_regularization *reg);
void mlp_net_add_penalty_gradient(mlp_net *net, const mlp_regularization *reg);

/* Scales grads so their global L2 norm is at most max_norm (max_norm <= 0: no clipping, as
 * torch.nn.utils.clip_grad_norm_). Returns the norm before clipping. */
float mlp_clip_grad_norm(float *grads, size_t n, float max_norm);

typedef enum { MLP_OPT_SGD, MLP_OPT_ADAM, MLP_OPT_ADAMW, MLP_OPT_RMSPROP } mlp_optimizer_kind;

/* Hyper-parameters with torch.optim's meaning and defaults (mlp_optimizer_spec_default). */
typedef struct {
    mlp_optimizer_kind kind;
    float lr;
    float momentum;     /* SGD, RMSprop; default 0 */
    float dampening;    /* SGD; default 0 */
    bool nesterov;      /* SGD */
    float beta1, beta2; /* Adam, AdamW; default 0.9, 0.999 */
    float eps;          /* Adam, AdamW 1e-8; RMSprop 1e-8 */
    float alpha;        /* RMSprop smoothing; default 0.99 */
    bool centered;      /* RMSprop */
    float weight_decay; /* AdamW's decoupled decay (default 0.01); the L2 of the others is in
                           mlp_regularization */
} mlp_optimizer_spec;

void mlp_optimizer_spec_default(mlp_optimizer_spec *spec, mlp_optimizer_kind kind);

typedef struct mlp_optimizer mlp_optimizer;

mlp_status mlp_optimizer_new(mlp_optimizer **opt, const mlp_optimizer_spec *spec,
                             size_t num_params, mlp_error *err);
void mlp_optimizer_free(mlp_optimizer *opt);
const mlp_optimizer_spec *mlp_optimizer_get_spec(const mlp_optimizer *opt);

/* One update of params from grads at learning rate lr (schedules pass the current rate).
 * decay_mask (may be NULL = all) selects the entries AdamW's decoupled decay applies to. */
void mlp_optimizer_step(mlp_optimizer *opt, float *params, const float *grads,
                        const uint8_t *decay_mask, float lr);

/* Optimizer state for checkpoints: named buffers of num_params floats ("momentum", "exp_avg",
 * "exp_avg_sq", "square_avg", "grad_avg"), and the step count. */
size_t mlp_optimizer_num_buffers(const mlp_optimizer *opt);
float *mlp_optimizer_buffer(mlp_optimizer *opt, size_t index, const char **name);
uint64_t mlp_optimizer_steps(const mlp_optimizer *opt);
void mlp_optimizer_set_steps(mlp_optimizer *opt, uint64_t steps);

/* 1 for weights, 0 for biases (or 1 everywhere when on_biases): the mask for AdamW's decay.
 * mask has mlp_net_num_params entries. */
void mlp_net_weight_mask(const mlp_net *net, bool on_biases, uint8_t *mask);

/* ==== Gradient check ========================================================================= */

/* Worst relative error |g_backprop - g_numeric| / max(|g_backprop| + |g_numeric|, floor) of one
 * tensor, with where it happened. */
typedef struct {
    size_t layer;
    bool is_bias;
    double max_relative_error;
    size_t worst_index;
    double backprop, numeric; /* the two gradients at worst_index */
} mlp_gradcheck_tensor;

/* Compares backpropagation with central finite differences of (data loss + penalty), both in
 * double precision, for every parameter of net on batch (dropout, if any, with one fixed mask
 * drawn from dropout_rng). report has 2 * num_layers entries (W0, b0, W1, b1, ...). */
mlp_status mlp_gradcheck(const mlp_net *net, const mlp_batch *batch,
                         const mlp_regularization *reg, mlp_rng *dropout_rng,
                         mlp_gradcheck_tensor *report, mlp_error *err);

/* ==== Data sets (data sources, preparation, batches) ========================================= */
/* Owned by the data work (issue 3): mlp_dataset, sources, transforms, splits, augmentation. */

/* ==== Models, checkpoints and training ======================================================= */
/* Owned by the command work (issue 4): mlp_model, safetensors checkpoints, schedules, the trainer. */

/* ==== Pictures =============================================================================== */
/* Owned by the pictures work (issue 5). */

#ifdef __cplusplus
}
#endif

#endif
