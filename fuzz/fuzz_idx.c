/* libFuzzer target for the IDX reader: images alone, images with the same file as labels, and a
 * limit. */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const forms[] = {"%s,format=idx", "%s,%s,format=idx",
                                        "%s,format=idx,limit=1"};
    return fuzz_load_forms(data, size, "fuzz_idx", forms, sizeof forms / sizeof *forms);
}
