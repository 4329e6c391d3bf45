#include "cli/cli_common.h"

#include "io/folders.h"
#include "util/error.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_fail(const char *command, const mlp_error *err) {
    fprintf(stderr, "mlp %s: %s\n", command,
            err->message[0] ? err->message : mlp_status_string(err->status));
    return 1;
}

int cli_usage(const char *command, const char *format, ...) {
    fprintf(stderr, "mlp %s: ", command);
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\n(see mlp %s --help)\n", command);
    return 2;
}

/* True for -h and --help. */
static bool cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* The value of option `name` at argv[*i] ("--name VALUE" or "--name=VALUE"); advances *i past
 * it. NULL when argv[*i] is not that option; *missing is set when the value is absent. */
static const char *cli_option(int argc, char **argv, int *i, const char *name, bool *missing) {
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0) return NULL;
    if (arg[n] == '=') return arg + n + 1;
    if (arg[n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    *i += 1;
    return argv[*i];
}

static bool texts_push(cli_texts *texts, char *text) {
    char **items = realloc(texts->items, (texts->count + 1) * sizeof *items);
    if (!items) return false;
    items[texts->count++] = text;
    texts->items = items;
    return true;
}

/* Stores the value v of option o; 0 or a usage error. */
static int take_value(const char *command, const cli_option_spec *o, const char *v) {
    switch (o->kind) {
    case CLI_TEXT:
        *(const char **)o->target = v;
        return 0;
    case CLI_TEXTS:
        return texts_push(o->target, (char *)v) ? 0 : cli_usage(command, "out of memory");
    case CLI_COUNT: {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (v[0] < '0' || v[0] > '9' || *end || errno || n < o->min || n > o->max) {
            if (o->max == SIZE_MAX)
                return cli_usage(command, "%s '%s': expected a whole number from %zu", o->name, v,
                                 o->min);
            return cli_usage(command, "%s '%s': expected a whole number from %zu to %zu", o->name,
                             v, o->min, o->max);
        }
        *(size_t *)o->target = (size_t)n;
        return 0;
    }
    case CLI_FLAG:
        break;
    }
    *(bool *)o->target = true;
    return 0;
}

int cli_parse(const char *command, const char *usage, int argc, char **argv,
              const cli_option_spec *options, size_t num_options, cli_texts *positional) {
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        if (cli_is_help(arg)) {
            fputs(usage, stdout);
            return CLI_HELP;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            if (!texts_push(positional, arg)) return cli_usage(command, "out of memory");
            continue;
        }
        const cli_option_spec *o = NULL;
        const char *v = NULL;
        bool missing = false;
        for (size_t k = 0; k < num_options && !o && !missing; k++) {
            const cli_option_spec *c = &options[k];
            if (c->kind == CLI_FLAG) {
                if (strcmp(arg, c->name) == 0 || (c->alias && strcmp(arg, c->alias) == 0)) o = c;
            } else if ((v = cli_option(argc, argv, &i, c->name, &missing)) ||
                       (!missing && c->alias &&
                        (v = cli_option(argc, argv, &i, c->alias, &missing)))) {
                o = c;
            }
        }
        if (missing) return cli_usage(command, "%s needs a value", arg);
        if (!o) return cli_usage(command, "unknown option '%s'", arg);
        int code = take_value(command, o, v);
        if (code != 0) return code;
    }
    return 0;
}

mlp_status cli_model_path(const char *arg, char path[PATH_MAX], mlp_error *err) {
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return mlp_path_join(path, arg, "last.safetensors", err);
    if (strlen(arg) >= PATH_MAX)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: the path is longer than %d bytes", arg,
                        PATH_MAX - 1);
    strcpy(path, arg);
    return MLP_OK;
}

static volatile int interrupted;

static void on_signal(int sig) {
    if (interrupted) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    interrupted = 1;
}

const volatile int *cli_catch_interrupts(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    return &interrupted;
}
