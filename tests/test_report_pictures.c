/* Weight tiles, confusion matrices and sample grids drawn from plain arrays: sizes, not blank,
 * clear errors, and pictures drawn from two threads at once (PLplot's state is serialised). */
#include "report/plot_draw.h"
#include "report_check.h"

#include <pthread.h>

static float weights[200 * 784];

/* Smooth signed blobs, different in each tile. */
static void fill_weights(void) {
    for (size_t u = 0; u < 200; u++)
        for (size_t r = 0; r < 28; r++)
            for (size_t c = 0; c < 28; c++) {
                double d = ((double)r - 14) * ((double)r - 14) +
                           ((double)c - 5 - u % 18) * ((double)c - 5 - u % 18);
                weights[u * 784 + r * 28 + c] = (float)(exp(-d / 30) * cos(0.5 * (double)(c + u)));
            }
}

static void path_in(char *out, size_t size, const char *dir, const char *name) {
    snprintf(out, size, "%s/%s", dir, name);
}

static void test_weight_tiles_grid_and_templates(void) {
    char dir[64], out[128];
    make_temp_dir(dir, sizeof dir);
    fill_weights();
    mlp_error err;
    path_in(out, sizeof out, dir, "tiles.png");
    CHECK_MSG(mlp_plot_weight_tiles(weights, 200, 28, 28, NULL, NULL, out, &err) == MLP_OK, "%s",
              err.message);
    check_png(out, 1200, 800, 16); /* diverging shades */
    const char *names[10] = {"zero", "one", "two",   "three", "four",
                             "five", "six", "seven", "eight", "nine"};
    mlp_plot_options options;
    mlp_plot_options_default(&options);
    options.shared_scale = true;
    options.columns = 5;
    options.width = 1000;
    options.height = 500;
    path_in(out, sizeof out, dir, "templates.png");
    CHECK_MSG(mlp_plot_weight_tiles(weights, 10, 28, 28, names, &options, out, &err) == MLP_OK,
              "%s", err.message);
    check_png(out, 1000, 500, 16);
    path_in(out, sizeof out, dir, "templates.svg");
    CHECK_MSG(mlp_plot_weight_tiles(weights, 10, 28, 28, names, &options, out, &err) == MLP_OK,
              "%s", err.message);
    CHECK(file_exists(out));
    remove_tree(dir);
}

static void test_weight_tiles_bad_input(void) {
    char dir[64], out[128];
    make_temp_dir(dir, sizeof dir);
    path_in(out, sizeof out, dir, "t.png");
    mlp_error err;
    CHECK(mlp_plot_weight_tiles(weights, 0, 28, 28, NULL, NULL, out, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "got 0 tiles of 28x28") != NULL);
    float bad[4] = {0, 1, NAN, 2};
    CHECK(mlp_plot_weight_tiles(bad, 1, 2, 2, NULL, NULL, out, &err) == MLP_ERR_NUMERIC);
    CHECK_MSG(strstr(err.message, "tile 0, pixel (1, 0) is nan") != NULL, "%s", err.message);
    path_in(out, sizeof out, dir, "t.gif");
    CHECK(mlp_plot_weight_tiles(weights, 1, 28, 28, NULL, NULL, out, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "t.gif: unknown picture format") != NULL);
    CHECK(!file_exists(out));
    remove_tree(dir);
}

static void test_confusion_matrix(void) {
    char dir[64], out[128];
    make_temp_dir(dir, sizeof dir);
    uint64_t counts[26 * 26];
    for (size_t k = 3; k <= 26; k += 23) {
        for (size_t t = 0; t < k; t++)
            for (size_t p = 0; p < k; p++)
                counts[t * k + p] = t == p ? 90 + t : (t + 2 * p) % 7;
        counts[1 * k + 1] = 0; /* an empty cell */
        mlp_error err;
        path_in(out, sizeof out, dir, k == 3 ? "c3.png" : "c26.png");
        const char *names[3] = {"cat", "dog", "bird"};
        CHECK_MSG(mlp_plot_confusion(counts, k, k == 3 ? names : NULL, NULL, out, &err) == MLP_OK,
                  "%s", err.message);
        check_png(out, 1000, 900, 8);
    }
    uint64_t zero[4] = {0, 0, 0, 0}; /* no samples: drawn, all white cells */
    mlp_error err;
    CHECK(mlp_plot_confusion(zero, 2, NULL, NULL, out, &err) == MLP_OK);
    CHECK(mlp_plot_confusion(counts, 0, NULL, NULL, out, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "got 0") != NULL);
    remove_tree(dir);
}

