#include "support/blocks_seen.h"

#include <stdlib.h>
#include <string.h>

bool blocks_seen_init(blocks_seen *seen, const float *c, const float *want, size_t m, size_t n) {
    seen->c = c, seen->want = want, seen->m = m, seen->n = n;
    size_t count = m * n > 0 ? m * n : 1;
    seen->counts = malloc(count * sizeof *seen->counts);
    for (size_t i = 0; seen->counts && i < m * n; i++)
        atomic_init(&seen->counts[i], 0);
    atomic_init(&seen->early, 0);
    atomic_init(&seen->outside, 0);
    atomic_init(&seen->rows_only, 0);
    atomic_init(&seen->columns_only, 0);
    atomic_init(&seen->neither, 0);
    return seen->counts != NULL;
}

void blocks_seen_free(blocks_seen *seen) {
    free(seen->counts);
    seen->counts = NULL;
}

void blocks_seen_note(void *arg, size_t i0, size_t i1, size_t j0, size_t j1) {
    blocks_seen *seen = arg;
    if (i0 > i1 || j0 > j1 || i1 > seen->m || j1 > seen->n) {
        atomic_fetch_add(&seen->outside, 1);
        return;
    }
    bool rows = j0 == 0 && j1 == seen->n, columns = i0 == 0 && i1 == seen->m;
    if (rows != columns) atomic_fetch_add(rows ? &seen->rows_only : &seen->columns_only, 1);
    if (!rows && !columns) atomic_fetch_add(&seen->neither, 1);
    for (size_t i = i0; i < i1; i++) {
        size_t at = i * seen->n + j0;
        for (size_t j = j0; j < j1; j++)
            atomic_fetch_add(&seen->counts[i * seen->n + j], 1);
        if (memcmp(seen->c + at, seen->want + at, (j1 - j0) * sizeof(float)) != 0)
            atomic_fetch_add(&seen->early, 1);
    }
}

bool blocks_seen_each_once(const blocks_seen *seen) {
    if (atomic_load(&seen->early) || atomic_load(&seen->outside) || atomic_load(&seen->neither))
        return false;
    if (atomic_load(&seen->rows_only) && atomic_load(&seen->columns_only)) return false;
    for (size_t i = 0; i < seen->m * seen->n; i++)
        if (atomic_load(&seen->counts[i]) != 1) return false;
    return true;
}
