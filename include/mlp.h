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

/* Everything declared here, and nothing else, is exported by libmlp: the library is compiled with
 * -fvisibility=hidden, and this makes the declarations below visible (GCC and clang). */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
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

/* The names used in configs and model files: "identity", "sigmoid", "tanh", "relu",
 * "leaky_relu", "softmax"; "softmax_cross_entropy", "binary_cross_entropy", "quadratic";
 * "unknown" for a value outside the enum. */
const char *mlp_activation_name(mlp_activation activation);
const char *mlp_loss_name(mlp_loss loss);
/* The value called `name`; false (and *value untouched) when none is. */
bool mlp_activation_from_name(const char *name, mlp_activation *activation);
bool mlp_loss_from_name(const char *name, mlp_loss *loss);

#define MLP_MAX_LAYERS 16

/* The shape of a network: num_layers dense layers; widths[0] is the input size, widths[i+1] the
 * output size of dense layer i. Layer i < num_layers-1 is hidden and uses activation[i]; the
 * output layer uses activation[num_layers-1], which must be MLP_ACT_SOFTMAX for the softmax
 * loss and MLP_ACT_SIGMOID for binary cross-entropy (mlp_net_spec_default sets both right).
 * dropout[i] is the probability of dropping a unit of hidden layer i's output (inverted dropout,
 * training only). Buffers are preallocated for batches of up to max_batch samples. The layer
 * products run on `threads` threads (0: all cores, mlp_available_cores); the same thread count
 * gives the same bits, and with the engine's own AVX-512 kernels any count does. */
typedef struct {
    size_t num_layers;
    size_t widths[MLP_MAX_LAYERS + 1];
    mlp_activation activation[MLP_MAX_LAYERS];
    float leaky_relu_slope; /* default 0.01 */
    mlp_loss loss;
    float dropout[MLP_MAX_LAYERS];
    size_t max_batch;
    size_t threads; /* 0 (default): all cores; at most 1024 */
} mlp_net_spec;

/* Fills spec for inputs -> hidden[0] -> ... -> outputs with `hidden_activation` on every hidden
 * layer, softmax cross-entropy, no dropout, max_batch 256. Returns MLP_ERR_ARGUMENT on too many
 * layers or a zero width. */
mlp_status mlp_net_spec_default(mlp_net_spec *spec, size_t inputs, const size_t *hidden,
                                size_t num_hidden, size_t outputs, mlp_activation hidden_activation,
                                mlp_error *err);

typedef struct mlp_net mlp_net;

/* Parameters start at zero; call mlp_net_init to draw them. */
mlp_status mlp_net_new(mlp_net **net, const mlp_net_spec *spec, mlp_error *err);
void mlp_net_free(mlp_net *net);
const mlp_net_spec *mlp_net_get_spec(const mlp_net *net);

/* The cores this process can run on (at least 1): what threads = 0 stands for. */
size_t mlp_available_cores(void);

/* The threads the network's products run on: spec.threads, or mlp_available_cores() for 0.
 * Without AVX-512 the products are OpenBLAS's, which keeps one thread count per process: the
 * network sets it to its own before each pass that calls OpenBLAS, so networks with different
 * counts used at the same time from several threads may run a pass on the other's count (the
 * results stay right, but are then not bit-identical to a run on one count). */
size_t mlp_net_threads(const mlp_net *net);

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

/* The arithmetic of the layer products (forward, weight gradient, input gradient).
 * MLP_PRECISION_BF16: both operands rounded to bfloat16 (8-bit significand, round to nearest
 * even), products summed in float32 (AVX512_BF16's vdpbf16ps). Everything else stays as in
 * float32: the parameters (float32 master weights), the optimizer's state, biases, activations,
 * loss and softmax, and the gradient check (double). A property of the network object, not of its
 * spec or saved parameters: a model trained in bf16 saves float32 weights and predicts in either. */
typedef enum { MLP_PRECISION_F32, MLP_PRECISION_BF16 } mlp_precision;

/* "f32" / "bf16"; NULL for an unknown value. */
const char *mlp_precision_name(mlp_precision precision);
bool mlp_precision_from_name(const char *name, mlp_precision *precision);

/* Sets the products' precision (MLP_PRECISION_F32 when never set). BF16 needs a CPU with AVX-512
 * (F, VL, BW, DQ) and AVX512_BF16 and a build with the bf16 kernels (not PORTABLE=1); without them
 * it returns MLP_ERR_UNSUPPORTED with a message saying what is missing (e.g. "this CPU lacks
 * AVX512_BF16"), and the network stays as it was. */
mlp_status mlp_net_set_precision(mlp_net *net, mlp_precision precision, mlp_error *err);
mlp_precision mlp_net_precision(const mlp_net *net);

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

/* Hyper-parameters with torch.optim's meaning and defaults (mlp_optimizer_spec_default). The
 * learning rate is not one of them: each mlp_optimizer_step is given the rate of that step. */
