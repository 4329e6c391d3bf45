/* Command-line options shared by the picture commands (mlp plot, mlp show). */
#ifndef MLP_CLI_PICTURE_ARGS_H
#define MLP_CLI_PICTURE_ARGS_H

#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>

/* Parses "AxB" with positive integers (a picture size 1200x800, an image shape 28x28). */
bool picture_parse_pair(const char *text, size_t *a, size_t *b);

/* Takes the option at argv[*i] if it is one of --title TEXT, --size WxH or --columns N (advancing
 * *i past its value): returns 1 when taken, 0 when argv[*i] is another argument, or prints a usage
 * error for `command` and returns -1. */
int picture_option(const char *command, int argc, char **argv, int *i, mlp_plot_options *options);

#endif
