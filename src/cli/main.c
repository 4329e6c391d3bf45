/* The mlp command: dispatches `mlp COMMAND ...` to the subcommands listed in commands.h.
 * Exit codes: 0 success, 1 runtime error, 2 usage error. */
#include "cli/commands.h"
#include "mlp.h"

#include <stdio.h>
#include <string.h>

#define MLP_COMMAND_ENTRY(name, summary) {#name, cmd_##name, summary},
static const mlp_command commands[] = {MLP_COMMANDS(MLP_COMMAND_ENTRY){NULL, NULL, NULL}};
#undef MLP_COMMAND_ENTRY

static void print_usage(FILE *out) {
    fputs("usage: mlp [--version] [--help] COMMAND [ARGS...]\n"
          "       mlp COMMAND --help\n\ncommands:\n",
          out);
    for (const mlp_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\nexit codes: 0 success, 1 runtime error, 2 usage error\n", out);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("mlp %s\n", MLP_VERSION);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return EXIT_OK;
    }
    for (const mlp_command *c = commands; c->name; c++)
        if (strcmp(argv[1], c->name) == 0) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "mlp: unknown command '%s' (see mlp --help)\n", argv[1]);
    return EXIT_USAGE;
}
