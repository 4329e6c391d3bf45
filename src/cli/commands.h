/* The subcommands of the mlp command. Each lives in its own file src/cli/cmd_NAME.c, takes the
 * arguments after its name (argv[0] is the command name) and returns the exit code:
 * 0 success, 1 runtime error, 2 usage error. */
#ifndef MLP_CLI_COMMANDS_H
#define MLP_CLI_COMMANDS_H

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef int (*mlp_command_fn)(int argc, char **argv);

typedef struct {
    const char *name;
    mlp_command_fn run;
    const char *summary;
} mlp_command;

/* One line per command, kept in alphabetical order: COMMAND(name, "summary"). */
#define MLP_COMMANDS(COMMAND)                                                                      \
    COMMAND(data, "describe a data source: format, samples, shape, values, classes")               \
    COMMAND(eval, "evaluate a model on labelled data: loss, accuracy, per-class table, confusion") \
    COMMAND(export, "write a model as ONNX or as dependency-free C source (float or int8)")        \
    COMMAND(gradcheck, "check backpropagation against finite differences for a config's network")  \
    COMMAND(info, "show a model's architecture, classes and training metadata")                    \
    COMMAND(plot, "draw learning curves of runs and sweeps (PNG or SVG)")                          \
    COMMAND(predict, "write a model's predictions as a submission CSV")                            \
    COMMAND(show, "pictures of a model: weight tiles, confusion matrix, sample predictions")       \
    COMMAND(sweep, "train every combination of a grid of settings, repeated; tabulate results")    \
    COMMAND(train, "train a network from a config file, or resume a run")                          \
    COMMAND(tune, "search a space of settings for the best config (ASHA or random search)")

#define MLP_DECLARE_COMMAND(name, summary) int cmd_##name(int argc, char **argv);
MLP_COMMANDS(MLP_DECLARE_COMMAND)
#undef MLP_DECLARE_COMMAND

#endif
