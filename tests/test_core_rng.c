/* The PCG32 generator: reference output, ranges, rough distribution, shuffles. */
#include "core/rng.h"
#include "harness.h"
#include "mlp.h"

#include <stdint.h>

/* pcg32-demo from pcg-random.org: pcg32_srandom_r(&rng, 42, 54) then pcg32_random_r. */
static void test_rng_matches_reference_pcg32(void) {
    mlp_rng rng;
    mlp_rng_seed(&rng, 42, 54);
    const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                 0x83d2f293, 0xbfa4784b, 0xcbed606e};
    for (size_t i = 0; i < 6; i++)
        CHECK(mlp_rng_u32(&rng) == expected[i]);
}

static void test_rng_streams_differ_and_repeat(void) {
    mlp_rng a, b, c;
    mlp_rng_seed(&a, 7, 1);
    mlp_rng_seed(&b, 7, 2);
    mlp_rng_seed(&c, 7, 1);
    int same_ab = 0;
    for (int i = 0; i < 100; i++) {
        uint32_t va = mlp_rng_u32(&a);
        same_ab += va == mlp_rng_u32(&b);
        CHECK(va == mlp_rng_u32(&c));
    }
    CHECK(same_ab < 3);
}

static void test_rng_below_in_range_and_even(void) {
    mlp_rng rng;
    mlp_rng_seed(&rng, 1, 0);
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint32_t v = mlp_rng_below(&rng, 7);
        CHECK(v < 7);
        counts[v]++;
    }
    for (int i = 0; i < 7; i++)
        CHECK(counts[i] > 9500 && counts[i] < 10500);
    CHECK(mlp_rng_below(&rng, 1) == 0);
    CHECK(mlp_rng_below(&rng, 0) == 0); /* out of contract, but no division by zero */
}

static void test_rng_uniform_and_normal_moments(void) {
    mlp_rng rng;
    mlp_rng_seed(&rng, 3, 0);
    double sum = 0, sum_sq = 0, n_sum = 0, n_sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        float u = mlp_rng_uniform(&rng);
        CHECK(u >= 0.0f && u < 1.0f);
        sum += u;
        sum_sq += (double)u * u;
        float z = mlp_rng_normal(&rng);
        CHECK(isfinite(z));
        n_sum += z;
        n_sq += (double)z * z;
    }
    CHECK_CLOSE(sum / n, 0.5, 0.01);
    CHECK_CLOSE(sum_sq / n - (sum / n) * (sum / n), 1.0 / 12, 0.01);
    CHECK_CLOSE(n_sum / n, 0.0, 0.01);
    CHECK_CLOSE(n_sq / n, 1.0, 0.02);
}

static void test_rng_shuffle_is_a_permutation(void) {
    mlp_rng rng;
    mlp_rng_seed(&rng, 5, 0);
    uint32_t idx[100];
    for (uint32_t i = 0; i < 100; i++)
        idx[i] = i;
    mlp_rng_shuffle(&rng, idx, 100);
    int seen[100] = {0}, moved = 0;
    for (uint32_t i = 0; i < 100; i++) {
        CHECK(idx[i] < 100);
        seen[idx[i]]++;
        moved += idx[i] != i;
    }
    for (int i = 0; i < 100; i++)
        CHECK(seen[i] == 1);
    CHECK(moved > 80);
    mlp_rng_shuffle(&rng, idx, 0); /* no-op, no crash */
    mlp_rng_shuffle(&rng, NULL, 5);
}

/* core_rng_advance(k) leaves the state k draws on, in one jump or in pieces. */
static void test_rng_advance_equals_draws(void) {
    const uint64_t steps[] = {0, 1, 2, 3, 7, 64, 1000, 65537};
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        mlp_rng drawn, jumped;
        mlp_rng_seed(&drawn, 42, 54 + s);
        jumped = drawn;
        for (uint64_t i = 0; i < steps[s]; i++)
            mlp_rng_u32(&drawn);
        core_rng_advance(&jumped, steps[s]);
        CHECK_MSG(drawn.state == jumped.state && drawn.increment == jumped.increment, "%llu steps",
                  (unsigned long long)steps[s]);
        CHECK(mlp_rng_u32(&drawn) == mlp_rng_u32(&jumped));
    }
    mlp_rng a, b;
    mlp_rng_seed(&a, 7, 3);
    b = a;
    core_rng_advance(&a, 123456789);
    core_rng_advance(&b, 123456000);
    core_rng_advance(&b, 789);
    CHECK(a.state == b.state);
}

int main(void) {
    RUN_TEST(test_rng_matches_reference_pcg32);
    RUN_TEST(test_rng_streams_differ_and_repeat);
    RUN_TEST(test_rng_below_in_range_and_even);
    RUN_TEST(test_rng_uniform_and_normal_moments);
    RUN_TEST(test_rng_shuffle_is_a_permutation);
    RUN_TEST(test_rng_advance_equals_draws);
    return harness_finish();
}