/* Names are drawn as they are: PLplot's escape character '#' doubled ("#u" would raise the rest
 * of "lr#up" as a superscript), cut to fit without splitting a doubled '#'. */
static void test_text_drawn_literally(void) {
    char out[16];
    CHECK(strcmp(plot_literal("lr#up 50% a_b", out, sizeof out), "lr##up 50% a_b") == 0);
    CHECK(strcmp(plot_literal("##", out, sizeof out), "####") == 0);
    CHECK(strcmp(plot_literal("", out, sizeof out), "") == 0);
    CHECK(strcmp(plot_literal("abcdefghijklm#n", out, sizeof out), "abcdefghijklm##") == 0);
    CHECK(strcmp(plot_literal("abcdefghijklmn#o", out, sizeof out), "abcdefghijklmn") == 0);
    CHECK(strcmp(plot_literal("abc", out, 1), "") == 0);
    /* A picture with such names draws. */
    char dir[64], path[128];
    make_temp_dir(dir, sizeof dir);
    path_in(path, sizeof path, dir, "escapes.png");
    uint64_t counts[4] = {5, 1, 2, 7};
    const char *names[2] = {"a#u1", "b#d#"};
    mlp_plot_options options;
    mlp_plot_options_default(&options);
    options.title = "run#g 1";
    mlp_error err;
    CHECK_MSG(mlp_plot_confusion(counts, 2, names, &options, path, &err) == MLP_OK, "%s",
              err.message);
    check_png(path, 1000, 900, 8);
    remove_tree(dir);
}

static void test_sample_grid(void) {
    char dir[64], out[128];
    make_temp_dir(dir, sizeof dir);
    fill_weights();
    mlp_plot_sample samples[12];
    for (int i = 0; i < 12; i++)
        samples[i] = (mlp_plot_sample){weights + i * 784, i % 3, i % 4 == 0 ? (i + 1) % 3 : i % 3,
                                       0.5f + 0.04f * (float)i};
    samples[11].truth = -1;       /* unlabelled */
    samples[10].confidence = NAN; /* no probability */
    const char *names[3] = {"cat", "dog", "bird"};
    mlp_error err;
    path_in(out, sizeof out, dir, "samples.png");
    CHECK_MSG(mlp_plot_samples(samples, 12, 28, 28, names, 3, NULL, out, &err) == MLP_OK, "%s",
              err.message);
    check_png(out, 1200, 800, 16);
    /* Wrong ones are framed in red (210, 20, 20): the colour is in the picture. */
    image_rgb image;
    CHECK(image_png_read(&image, out, &err) == MLP_OK);
    size_t red = 0;
    for (size_t i = 0; i < image.width * image.height; i++) {
        const unsigned char *p = image.rgb + 3 * i;
        red += p[0] == 210 && p[1] == 20 && p[2] == 20;
    }
    image_rgb_free(&image);
    CHECK_MSG(red > 100, "%zu red pixels", red);
    samples[3].predicted = 3;
    CHECK(mlp_plot_samples(samples, 12, 28, 28, names, 3, NULL, out, &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "sample 3: predicted class 3") != NULL, "%s", err.message);
    remove_tree(dir);
}

typedef struct {
    char path[128];
    mlp_status status;
} draw_job;

static void *draw_tiles(void *arg) {
    draw_job *job = arg;
    mlp_error err;
    job->status = mlp_plot_weight_tiles(weights, 50, 28, 28, NULL, NULL, job->path, &err);
    return NULL;
}

static void test_two_threads_draw_in_turn(void) {
    char dir[64];
    make_temp_dir(dir, sizeof dir);
    fill_weights();
    draw_job jobs[2];
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        snprintf(jobs[i].path, sizeof jobs[i].path, "%s/thread-%d.png", dir, i);
        CHECK(pthread_create(&threads[i], NULL, draw_tiles, &jobs[i]) == 0);
    }
    for (int i = 0; i < 2; i++)
        CHECK(pthread_join(threads[i], NULL) == 0);
    for (int i = 0; i < 2; i++) {
        CHECK(jobs[i].status == MLP_OK);
        check_png(jobs[i].path, 1200, 800, 16);
    }
    remove_tree(dir);
}

int main(void) {
    RUN_TEST(test_weight_tiles_grid_and_templates);
    RUN_TEST(test_weight_tiles_bad_input);
    RUN_TEST(test_confusion_matrix);
    RUN_TEST(test_text_drawn_literally);
    RUN_TEST(test_sample_grid);
    RUN_TEST(test_two_threads_draw_in_turn);
    return harness_finish();
}
