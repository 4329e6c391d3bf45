#include "support/rows_seen.h"

#include <string.h>

void rows_seen_reset(rows_seen *seen, const float *c, const float *want, size_t n) {
    for (size_t i = 0; i < ROWS_SEEN_MAX; i++)
        atomic_init(&seen->rows[i], 0);
    atomic_init(&seen->early, 0);
    seen->c = c, seen->want = want, seen->n = n;
}

void rows_seen_note(void *arg, size_t begin, size_t end) {
    rows_seen *seen = arg;
    for (size_t i = begin; i < end; i++) {
        atomic_fetch_add(&seen->rows[i], 1);
        if (memcmp(seen->c + i * seen->n, seen->want + i * seen->n, seen->n * sizeof(float)) != 0)
            atomic_fetch_add(&seen->early, 1);
    }
}
