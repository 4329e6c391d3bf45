/* Helpers shared by the subcommands: error and usage messages with the right exit code, option
 * matching, model paths, and the Ctrl-C flag. */
#ifndef MLP_CLI_CLI_COMMON_H
#define MLP_CLI_CLI_COMMON_H

#include "mlp.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Prints "mlp COMMAND: MESSAGE" for a failed library call; returns 1 (runtime error). */
int cli_fail(const char *command, const mlp_error *err);

/* Prints "mlp COMMAND: MESSAGE" and a pointer to --help; returns 2 (usage error). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int cli_usage(const char *command, const char *format, ...);

/* True for -h and --help. */
bool cli_is_help(const char *arg);

/* The value of option `name` at argv[*i] ("--name VALUE" or "--name=VALUE"); advances *i past
 * it. NULL when argv[*i] is not that option; *missing is set when the value is absent. */
const char *cli_option(int argc, char **argv, int *i, const char *name, bool *missing);

/* The file of a model argument: a safetensors file, or a run folder (its last.safetensors). */
mlp_status cli_model_path(const char *arg, char path[PATH_MAX], mlp_error *err);

/* Installs a SIGINT/SIGTERM handler that sets the returned flag (the first signal asks the
 * trainer to stop cleanly; a second one ends the process at once). */
const volatile int *cli_catch_interrupts(void);

/* Sets the OpenBLAS thread count (0: leave the default). */
void cli_set_threads(int threads);

#endif
