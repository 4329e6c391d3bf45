/* The mlp command: dispatches `mlp COMMAND ...` to the command files in src/cli/.
 * Exit codes: 0 success, 1 runtime error, 2 usage error. */
#include "mlp.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: mlp [--version] [--help] COMMAND [ARGS...]\n";

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("mlp %s\n", MLP_VERSION);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    fputs(usage, stderr);
    return 2;
}
