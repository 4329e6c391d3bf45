/* Command-line options shared by the picture commands (mlp plot, mlp show). */
#ifndef MLP_CLI_PICTURE_ARGS_H
#define MLP_CLI_PICTURE_ARGS_H

#include "cli/cli_common.h"
#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses "AxB" with positive integers (a picture size 1200x800, an image shape 28x28). */
bool picture_parse_pair(const char *text, size_t *a, size_t *b);

/* The cli_parse entries of --title TEXT, --size WxH and --columns N: the title and the columns
 * go into *options, the text of --size into size_text (checked by picture_size). */
#define PICTURE_OPTIONS(options, size_text)                                                        \
    {"--title", NULL, CLI_TEXT, &(options)->title, 0, 0},                                          \
        {"--size", NULL, CLI_TEXT, &(size_text), 0, 0}, {                                          \
        "--columns", NULL, CLI_COUNT, &(options)->columns, 1, SIZE_MAX                             \
    }

/* Sets options' width and height from the text of --size (NULL: not given); 0, or a usage error
 * for `command` after printing it. */
int picture_size(const char *command, const char *size_text, mlp_plot_options *options);

#endif
