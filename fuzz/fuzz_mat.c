/* libFuzzer target for the .mat reader: the default variables, named ones in columns, test_x. */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const forms[] = {"%s,format=mat", "%s,format=mat,x=a,y=b,samples=cols",
                                        "%s,format=mat,x=test_x"};
    return fuzz_load_forms(data, size, "fuzz_mat", forms, sizeof forms / sizeof *forms);
}
