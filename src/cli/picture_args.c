#include "cli/picture_args.h"

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

int picture_size(const char *command, const char *size_text, mlp_plot_options *options) {
    if (size_text && !picture_parse_pair(size_text, &options->width, &options->height))
        return cli_usage(command, "--size %s: expected WIDTHxHEIGHT, e.g. 1200x800", size_text);
    return 0;
}
