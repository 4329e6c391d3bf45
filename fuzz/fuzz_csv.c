/* libFuzzer target for the CSV reader: header detection, a label column by index, no labels. */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const forms[] = {"%s,format=csv", "%s,format=csv,label=0,header=no",
                                        "%s,format=csv,label=none,header=yes"};
    return fuzz_load_forms(data, size, "fuzz_csv", forms, sizeof forms / sizeof *forms);
}
