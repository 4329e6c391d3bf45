#include "report/plot_session.h"

#include "util/error.h"

#include <errno.h>
#include <plplot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLOT_MIN_SIDE 100
#define PLOT_MAX_SIDE 20000

/* PLplot's state is process-wide: this lock makes sure one picture is drawn at a time. The
 * warning buffer is only touched while the lock is held. */
static pthread_mutex_t plot_lock = PTHREAD_MUTEX_INITIALIZER;
static char plot_warning[256];

static void record_warning(PLCHAR_VECTOR message) {
    if (plot_warning[0] == '\0') snprintf(plot_warning, sizeof plot_warning, "%s", message);
}

/* Okabe-Ito palette (colour-blind safe) plus two greys. */
static const unsigned char series_rgb[PLOT_NUM_SERIES][3] = {
    {0, 114, 178},  {213, 94, 0},    {0, 158, 115}, {204, 121, 167}, {230, 159, 0},
    {86, 180, 233}, {120, 120, 120}, {0, 0, 0},     {170, 50, 50},   {100, 60, 160}};

int plot_series_color(size_t i) {
    return PLOT_SERIES + (int)(i % PLOT_NUM_SERIES);
}

int plot_band_color(size_t i) {
    return PLOT_BAND + (int)(i % PLOT_NUM_SERIES);
}

static const char *device_for(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return NULL;
    if (strcasecmp(dot, ".png") == 0) return "pngcairo";
    if (strcasecmp(dot, ".svg") == 0) return "svg";
    return NULL;
}

/* Naming a device PLplot does not have makes plinit ask for one on stdin: check first. */
static bool device_available(const char *device) {
    const char *menus[128], *names[128];
    const char **menu_list = menus, **name_list = names;
    int count = 128;
    plgDevs(&menu_list, &name_list, &count);
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], device) == 0) return true;
    return false;
}

static void set_colors(void) {
    plscmap0n(PLOT_NUM_COLORS);
    plscolbg(255, 255, 255);
    plscol0(PLOT_INK, 0, 0, 0);
    plscol0(PLOT_GRID, 225, 225, 225);
    plscol0(PLOT_WRONG, 210, 20, 20);
    plscol0(PLOT_RIGHT, 0, 140, 60);
    for (int i = 0; i < PLOT_NUM_SERIES; i++) {
        const unsigned char *c = series_rgb[i];
        plscol0(PLOT_SERIES + i, c[0], c[1], c[2]);
        plscol0a(PLOT_BAND + i, c[0], c[1], c[2], 0.2);
    }
}

static void free_paths(plot_session *session) {
    free(session->path);
    free(session->temp_path);
    session->path = session->temp_path = NULL;
}

mlp_status plot_begin(plot_session *session, const char *out_path, const mlp_plot_options *options,
                      size_t default_width, size_t default_height, mlp_error *err) {
    memset(session, 0, sizeof *session);
    if (!out_path || !*out_path)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "no output file given for the picture");
    const char *device = device_for(out_path);
    if (!device)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "%s: unknown picture format (the file name must end in .png or .svg)",
                        out_path);
    session->width = options && options->width ? options->width : default_width;
    session->height = options && options->height ? options->height : default_height;
    if (session->width < PLOT_MIN_SIDE || session->width > PLOT_MAX_SIDE ||
        session->height < PLOT_MIN_SIDE || session->height > PLOT_MAX_SIDE)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: picture size %zux%zu is outside %dx%d..%dx%d",
                        out_path, session->width, session->height, PLOT_MIN_SIDE, PLOT_MIN_SIDE,
                        PLOT_MAX_SIDE, PLOT_MAX_SIDE);
    size_t len = strlen(out_path);
    session->path = mlp_calloc(len + 1, 1, err);
    session->temp_path = mlp_calloc(len + 16, 1, err);
    if (!session->path || !session->temp_path) {
        free_paths(session);
        return MLP_ERR_MEMORY;
    }
    memcpy(session->path, out_path, len + 1);
    /* The temporary file keeps the extension out of PLplot's sight: "out.png.tmp-XXXXXX". */
    snprintf(session->temp_path, len + 16, "%s.tmp-XXXXXX", out_path);
    int fd = mkstemp(session->temp_path);
    if (fd < 0) {
        mlp_status status =
            mlp_fail(err, MLP_ERR_IO, "%s: cannot create: %s", out_path, strerror(errno));
        free_paths(session);
        return status;
    }
    fchmod(fd, 0644);
    close(fd);

    pthread_mutex_lock(&plot_lock);
    if (!device_available(device)) {
        pthread_mutex_unlock(&plot_lock);
        unlink(session->temp_path);
        free_paths(session);
        return mlp_fail(err, MLP_ERR_UNSUPPORTED,
                        "PLplot has no '%s' device (install plplot-driver-cairo)", device);
    }
    plot_warning[0] = '\0';
    plsabort(record_warning);
    plsdev(device);
    plsfnam(session->temp_path);
    plspage(0, 0, (PLINT)session->width, (PLINT)session->height, 0, 0);
    set_colors();
    plinit();
    return MLP_OK;
}

mlp_status plot_end(plot_session *session, mlp_error *err) {
    plend1();
    mlp_status status = MLP_OK;
    struct stat st;
    if (plot_warning[0])
        status = mlp_fail(err, MLP_ERR_IO, "%s: PLplot: %s", session->path, plot_warning);
    else if (stat(session->temp_path, &st) != 0 || st.st_size == 0)
        status = mlp_fail(err, MLP_ERR_IO, "%s: PLplot wrote nothing", session->path);
    else if (rename(session->temp_path, session->path) != 0)
        status = mlp_fail(err, MLP_ERR_IO, "%s: cannot write: %s", session->path, strerror(errno));
    plsabort(NULL);
    pthread_mutex_unlock(&plot_lock);
    if (status != MLP_OK) unlink(session->temp_path);
    free_paths(session);
    return status;
}

void mlp_plot_options_default(mlp_plot_options *options) {
    memset(options, 0, sizeof *options);
    options->x_axis = MLP_PLOT_X_STEPS;
    options->shared_scale = false;
}
