#include "cli/picture_args.h"

#include "cli/cli_common.h"

#include <stdlib.h>

bool picture_parse_pair(const char *text, size_t *a, size_t *b) {
    char *end;
    if (*text < '0' || *text > '9') return false;
    unsigned long first = strtoul(text, &end, 10);
    if (*end != 'x') return false;
    const char *rest = end + 1;
    if (*rest < '0' || *rest > '9') return false;
    unsigned long second = strtoul(rest, &end, 10);
    if (*end != '\0' || first == 0 || second == 0) return false;
    *a = first;
    *b = second;
    return true;
}

int picture_option(const char *command, int argc, char **argv, int *i, mlp_plot_options *options) {
    bool missing = false;
    const char *v;
    if ((v = cli_option(argc, argv, i, "--title", &missing))) {
        options->title = v;
    } else if ((v = cli_option(argc, argv, i, "--size", &missing))) {
        if (!picture_parse_pair(v, &options->width, &options->height)) {
            cli_usage(command, "--size %s: expected WIDTHxHEIGHT, e.g. 1200x800", v);
            return -1;
        }
    } else if ((v = cli_option(argc, argv, i, "--columns", &missing))) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (*v < '1' || *v > '9' || *end != '\0') {
            cli_usage(command, "--columns %s: expected a positive number", v);
            return -1;
        }
        options->columns = n;
    }
    if (missing) {
        cli_usage(command, "%s: missing value", argv[*i]);
        return -1;
    }
    return v ? 1 : 0;
}
