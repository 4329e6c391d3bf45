#include "cli/cli_common.h"

#include "io/folders.h"
#include "util/error.h"

#include <cblas-openblas.h>
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

bool cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

const char *cli_option(int argc, char **argv, int *i, const char *name, bool *missing) {
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

void cli_set_threads(int threads) {
    if (threads > 0) openblas_set_num_threads(threads);
}