typedef struct {
    mlp_optimizer_kind kind;
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

mlp_status mlp_optimizer_new(mlp_optimizer **opt, const mlp_optimizer_spec *spec, size_t num_params,
                             mlp_error *err);
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

/* The number of parameters the optimizer was made for. */
size_t mlp_optimizer_num_params(const mlp_optimizer *opt);

/* One training step on a batch, fused: the gradient of mlp_net_gradient, the penalty's gradient
 * added (reg may be NULL) and the optimizer's update at rate lr, each block of a layer's weights
 * updated as soon as its gradient is final, by the thread that computed it and while it is in that
 * core's cache. The parameters and optimizer state equal those of mlp_net_gradient,
 * mlp_net_add_penalty_gradient and mlp_optimizer_step called in turn, bit for bit; mlp_net_grads
 * then holds the gradient used (penalty included). A step that must see the whole gradient before
 * updating (clipping by its norm, a sum over processes) takes those calls instead. */
mlp_status mlp_net_train_step(mlp_net *net, const mlp_batch *batch, mlp_rng *dropout_rng,
                              const mlp_regularization *reg, mlp_optimizer *opt,
                              const uint8_t *decay_mask, float lr, mlp_batch_result *result,
                              mlp_error *err);

/* 1 for weights, 0 for biases (or 1 everywhere when on_biases): the mask for AdamW's decay.
 * mask has mlp_net_num_params entries. */
void mlp_net_weight_mask(const mlp_net *net, bool on_biases, uint8_t *mask);

/* ==== Gradient check ========================================================================= */

/* One tensor's result. Per entry, g is backpropagation's gradient, n the central difference and
 * E the estimated error of n (truncation from two step sizes, rounding measured on the run; see
 * docs/engine.md); max_relative_error is the largest (|g - n| - E)^+ / (|g| + |n|) over the checked
 * entries, the relative error finite differences cannot account for: a tensor passes a tolerance
 * t when it is <= t. worst_index is where it happened (where every entry is within its E, the
 * entry closest to it), with that entry's g, n and E. */
typedef struct {
    size_t layer;
    bool is_bias;
    double max_relative_error;
    size_t worst_index;
    double backprop, numeric; /* the two gradients at worst_index */
    double fd_error;          /* E at worst_index */
} mlp_gradcheck_tensor;

/* Compares backpropagation with central finite differences of (data loss + penalty), both in
 * double precision, for every parameter of net on batch (dropout, if any, with one fixed mask
 * drawn from dropout_rng). report has 2 * num_layers entries (W0, b0, W1, b1, ...). Each entry
 * costs four forward passes from its layer up. */
mlp_status mlp_gradcheck(const mlp_net *net, const mlp_batch *batch, const mlp_regularization *reg,
                         mlp_rng *dropout_rng, mlp_gradcheck_tensor *report, mlp_error *err);

/* As mlp_gradcheck, but checks at most max_per_tensor entries of each tensor, evenly spaced
 * (every (count / max_per_tensor)-th entry), for large networks; 0 checks every entry. */
mlp_status mlp_gradcheck_sample(const mlp_net *net, const mlp_batch *batch,
                                const mlp_regularization *reg, mlp_rng *dropout_rng,
                                size_t max_per_tensor, mlp_gradcheck_tensor *report,
                                mlp_error *err);

/* ==== Data sets (data sources, preparation, batches) ========================================= */
/* Owned by the data work (issue 3). The source string syntax, formats, label mapping, preparation
 * order and augmentation are documented in docs/data.md. */

/* A loaded data set: count samples of `features` values each, stored row-major, as bytes (uint8)
 * when the source holds bytes (IDX ubyte, uint8 .mat variables, CSV cells that are all integers
 * 0..255) and as float32 otherwise, so a loaded Fashion-MNIST training set takes about its byte
 * size (60000 x 784 bytes + 4 bytes per label). Labels, when present, are int32 class indices
 * 0..K-1; class k's name is the original label text ("0".."9", "1".."26", or any string). */
typedef struct mlp_dataset mlp_dataset;

/* Loads one data source named by a string that is the same on the command line and as a config
 * value, e.g.
 *   "train-images-idx3-ubyte.gz,train-labels-idx1-ubyte.gz"   IDX images + labels (gzip or plain)
 *   "t10k-images-idx3-ubyte"                                   IDX images, no labels
 *   "train.csv"                   CSV; header detected; labels from a column named "label" if any
 *   "test.csv,label=none"         unlabelled CSV
 *   "table.csv,label=4,header=no" label in column 4 (0-based), no header row
 *   "letters.mat"                 .mat v5/v7.3: x=train_x, y=train_y (when present)
 *   "letters.mat,x=test_x"        .mat variable test_x; y defaults to test_y when present
 * Options (comma-separated key=value after the file names): format=idx|csv|mat, label=, header=,
 * x=, y=, samples=rows|cols (.mat orientation), shape=RxC, transpose=yes (images stored column
 * by column, EMNIST), limit=N, classes=A+B+... (keep only those labels). Formats are detected by
 * content, not by file name. Faults are reported as "FILE: PLACE: FAULT" (byte offset, line:column,
 * variable). */
mlp_status mlp_dataset_load(mlp_dataset **dataset, const char *source, mlp_error *err);
void mlp_dataset_free(mlp_dataset *dataset);

/* The source string it was loaded from, and the format found: "idx", "csv", "mat v5", "mat v7.3".
 */
const char *mlp_dataset_source(const mlp_dataset *dataset);
const char *mlp_dataset_format(const mlp_dataset *dataset);

size_t mlp_dataset_count(const mlp_dataset *dataset);
size_t mlp_dataset_features(const mlp_dataset *dataset);
/* True with rows * cols == features when the samples are images of known shape (IDX images,
 * shape= option, or 784 features, taken as 28x28); false (and 0, 0) otherwise. */
bool mlp_dataset_image_shape(const mlp_dataset *dataset, size_t *rows, size_t *cols);

/* Exactly one of these is non-NULL: the [count, features] values as bytes or as float32. */
const uint8_t *mlp_dataset_bytes(const mlp_dataset *dataset);
const float *mlp_dataset_floats(const mlp_dataset *dataset);
/* Bytes held by the data set (values, labels, class names). */
size_t mlp_dataset_memory(const mlp_dataset *dataset);

/* Labels 0..K-1, or NULL for an unlabelled source. */
const int32_t *mlp_dataset_labels(const mlp_dataset *dataset);
/* K, and the original label text of class k < K. Integer labels are ordered numerically (so
 * labels 1..26 become classes 0..25 named "1".."26"), other names in strcmp order. */
size_t mlp_dataset_num_classes(const mlp_dataset *dataset);
const char *mlp_dataset_class_name(const mlp_dataset *dataset, size_t k);
const char *const *mlp_dataset_class_names(const mlp_dataset *dataset);

/* Re-expresses the labels in the given classes (a training set's or a model's), matching by
 * name, so that class k means names[k] in both: an unlabelled data set just takes the names; a
 * label not among names is an error naming the file, the sample and the label. Afterwards the
 * data set's class names are a copy of names. */
mlp_status mlp_dataset_map_classes(mlp_dataset *dataset, const char *const *names, size_t num_names,
                                   mlp_error *err);

/* -- Preparation: x -> scale -> log(x + c) -> standardise, each step optional, in that order. -- */

typedef struct {
    bool scale;       /* x' = (x - lo) / (hi - lo): lo, hi = 0, 255 for byte data, else the
                         training split's min and max; maps to [0, 1] */
    bool log;         /* x' = log(x + log_offset) (E1: scale + log with offset 0.1) */
    float log_offset; /* c > 0 when scale precedes, > -min otherwise; default 0.1 */
    bool standardize; /* x' = (x - mean_j) / std_j per feature j, fitted after the steps above;
                         a constant feature (std < 1e-6) gets std 1 */
} mlp_transform_spec;

/* Parses "none" or a comma-separated list of "scale", "log", "log=C", "standardize" (any
 * order; applied in the fixed order above), and formats a spec back into that text. */
mlp_status mlp_transform_spec_parse(mlp_transform_spec *spec, const char *text, mlp_error *err);
void mlp_transform_spec_format(const mlp_transform_spec *spec, char *out, size_t size);

typedef struct mlp_transform mlp_transform;

mlp_status mlp_transform_new(mlp_transform **transform, const mlp_transform_spec *spec,
                             size_t features, mlp_error *err);
void mlp_transform_free(mlp_transform *transform);
const mlp_transform_spec *mlp_transform_get_spec(const mlp_transform *transform);

/* Fits the statistics on the samples indices[0..n) of dataset (the training split only). */
mlp_status mlp_transform_fit(mlp_transform *transform, const mlp_dataset *dataset,
                             const uint32_t *indices, size_t n, mlp_error *err);

/* Applies the fitted transform in place to n rows of `features` floats. */
void mlp_transform_apply(const mlp_transform *transform, float *x, size_t n);

/* The statistics as named float tensors for checkpoints (prefix "prep."): "prep.scale" [2] = lo,
 * hi; "prep.log_offset" [1]; "prep.mean" and "prep.std" [features]; only those the spec uses.
 * set_tensor loads one back (name and length must match); a transform whose tensors were all set
 * is fitted. */
size_t mlp_transform_num_tensors(const mlp_transform *transform);
const float *mlp_transform_tensor(const mlp_transform *transform, size_t index, const char **name,
                                  size_t *length);
mlp_status mlp_transform_set_tensor(mlp_transform *transform, const char *name, const float *values,
                                    size_t length, mlp_error *err);

/* -- Splits and order ------------------------------------------------------------------------ */

typedef struct {
    double fraction; /* held-out share in [0, 1), used when count == 0 */
    size_t count;    /* held-out samples; takes precedence over fraction when > 0 */
    bool stratified; /* hold out the same share of every class (needs labels) */
} mlp_split_spec;

/* Writes all count sample indices to indices[mlp_dataset_count]: the training ones first
 * (indices[0 .. *num_train)), then the held-out validation ones, each part in increasing order.
 * Which samples are held out is drawn from rng (seeded: same rng state, same split). Per-epoch
 * reshuffling is mlp_rng_shuffle on the training part with a generator kept for that purpose. */
mlp_status mlp_dataset_split(const mlp_dataset *dataset, const mlp_split_spec *spec, mlp_rng *rng,
                             uint32_t *indices, size_t *num_train, mlp_error *err);

/* -- Augmentation and batches ---------------------------------------------------------------- */

/* On-the-fly augmentation of image samples (training batches only): every image is shifted by
 * integers (dx, dy) uniform in [-max_shift, max_shift] and rotated by an angle uniform in
 * [-max_rotation, max_rotation] degrees about its centre, in one bilinear resampling of the raw
 * values (outside the image: 0), before the transform. Zero fields disable that part. */
typedef struct {
    unsigned max_shift;
    float max_rotation;
} mlp_augment_spec;

/* Assembles a batch into caller-provided buffers with no allocation: for each i < n, row i of
 * x_out[n * features] is sample indices[i] as float (bytes converted), augmented when augment is
 * not NULL (needs an image shape; random numbers from rng), then transformed when transform is
 * not NULL (it must be fitted). labels_out[n] (may be NULL) gets the labels; asking for labels of
 * an unlabelled data set is an error. Deterministic given the rng state; thread-safe on a shared
 * data set with one rng per thread. */
mlp_status mlp_dataset_gather(const mlp_dataset *dataset, const uint32_t *indices, size_t n,
                              const mlp_transform *transform, const mlp_augment_spec *augment,
                              mlp_rng *rng, float *x_out, int32_t *labels_out, mlp_error *err);

/* mlp_dataset_gather on the network's threads (mlp_net_threads): the same checks and the same
 * values bit for bit, the rows split between the threads. With augmentation, whose random numbers
 * are drawn row after row, and for small batches, on the calling thread alone. */
mlp_status mlp_net_gather(mlp_net *net, const mlp_dataset *dataset, const uint32_t *indices,
                          size_t n, const mlp_transform *transform, const mlp_augment_spec *augment,
                          mlp_rng *rng, float *x_out, int32_t *labels_out, mlp_error *err);

/* ==== Models, checkpoints and training ======================================================= */
/* Owned by the command work (issue 4): mlp_model, safetensors checkpoints, schedules, the trainer.
 */

/* ---- Learning-rate schedules ----
 * The rate used for an optimizer step is warmup(step) * base(step, epoch) * plateau_scale, where
 * `step` counts optimizer steps already taken (0 for the first step) and `epoch` is the number of
 * epochs already completed, fractional inside an epoch (2.5 = half way through the third epoch):
 *   constant     lr
 *   step         lr * gamma^floor(step / step_size)                      (E1: x0.95 every 1000)
 *   multistep    lr * gamma^(number of milestones m with m <= floor(epoch))     (E2: 20, 40)
 *   exponential  lr * gamma^floor(epoch)
 *   cosine       min_lr + (lr - min_lr) * (1 + cos(pi * min(epoch, total_epochs) / total_epochs))
 *                / 2
 *   plateau      lr, multiplied by `factor` (down to min_lr) each time the monitored value has not
 *                improved by more than `threshold` for `patience` epochs, then `cooldown` epochs
 *                of rest
 *   warm-up      (any kind) for step < warmup_steps, times warmup_start + (1 - warmup_start) *
 *                step / warmup_steps: a linear ramp from warmup_start * lr. */
typedef enum {
    MLP_SCHEDULE_CONSTANT,
    MLP_SCHEDULE_STEP,
    MLP_SCHEDULE_MULTISTEP,
    MLP_SCHEDULE_EXPONENTIAL,
    MLP_SCHEDULE_COSINE,
    MLP_SCHEDULE_PLATEAU,
} mlp_schedule_kind;

#define MLP_MAX_MILESTONES 32

/* What a value monitored across epochs is, and which way is better. */
typedef enum { MLP_MONITOR_VAL_LOSS, MLP_MONITOR_VAL_ACCURACY } mlp_monitor;

typedef struct {
    mlp_schedule_kind kind;
    float lr;
    float gamma;                           /* step, multistep, exponential */
    uint64_t step_size;                    /* step: optimizer steps between decays */
    size_t milestones[MLP_MAX_MILESTONES]; /* multistep: epochs, ascending */
    size_t num_milestones;
    float min_lr;        /* cosine floor, plateau floor */
    double total_epochs; /* cosine period */
    mlp_monitor plateau_monitor;
    float plateau_factor;
    size_t plateau_patience;
    double plateau_threshold; /* absolute improvement that counts */
    size_t plateau_cooldown;
    uint64_t warmup_steps;
    float warmup_start; /* fraction of the rate at step 0 */
} mlp_schedule_spec;

/* Constant rate 0.01, gamma 0.1, no warm-up; plateau factor 0.1, patience 10. */
void mlp_schedule_spec_default(mlp_schedule_spec *spec);

/* Checks ranges (positive rate and step size, ascending milestones, ...). */
mlp_status mlp_schedule_spec_check(const mlp_schedule_spec *spec, mlp_error *err);

/* The part of a schedule that depends on the history of the run (plateau), kept in checkpoints. */
typedef struct {
    float plateau_scale; /* product of the plateau reductions so far; 1 at the start */
    double plateau_best;
    bool plateau_has_best;
    size_t plateau_bad_epochs;
    size_t plateau_cooldown_left;
} mlp_schedule_state;

void mlp_schedule_state_init(mlp_schedule_state *state);
float mlp_schedule_lr(const mlp_schedule_spec *spec, const mlp_schedule_state *state, uint64_t step,
                      double epoch);
/* Called once at the end of each epoch with the value of spec->plateau_monitor (ignored unless
 * the kind is plateau). */
void mlp_schedule_end_epoch(const mlp_schedule_spec *spec, mlp_schedule_state *state,
                            double monitored);

/* True when `value` improves on `best` by more than min_delta (lower loss, higher accuracy). */
bool mlp_monitor_improves(mlp_monitor monitor, double best, double value, double min_delta);

/* ---- Early stopping ----
 * Stops after `patience` epochs in a row without an improvement larger than min_delta of the
 * monitored validation value; the trainer then restores the best weights if restore_best. */
typedef struct {
    bool enabled;
    mlp_monitor monitor;
    size_t patience;
    double min_delta;
    bool restore_best;
} mlp_early_stop_spec;

typedef struct {
    double best;
    bool has_best;
    size_t best_epoch; /* 1-based epoch that gave `best` */
    size_t bad_epochs;
} mlp_early_stop_state;

void mlp_early_stop_state_init(mlp_early_stop_state *state);
/* Records the value at the end of 1-based `epoch`; *improved tells whether it is the new best.
 * Returns true when training should stop (only when spec->enabled). */
bool mlp_early_stop_update(const mlp_early_stop_spec *spec, mlp_early_stop_state *state,
                           size_t epoch, double value, bool *improved);

/* ---- Batch-size stages (E1: 50 -> 100 -> ... -> 20000, five epochs each) ---- */
#define MLP_MAX_BATCH_STAGES 32

typedef struct {
    size_t batch;
    size_t epochs; /* 0 in the last stage: until the end of training */
} mlp_batch_stage;

/* The batch size of 0-based `epoch` under `stages` (num > 0); the last stage lasts forever. */
size_t mlp_batch_size_at(const mlp_batch_stage *stages, size_t num, size_t epoch);

/* ---- Models: a network with what it needs to classify raw samples ----
 * A model holds the network, the fitted preparation transform (may be absent), the class names
 * (the original label texts, so predictions come back as "1".."26" or names), optional display
 * names for people, and metadata (string pairs: training state, the config text, ...). Saved as safetensors: tensors dense.N.weight
 * [out, in] and dense.N.bias F32 and prep.* F32; metadata "net.widths" ("784,200,10"),
 * "net.activations" ("relu,softmax"), "net.loss", "net.leaky_relu_slope", "net.dropout",
 * "prep.spec" (mlp_transform_spec_format text), "classes" (a JSON array of the names),
 * "display_names" (likewise, when set), plus the model's own metadata. A checkpoint is a model
 * file with optimizer.* tensors and training state in the metadata; mlp_model_load reads both. */
typedef struct mlp_model mlp_model;

/* Takes over net and transform (NULL: none) even on failure; copies the class names (NULL:
 * "0".."K-1" with K the network's outputs). */
mlp_status mlp_model_new(mlp_model **model, mlp_net *net, mlp_transform *transform,
                         const char *const *class_names, size_t num_classes, mlp_error *err);
void mlp_model_free(mlp_model *model);

mlp_status mlp_model_load(mlp_model **model, const char *path, mlp_error *err);
mlp_status mlp_model_save(const mlp_model *model, const char *path, mlp_error *err);

mlp_net *mlp_model_net(mlp_model *model);
const mlp_net *mlp_model_net_const(const mlp_model *model);
/* NULL when the model has no preparation. */
const mlp_transform *mlp_model_transform(const mlp_model *model);
size_t mlp_model_num_classes(const mlp_model *model);
const char *const *mlp_model_class_names(const mlp_model *model);

/* Display names: what a person calls each class ("Sandal" for the IDX label "5"), shown by
 * reports and pictures; the class names stay the labels that data and predictions use. Set
 * replaces them: count must equal mlp_model_num_classes, each name non-empty, without control
 * characters and unique (MLP_ERR_ARGUMENT otherwise); names NULL removes them. Saved as metadata
 * "display_names" (a JSON array); models without it have none. */
mlp_status mlp_model_set_display_names(mlp_model *model, const char *const *names, size_t count,
                                       mlp_error *err);
bool mlp_model_has_display_names(const mlp_model *model);
/* The display names when the model has them, else the class names: the names to show. */
const char *const *mlp_model_display_names(const mlp_model *model);

/* Metadata, in insertion order; set replaces an existing key. NULL when absent. */
mlp_status mlp_model_set_metadata(mlp_model *model, const char *key, const char *value,
                                  mlp_error *err);
const char *mlp_model_metadata(const mlp_model *model, const char *key);
size_t mlp_model_metadata_count(const mlp_model *model);
void mlp_model_metadata_at(const mlp_model *model, size_t index, const char **key,
                           const char **value);

/* Prepares samples of a data set for this model: maps its labels onto the model's classes
 * (mlp_dataset_map_classes) and checks the feature count. */
mlp_status mlp_model_accept(const mlp_model *model, mlp_dataset *dataset, mlp_error *err);

/* Runs the model over every sample of an accepted data set, in batches: classes[count] (may be
 * NULL) gets the argmax class index, probabilities[count * outputs] (may be NULL) the output
 * activations. */
mlp_status mlp_model_predict(mlp_model *model, const mlp_dataset *dataset, int32_t *classes,
                             float *probabilities, mlp_error *err);

/* ---- Evaluation: loss, accuracy, per-class precision/recall/F1, confusion matrix ---- */
typedef struct mlp_evaluation mlp_evaluation;

mlp_status mlp_evaluation_new(mlp_evaluation **ev, size_t num_classes, mlp_error *err);
void mlp_evaluation_free(mlp_evaluation *ev);
/* Counts n samples (labels and predictions in 0..K-1) whose data losses add up to loss_sum. */
void mlp_evaluation_add(mlp_evaluation *ev, const int32_t *labels, const int32_t *predicted,
                        size_t n, double loss_sum);
size_t mlp_evaluation_num_classes(const mlp_evaluation *ev);
uint64_t mlp_evaluation_count(const mlp_evaluation *ev);
double mlp_evaluation_loss(const mlp_evaluation *ev);     /* mean data loss */
double mlp_evaluation_accuracy(const mlp_evaluation *ev); /* correct / count */
/* Samples of true class `actual` predicted as `predicted`. */
uint64_t mlp_evaluation_confusion(const mlp_evaluation *ev, size_t actual, size_t predicted);
/* precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean; 0 when the
 * denominator is 0. */
double mlp_evaluation_precision(const mlp_evaluation *ev, size_t k);
double mlp_evaluation_recall(const mlp_evaluation *ev, size_t k);
double mlp_evaluation_f1(const mlp_evaluation *ev, size_t k);
/* The report as text: loss, accuracy, a per-class table and the confusion matrix (rows: true
 * class, columns: predicted), with class names (NULL: indices). malloc'ed; NULL with err set. */
char *mlp_evaluation_report(const mlp_evaluation *ev, const char *const *class_names,
                            mlp_error *err);

/* Evaluates an accepted, labelled data set: fills ev (made with the model's class count). */
mlp_status mlp_model_evaluate(mlp_model *model, const mlp_dataset *dataset, mlp_evaluation *ev,
                              mlp_error *err);

/* ---- Training ----
 * Everything a run needs, as read from a config file (docs/config.md lists every key). Strings
 * are borrowed from the caller. */
typedef struct {
    const char *train_source; /* mlp_dataset_load string; required */
    const char *test_source;  /* "" or NULL: no test set */
    /* Display names of the classes, in class order (that of mlp_dataset_class_names), and their
     * count; NULL: none (mlp_model_set_display_names). */
    const char *const *class_names;
    size_t num_class_names;
    mlp_transform_spec transform;
    mlp_split_spec validation;
    mlp_augment_spec augment;
    bool shuffle; /* reshuffle the training split every epoch */

    size_t hidden[MLP_MAX_LAYERS];
    size_t num_hidden;
    mlp_activation hidden_activation;
    mlp_activation output_activation; /* used with the quadratic loss */
    float leaky_relu_slope;
    float dropout; /* on every hidden layer */
    mlp_loss loss;
    mlp_init_spec init;
    const char *init_from; /* "" or NULL: draw the weights; else a safetensors file */

    mlp_optimizer_spec optimizer;
    mlp_schedule_spec schedule;
    mlp_regularization regularization;
    float clip_norm; /* <= 0: no clipping */
    mlp_batch_stage batch_stages[MLP_MAX_BATCH_STAGES];
    size_t num_batch_stages;
    size_t epochs;
    mlp_early_stop_spec early_stop;

    uint64_t checkpoint_every_steps; /* 0: never mid-epoch */
    size_t checkpoint_every_epochs;  /* 0: only at the end */
    bool keep_checkpoints;           /* also keep each periodic one as step-N.safetensors */
    uint64_t log_every_steps;        /* 0: one metrics row per epoch */
    size_t eval_batch;               /* batch size for validation and test passes */
    mlp_precision precision;         /* of the layer products (mlp_net_set_precision) */

    int threads; /* threads of the network's products (mlp_net_spec.threads); 0: all cores */
    uint64_t seed;
    const char *config_text; /* the effective config, stored in config.ini and checkpoints */
} mlp_train_config;

/* Data-parallel training (MPI): every rank runs the same trainer on its contiguous share of
 * each global batch; the trainer sums gradients (pre-scaled so the sum is the global mean), loss
 * and correct counts with these callbacks, and every rank applies the same update. Only rank 0
 * writes files. */
typedef struct {
    int rank, world_size;
    mlp_status (*sum_floats)(void *ctx, float *values, size_t n, mlp_error *err);
    mlp_status (*sum_doubles)(void *ctx, double *values, size_t n, mlp_error *err);
    void *ctx;
} mlp_distributed;

/* A snapshot for progress displays, given after every step and at the end of every epoch. */
typedef struct {
    size_t epoch, epochs;  /* 1-based current epoch, planned epochs */
    size_t batch, batches; /* 1-based batch within the epoch, batches in the epoch */
    uint64_t step;
    size_t batch_size;
    float lr;
    double loss, accuracy; /* running means over the epoch so far */
    double samples_per_second, seconds, eta_seconds;
    bool epoch_end; /* the epoch is over: val_* hold its validation results (NAN: none) */
    double val_loss, val_accuracy;
} mlp_progress;

typedef struct {
    void (*progress)(void *ctx, const mlp_progress *progress);
    void *progress_ctx;
    /* When it becomes non-zero (a SIGINT handler sets it), the trainer saves `last` and stops
     * with MLP_STOP_INTERRUPTED. */
    const volatile int *stop_requested;
    const mlp_distributed *distributed; /* NULL: one process */
} mlp_train_hooks;

/* Why a run ended. Finished runs (max_epochs, early_stop) continue only with changed settings
 * (mlp_train); a diverged or interrupted one continues from its last good checkpoint. */
typedef enum {
    MLP_STOP_MAX_EPOCHS,  /* training.epochs done */
    MLP_STOP_EARLY,       /* early stopping */
    MLP_STOP_DIVERGED,    /* loss or weights not finite */
    MLP_STOP_INTERRUPTED, /* hooks->stop_requested */
} mlp_stop_reason;

/* "max_epochs", "early_stop", "diverged", "interrupted" (the names in summary.json and in
 * checkpoints); NULL for a value outside the enum. */
const char *mlp_stop_reason_name(mlp_stop_reason reason);

typedef struct {
    mlp_stop_reason stop_reason;
    size_t epochs_run;
    uint64_t steps;
    double train_seconds, samples_per_second;
    double best_val_accuracy; /* NAN without validation */
    size_t best_epoch;
    double test_loss, test_accuracy; /* NAN without labelled test data */
} mlp_train_result;

/* Trains into run_dir (created if needed): config.ini, metrics.csv, last/best.safetensors,
 * summary.json. resume_from NULL starts a new run; otherwise it names a checkpoint of the run in
 * run_dir (its last.safetensors, or a kept step-N.safetensors) and the run continues exactly
 * where that checkpoint stopped. When config->config_text differs from the config stored in the
 * checkpoint, the run continues with the changed settings from that step on, finished or not:
 * the changes are listed in run_dir/changes.csv, the checkpoints and summary.json
 * (docs/training.md); changing a key that is fixed once a run starts (the data, the network, the
 * seed, ...) is an MLP_ERR_ARGUMENT naming it, and so is a training.epochs with no epoch left. A
 * finished run's checkpoint without changes is refused with MLP_ERR_STATE. A diverged run returns
 * MLP_ERR_NUMERIC, an interrupted one MLP_ERR_INTERRUPTED; both still fill result and keep the
 * last good checkpoint. */
mlp_status mlp_train(const mlp_train_config *config, const char *run_dir, const char *resume_from,
                     const mlp_train_hooks *hooks, mlp_train_result *result, mlp_error *err);

/* ---- Configs and training in memory (for bindings such as the Python package) ----
 * A config holds every key of the command's config files (docs/config.md), so a binding names
 * settings exactly as config.ini and `mlp train --set` do. */
typedef struct mlp_config mlp_config;

/* Every key at its default, then the INI file at path (NULL: none). */
mlp_status mlp_config_new(mlp_config **config, const char *path, mlp_error *err);
void mlp_config_free(mlp_config *config);
/* One override "section.key=value" (or "key=value" for seed and threads), as --set. */
mlp_status mlp_config_set(mlp_config *config, const char *assignment, mlp_error *err);
/* The effective config as INI text; malloc'ed (release with mlp_free), NULL with err set. */
char *mlp_config_text(const mlp_config *config, mlp_error *err);
/* Releases memory the library returned to the caller (mlp_config_text, reports). */
void mlp_free(void *memory);

/* mlp_train on the run the config describes (data.train required), with its text as the run's
 * config.ini. */
mlp_status mlp_config_train(const mlp_config *config, const char *run_dir, const char *resume_from,
                            const mlp_train_hooks *hooks, mlp_train_result *result, mlp_error *err);

/* A data set over the caller's memory, without a copy: count rows of `features` values, bytes
 * (uint8) when `bytes`, else float32, row-major and contiguous; they must stay unchanged while
 * the data set lives. labels (NULL: unlabelled) are copied and must lie in 0..num_classes-1;
 * class names are copied (NULL: "0".."K-1"). rows x cols (0 x 0: unknown, 28 x 28 for 784
 * features) is the image shape augmentation needs. Float values must be finite (checked);
 * `name` stands for the source in messages. */
mlp_status mlp_dataset_wrap(mlp_dataset **dataset, const char *name, const void *values, bool bytes,
                            size_t count, size_t features, const int32_t *labels,
                            const char *const *class_names, size_t num_classes, size_t rows,
                            size_t cols, mlp_error *err);

/* A new model for the data set's features and classes, as the config describes it (network and
 * init keys, seed): weights drawn, the data.transform preparation fitted on the samples
 * indices[0..n) (indices NULL: all), data.class_names as display names. data.train is not
 * needed. */
mlp_status mlp_config_new_model(mlp_model **model, const mlp_config *config,
                                const mlp_dataset *data, const uint32_t *indices, size_t n,
                                mlp_error *err);

/* Training of a model in memory, one epoch per call, with the optimizer, schedule,
 * regularization, training.batch_size (its first stage), training.clip_norm, data.shuffle,
 * augmentation and seed of a config; the optimizer and schedule state carry over from one call
 * to the next. The session borrows the model, which must outlive it. */
typedef struct mlp_session mlp_session;

mlp_status mlp_session_new(mlp_session **session, const mlp_config *config, mlp_model *model,
                           mlp_error *err);
void mlp_session_free(mlp_session *session);
/* Sets the schedule's base rate (schedule.lr) for the following steps. */
void mlp_session_set_lr(mlp_session *session, float lr);

typedef struct {
    double loss;     /* mean data loss over the epoch's samples, each taken before its update */
    double penalty;  /* the regularization penalty of the weights at the end of the epoch */
    double accuracy; /* share of the epoch's samples classified right, before their update */
    size_t samples;  /* samples trained on (fewer than asked when interrupted) */
    uint64_t steps;  /* optimizer steps since the session began */
} mlp_epoch_result;

/* One epoch over the labelled samples indices[0..n) of data (NULL: all), in a new order each
 * epoch when data.shuffle (drawn from the seed and the session's epoch count). Labels index the
 * model's classes. When *stop_requested (may be NULL) becomes non-zero the epoch stops before
 * its next step with MLP_ERR_INTERRUPTED, the weights those of the last step; a loss or weights
 * that are no longer finite stop it with MLP_ERR_NUMERIC. result is filled in every case. */
mlp_status mlp_session_epoch(mlp_session *session, const mlp_dataset *data, const uint32_t *indices,
                             size_t n, const volatile int *stop_requested, mlp_epoch_result *result,
                             mlp_error *err);

/* ==== Export: ONNX and dependency-free C (docs/deploy.md) ==================================== */

/* Writes the model's whole prediction path as an ONNX model (IR version 8, opset 13) to path,
 * atomically: input "input" float32 [N, features] of raw values (as the data source gives them);
 * the stored preparation as constant operators, each layer as Gemm + activation (dropout is
 * training only), softmax or sigmoid; outputs "probabilities" float32 [N, outputs] and "label"
 * int64 [N] (the class index mlp_model_predict gives). metadata_props: "classes" (a JSON array
 * of the class names), then the model's metadata. */
mlp_status mlp_model_export_onnx(const mlp_model *model, const char *path, mlp_error *err);

typedef enum {
    MLP_EXPORT_FLOAT, /* float32 weights and arithmetic, as the library */
    MLP_EXPORT_INT8,  /* post-training quantization: int8 weights (symmetric, one scale per output
                         unit), int8 layer inputs (one symmetric scale per layer, calibrated),
                         int32 sums; preparation, biases and activations in float */
} mlp_export_precision;

typedef struct {
    const char *name; /* C identifier: files NAME.h, NAME.c, function NAME_predict */
    mlp_export_precision precision;
    /* INT8: the samples whose layer inputs fix the activation scales (usually training
     * samples; the model's feature count) and how many of them, evenly spaced (0: all). */
    const mlp_dataset *calibration;
    size_t calibration_samples;
} mlp_c_export_spec;

/* Writes DIR/NAME.h and DIR/NAME.c (each atomically; dir must exist): C99 source that needs
 * nothing beyond libm and allocates nothing, with the weights and the preparation as const arrays,
 * `int NAME_predict(const float *input, float *probabilities)` (raw features in; the output
 * activations out when probabilities is not NULL; returns the class index) and
 * `NAME_class_names[]` (the labels, as mlp_model_predict's classes) and `NAME_display_names[]`
 * (mlp_model_display_names). A name that is not a C identifier, or a model with non-finite
 * parameters, is an MLP_ERR_ARGUMENT. */
mlp_status mlp_model_export_c(const mlp_model *model, const char *dir,
                              const mlp_c_export_spec *spec, mlp_error *err);

/* ==== Tuning (docs/tuning.md) =============================================================== */

/* What ranks the trials of a tune (ASHA's promotions and the best trial): the validation accuracy
 * of a step's last epoch (higher is better) or its validation loss (lower is better). */
typedef enum { MLP_TUNE_METRIC_ACCURACY, MLP_TUNE_METRIC_LOSS } mlp_tune_metric;

/* How a tune draws the trials' settings: independent uniform draws, or the points of a scrambled
 * Halton sequence (low-discrepancy: the trials cover the space more evenly). */
typedef enum { MLP_TUNE_SAMPLER_RANDOM, MLP_TUNE_SAMPLER_HALTON } mlp_tune_sampler;

/* A tune as `mlp tune` runs it: configurations drawn from a search space on top of a config,
 * each trial a child process `PROGRAM train ...` (so the library needs the mlp executable), up
 * to `jobs` at once, under asynchronous successive halving or random search. Writes OUT_DIR as
 * the command does: trial-NNN/ run folders and logs, results.md, results.csv, results.json (the
 * settings, rungs and ranked trials) and best.ini (docs/tuning.md). */
typedef struct {
    const char *program;     /* the mlp executable the trials run (required) */
    const char *config;      /* the config file (required) */
    const char *space;       /* the search space file, or NULL and space_text */
    const char *space_text;  /* the search space itself (messages name it "space") */
    const char *const *sets; /* fixed overrides "section.key=value" for every trial */
    size_t num_sets;
    const char *out_dir; /* required */
    const char *budget;  /* new trials ("20") or a duration ("90s", "15m", "2h") (required) */
    size_t jobs;         /* trials at once; 0: 1 */
    uint64_t seed;       /* draws the trials */
    bool random_search;  /* every trial trains the config's epochs; else ASHA */
    size_t min_epochs;   /* ASHA's first rung; 0: 1 */
    size_t eta;          /* ASHA's reduction factor; 0: 3 */
    mlp_tune_sampler sampler;
    mlp_tune_metric metric;
    /* Set to non-zero (by another thread or a signal handler): no step starts any more, and the
     * running ones are waited for. With interrupt_trials, each trial runs in a process group of
     * its own (the terminal's Ctrl-C does not reach it) and is sent SIGINT once *stop is set
     * (it stops at its next step, keeping a checkpoint); without, the trials are expected to get
     * the terminal's Ctrl-C themselves, as under `mlp tune`. */
    const volatile int *stop;
    bool interrupt_trials;
    /* A progress line (no newline), e.g. "done   trial-003 rung 1 (3 epochs, 0.4 s): ...". */
    void (*on_event)(void *context, const char *line);
    void *context;
} mlp_tune_spec;

typedef struct {
    size_t trials;       /* trials started */
    size_t failed_steps; /* steps that failed */
    double total_epochs; /* epochs trained by all trials together */
    double seconds;
    long best; /* the best trial: OUT_DIR/trial-NNN with NNN = best + 1 */
    int best_rung;
    double best_epochs, best_val_accuracy, best_val_loss;
} mlp_tune_result;

/* Runs the tune. The budget, space and config are checked before anything runs (MLP_ERR_ARGUMENT
 * naming the fault; a file that cannot be read MLP_ERR_IO); MLP_ERR_STATE when no trial finished
 * a step. A stopped tune still writes the results of the steps that finished. *markdown (if not
 * NULL) receives the results table (release with mlp_free). */
mlp_status mlp_tune(const mlp_tune_spec *spec, mlp_tune_result *result, char **markdown,
                    mlp_error *err);

/* ==== Pictures =============================================================================== */
/* Owned by the pictures work (issue 5). */

/* Pictures are drawn with PLplot. The output format follows out_path's extension: ".png"
 * (pngcairo device) or ".svg" (svg device); any other extension is an MLP_ERR_ARGUMENT. The file
 * is written whole or not at all (temporary file, then rename). PLplot keeps global state, so the
 * library draws one picture at a time (calls from several threads wait for each other). */

typedef enum {
    MLP_PLOT_X_STEPS,  /* optimizer steps */
    MLP_PLOT_X_EPOCHS, /* epochs (fractional for rows logged every N steps) */
} mlp_plot_x_axis;

/* Settings shared by every picture; fields a picture does not use are ignored. */
typedef struct {
    size_t width, height;   /* pixels (points for SVG), 0 picks the picture's default */
    const char *title;      /* NULL picks a default title */
    mlp_plot_x_axis x_axis; /* curves: x axis of the loss panel (accuracy is against epochs) */
    bool shared_scale;      /* weight tiles: one colour scale for all tiles, else one per tile */
    size_t columns;         /* grids: tiles per row, 0 picks the layout that makes tiles largest */
} mlp_plot_options;

/* width/height 0, title NULL, loss against steps, one colour scale per tile, automatic grid. */
void mlp_plot_options_default(mlp_plot_options *options);

/* Learning curves from run folders (each holding metrics.csv) or sweep folders
 * (DIR/<combination>/<repeat>/metrics.csv): loss (train, validation) in one panel and accuracy
 * (train, validation) in the other; one line per run named after its folder, or one line per
 * combination with a band of mean +- standard deviation over its repeats. options may be NULL. */
mlp_status mlp_plot_curves(const char *const *run_dirs, size_t num_dirs,
                           const mlp_plot_options *options, const char *out_path, mlp_error *err);

/* The trials of a tune folder written by `mlp tune` (DIR/results.json, DIR/trial-NNN/metrics.csv):
 * validation accuracy and validation loss against epochs, one line per trial coloured by the
 * rung it stopped at, the best trial thick and black, the rungs' epochs as dashed vertical lines;
 * the tune's metric is the left panel. options may be NULL (default size 1200x700). */
mlp_status mlp_plot_tune(const char *tune_dir, const mlp_plot_options *options,
                         const char *out_path, mlp_error *err);

/* weights holds num_tiles rows of rows*cols floats (a dense layer's weight matrix [out, in] with
 * in = rows*cols): tile i shows unit i's incoming weights as a rows x cols image (row-major),
 * blue negative, white zero, red positive, with a colour bar. tile_names (NULL: unit numbers
 * when the tiles are large enough) labels the tiles, e.g. class names for class templates. */
mlp_status mlp_plot_weight_tiles(const float *weights, size_t num_tiles, size_t rows, size_t cols,
                                 const char *const *tile_names, const mlp_plot_options *options,
                                 const char *out_path, mlp_error *err);

/* counts[t * num_classes + p] = samples of true class t predicted as p. Cells are coloured by
 * their share of the true class (the row) and show their count. class_names may be NULL. */
mlp_status mlp_plot_confusion(const uint64_t *counts, size_t num_classes,
                              const char *const *class_names, const mlp_plot_options *options,
                              const char *out_path, mlp_error *err);

typedef struct {
    const float *pixels; /* rows*cols values, row-major, drawn from black (min) to white (max) */
    int32_t predicted;   /* predicted class, 0..num_classes-1 */
    int32_t truth;       /* true class, or -1 when unknown */
    float confidence;    /* probability of the predicted class, or NaN when unknown */
} mlp_plot_sample;

/* A grid of sample images, each captioned with its predicted and true class (and confidence);
 * wrong predictions are framed and captioned in red, right ones captioned in green. */
mlp_status mlp_plot_samples(const mlp_plot_sample *samples, size_t num_samples, size_t rows,
                            size_t cols, const char *const *class_names, size_t num_classes,
                            const mlp_plot_options *options, const char *out_path, mlp_error *err);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif
