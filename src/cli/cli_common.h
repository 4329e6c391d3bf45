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

/* The options of a command, for cli_parse. */
typedef enum {
    CLI_TEXT,  /* --name VALUE: *(const char **)target, the last one given */
    CLI_TEXTS, /* --name VALUE, repeatable: appended to *(cli_texts *)target */
    CLI_FLAG,  /* --name: *(bool *)target = true */
    CLI_COUNT, /* --name N: *(size_t *)target, a whole number from min to max */
} cli_kind;

typedef struct {
    const char *name;  /* "--jobs" */
    const char *alias; /* "-j", or NULL */
    cli_kind kind;
    void *target;
    size_t min, max; /* CLI_COUNT */
} cli_option_spec;

/* Arguments given in order (pointers into argv); items is malloc'ed by cli_parse (free(items),
 * also after a failure). */
typedef struct {
    char **items;
    size_t count;
} cli_texts;

/* cli_parse's answer after -h or --help (the usage text has been printed to stdout). */
#define CLI_HELP (-1)

/* Parses argv[1..argc) for `command`: the options in options[] (with a value as "--name VALUE"
 * or "--name=VALUE"), anywhere; every other argument ("-" included) is appended to positional.
 * Returns 0, CLI_HELP, or 2 (a usage error) after printing the fault: an unknown option, a
 * missing value, a count out of range. */
int cli_parse(const char *command, const char *usage, int argc, char **argv,
              const cli_option_spec *options, size_t num_options, cli_texts *positional);

/* The file of a model argument: a safetensors file, or a run folder (its last.safetensors). */
mlp_status cli_model_path(const char *arg, char path[PATH_MAX], mlp_error *err);

/* Installs a SIGINT/SIGTERM handler that sets the returned flag (the first signal asks the
 * trainer to stop cleanly; a second one ends the process at once). */
const volatile int *cli_catch_interrupts(void);

#endif
