#include "harness.h"
#include "util/error.h"

#include <stdint.h>

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
}

static void test_every_status_has_a_name(void) {
    for (int s = MLP_OK; s <= MLP_ERR_INTERRUPTED; s++)
        CHECK(strcmp(mlp_status_string((mlp_status)s), "unknown status") != 0);
}

int main(void) {
    RUN_TEST(test_fail_formats_message_and_returns_status);
    RUN_TEST(test_long_message_is_truncated_not_overflowed);
    RUN_TEST(test_overflowing_sizes_are_refused);
    RUN_TEST(test_every_status_has_a_name);
    return harness_finish();
}
