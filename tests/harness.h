/* A minimal test harness: each tests/test_*.c is one program whose main() runs its tests with
 * RUN_TEST and returns harness_finish(). A failed CHECK reports file:line and ends that test;
 * tests/run.sh adds the per-program counts into the final "N passed, N failed" line. */
#ifndef MLP_TEST_HARNESS_H
#define MLP_TEST_HARNESS_H

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_passed, harness_failed, harness_skipped;
static jmp_buf harness_jump;
static int harness_outcome; /* 0 pass, 1 fail, 2 skip */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
            harness_outcome = 1;                                                                   \
            longjmp(harness_jump, 1);                                                              \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);             \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            harness_outcome = 1;                                                                   \
            longjmp(harness_jump, 1);                                                              \
        }                                                                                          \
    } while (0)

/* |a - b| <= tol * max(1, |a|, |b|): relative for large values, absolute near zero. */
#define CHECK_CLOSE(a, b, tol)                                                                     \
    do {                                                                                           \
        double ca_ = (double)(a), cb_ = (double)(b);                                               \
        double scale_ = fmax(1.0, fmax(fabs(ca_), fabs(cb_)));                                     \
        CHECK_MSG(fabs(ca_ - cb_) <= (tol)*scale_, "%s = %.9g, %s = %.9g, tol %g", #a, ca_, #b,    \
                  cb_, (double)(tol));                                                             \
    } while (0)

#define SKIP(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "  skipped: ");                                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        harness_outcome = 2;                                                                       \
        longjmp(harness_jump, 1);                                                                  \
    } while (0)

static void harness_run(const char *name, void (*test)(void)) {
    harness_outcome = 0;
    if (setjmp(harness_jump) == 0) test();
    const char *word = harness_outcome == 0 ? "PASS" : harness_outcome == 1 ? "FAIL" : "SKIP";
    printf("%s %s\n", word, name);
    fflush(stdout);
    if (harness_outcome == 0)
        harness_passed++;
    else if (harness_outcome == 1)
        harness_failed++;
    else
        harness_skipped++;
}

#define RUN_TEST(fn) harness_run(#fn, fn)

static int harness_finish(void) {
    printf("%d passed, %d failed, %d skipped\n", harness_passed, harness_failed, harness_skipped);
    return harness_failed ? 1 : 0;
}

#endif
