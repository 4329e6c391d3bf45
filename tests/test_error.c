#include "harness.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>

static void test_fail_formats_message_and_returns_status(void) {
    mlp_error err;
    mlp_status s = mlp_fail(&err, MLP_ERR_FORMAT, "%s: byte %d: bad magic", "x.idx", 3);
    CHECK(s == MLP_ERR_FORMAT);
    CHECK(err.status == MLP_ERR_FORMAT);
    CHECK(strcmp(err.message, "x.idx: byte 3: bad magic") == 0);
    CHECK(mlp_fail(NULL, MLP_ERR_IO, "ignored") == MLP_ERR_IO);
    CHECK(mlp_ok(&err) == MLP_OK && err.message[0] == '\0');
}

static void test_long_message_is_truncated_not_overflowed(void) {
    mlp_error err;
    char big[2 * MLP_ERROR_MESSAGE_SIZE];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    mlp_fail(&err, MLP_ERR_IO, "%s", big);
    CHECK(strlen(err.message) == MLP_ERROR_MESSAGE_SIZE - 1);
}

static void test_overflowing_sizes_are_refused(void) {
    size_t out = 7;
    CHECK(mlp_mul_overflows(SIZE_MAX / 2 + 1, 2, &out));
    CHECK(out == 7);
    CHECK(!mlp_mul_overflows(1u << 20, 1u << 10, &out) && out == (size_t)1 << 30);
    mlp_error err;
    CHECK(mlp_calloc(SIZE_MAX / 4, 8, &err) == NULL && err.status == MLP_ERR_MEMORY);
    mlp_ok(&err);
    CHECK(mlp_calloc_lines(SIZE_MAX / 4, 8, &err) == NULL && err.status == MLP_ERR_MEMORY);
}

/* Line-aligned blocks come zeroed and start on a 64-byte boundary, whatever their size (zero
 * included: a pointer free accepts). */
static void test_line_aligned_allocations(void) {
    mlp_error err;
    size_t sizes[] = {0, 1, 3, 17, 1000, 200000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = mlp_calloc_lines(sizes[i], 4, &err);
        CHECK_MSG(p && (uintptr_t)p % 64 == 0, "%zu floats: %p", sizes[i], (void *)p);
        size_t nonzero = 0;
        for (size_t b = 0; p && b < sizes[i] * 4; b++)
            nonzero += p[b] != 0;
        CHECK_MSG(nonzero == 0, "%zu floats: %zu bytes not zero", sizes[i], nonzero);
        free(p);
    }
}

static void test_every_status_has_a_name(void) {
    for (int s = MLP_OK; s <= MLP_ERR_INTERRUPTED; s++)
        CHECK(strcmp(mlp_status_string((mlp_status)s), "unknown status") != 0);
}

int main(void) {
    RUN_TEST(test_fail_formats_message_and_returns_status);
    RUN_TEST(test_long_message_is_truncated_not_overflowed);
    RUN_TEST(test_overflowing_sizes_are_refused);
    RUN_TEST(test_line_aligned_allocations);
    RUN_TEST(test_every_status_has_a_name);
    return harness_finish();
}
