#include "harness.h"
#include "io/config_file.h"
#include "io_test_files.h"

static const char *const optimizer_kinds[] = {"sgd", "adam", "rmsprop", NULL};

static const mlp_ini_key keys[] = {
    {"", "seed", MLP_INI_INT, "1", "random seed", NULL},
    {"data", "train", MLP_INI_STRING, "", "training data source", NULL},
    {"data", "shuffle", MLP_INI_BOOL, "true", "reshuffle | every epoch", NULL},
    {"network", "hidden", MLP_INI_INT_LIST, "200, 100", "hidden widths", NULL},
    {"optimizer", "kind", MLP_INI_ENUM, "sgd", "update rule", optimizer_kinds},
    {"optimizer", "lr", MLP_INI_FLOAT, "0.01", "learning rate", NULL},
    {"optimizer", "momentum", MLP_INI_FLOAT, "0", "momentum", NULL},
    {"schedule", "milestones", MLP_INI_FLOAT_LIST, "", "epochs where lr drops", NULL},
    {"data", "labels", MLP_INI_STRING_LIST, "a, b", "label names", NULL},
};
static const mlp_ini_schema schema = {keys, sizeof keys / sizeof keys[0]};

static mlp_ini *fresh(void) {
    mlp_ini *ini;
    mlp_error err;
    if (mlp_ini_new(&ini, &schema, &err) != MLP_OK) return NULL;
    return ini;
}

/* Loads text as "cfg.ini" into a fresh config and expects failure with `needle` in the message. */
static void expect_load_error(const char *text, mlp_status status, const char *needle) {
    mlp_ini *ini = fresh();
    CHECK(ini);
    mlp_error err;
    mlp_status s = mlp_ini_load_text(ini, text, "cfg.ini", &err);
    mlp_ini_free(ini);
    CHECK_MSG(s == status, "status %d for: %s", (int)s, text);
    CHECK_MSG(strstr(err.message, needle) != NULL, "'%s' not in: %s", needle, err.message);
}

static void test_defaults_are_loaded(void) {
    mlp_ini *ini = fresh();
    CHECK(ini);
    mlp_error err;
    int64_t seed;
    CHECK(mlp_ini_get_int(ini, "seed", &seed, &err) == MLP_OK && seed == 1);
    const int64_t *hidden;
    size_t n;
    CHECK(mlp_ini_get_int_list(ini, "network.hidden", &hidden, &n, &err) == MLP_OK);
    CHECK(n == 2 && hidden[0] == 200 && hidden[1] == 100);
    const double *milestones;
    CHECK(mlp_ini_get_float_list(ini, "schedule.milestones", &milestones, &n, &err) == MLP_OK);
    CHECK(n == 0);
    const char *const *labels;
    CHECK(mlp_ini_get_string_list(ini, "data.labels", &labels, &n, &err) == MLP_OK);
    CHECK(n == 2 && strcmp(labels[0], "a") == 0 && strcmp(labels[1], "b") == 0);
    bool shuffle;
    CHECK(mlp_ini_get_bool(ini, "data.shuffle", &shuffle, &err) == MLP_OK && shuffle);
    const char *train;
    CHECK(mlp_ini_get_string(ini, "data.train", &train, &err) == MLP_OK && train[0] == '\0');
    CHECK(strcmp(mlp_ini_origin(ini, "optimizer.lr"), "default") == 0);
    CHECK(!mlp_ini_is_set(ini, "optimizer.lr"));
    CHECK(mlp_ini_origin(ini, "optimizer.nope") == NULL);
    mlp_ini_free(ini);
}

static void test_file_values_with_their_lines(void) {
    mlp_ini *ini = fresh();
    CHECK(ini);
    mlp_error err;
    const char *text = "\xef\xbb\xbf"
                       "seed = -7\r\n"
                       "; a comment\n"
                       "# another\n"
                       "[optimizer]\n"
                       "kind = adam ; inline comment\n"
                       "lr=1e-3\n"
                       "\n"
                       "[data]\n"
                       "train = /data/a.gz,/data/b.gz\n"
                       "shuffle = OFF\n"
                       "labels = cat , dog,  bird\n"
                       "[network]\n"
                       "hidden =\n"
                       "[schedule]\n"
                       "milestones = 20, 40.5";
    CHECK_MSG(mlp_ini_load_text(ini, text, "cfg.ini", &err) == MLP_OK, "%s", err.message);
    int64_t seed;
    CHECK(mlp_ini_get_int(ini, "seed", &seed, &err) == MLP_OK && seed == -7);
    size_t kind;
    const char *kind_name;
    CHECK(mlp_ini_get_enum(ini, "optimizer.kind", &kind, &kind_name, &err) == MLP_OK);
    CHECK(kind == 1 && strcmp(kind_name, "adam") == 0);
    double lr;
    CHECK(mlp_ini_get_float(ini, "optimizer.lr", &lr, &err) == MLP_OK && lr == 1e-3);
    CHECK(strcmp(mlp_ini_origin(ini, "optimizer.lr"), "cfg.ini:6") == 0);
    CHECK(strcmp(mlp_ini_origin(ini, "seed"), "cfg.ini:1") == 0);
    CHECK(mlp_ini_is_set(ini, "optimizer.lr"));
    const char *train;
    CHECK(mlp_ini_get_string(ini, "data.train", &train, &err) == MLP_OK);
    CHECK(strcmp(train, "/data/a.gz,/data/b.gz") == 0);
    bool shuffle;
    CHECK(mlp_ini_get_bool(ini, "data.shuffle", &shuffle, &err) == MLP_OK && !shuffle);
    const char *const *labels;
    size_t n;
    CHECK(mlp_ini_get_string_list(ini, "data.labels", &labels, &n, &err) == MLP_OK);
    CHECK(n == 3 && strcmp(labels[0], "cat") == 0 && strcmp(labels[2], "bird") == 0);
    const int64_t *hidden;
    CHECK(mlp_ini_get_int_list(ini, "network.hidden", &hidden, &n, &err) == MLP_OK && n == 0);
    const double *milestones;
    CHECK(mlp_ini_get_float_list(ini, "schedule.milestones", &milestones, &n, &err) == MLP_OK);
    CHECK(n == 2 && milestones[0] == 20 && milestones[1] == 40.5);
    CHECK(strcmp(mlp_ini_origin(ini, "optimizer.momentum"), "default") == 0);
    mlp_ini_free(ini);
}

static void test_unknown_names_suggest_the_nearest(void) {
    expect_load_error("[optimizer]\nkind = sgd\nlrr = 0.1\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:3: unknown key 'optimizer.lrr'; did you mean 'optimizer.lr'?");
    expect_load_error("[network]\nlr = 0.1\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:2: unknown key 'network.lr'; did you mean 'optimizer.lr'?");
    expect_load_error("[optimiser]\nlr = 0.1\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:1: unknown section [optimiser]; did you mean [optimizer]?");
    /* A section without keys is still checked. */
    expect_load_error("seed = 2\n[sheduel]\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:2: unknown section [sheduel]; did you mean [schedule]?");
    /* Misspelt and in the wrong section: the key's own spelling leads. */
    expect_load_error("[data]\nmomentun = 0.9\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:2: unknown key 'data.momentun'; did you mean 'optimizer.momentum'?");
    expect_load_error("[network]\nkind = adam\n", MLP_ERR_ARGUMENT,
                      "did you mean 'optimizer.kind'?");
    expect_load_error("sed = 2\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:1: unknown key 'sed'; did you mean 'seed'?");
}

static void test_malformed_values_name_key_and_type(void) {
    expect_load_error("seed = 12x\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:1: seed = '12x': expected an integer");
    expect_load_error("seed = 99999999999999999999\n", MLP_ERR_ARGUMENT, "expected an integer");
    expect_load_error("seed =\n", MLP_ERR_ARGUMENT, "cfg.ini:1: seed = '': expected an integer");
    expect_load_error("[optimizer]\nlr = fast\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:2: optimizer.lr = 'fast': expected a finite number");
    expect_load_error("[optimizer]\nlr = nan\n", MLP_ERR_ARGUMENT, "expected a finite number");
    expect_load_error("[optimizer]\nlr = 1e999\n", MLP_ERR_ARGUMENT, "expected a finite number");
    expect_load_error("[data]\nshuffle = maybe\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:2: data.shuffle = 'maybe': expected true or false");
    expect_load_error("[optimizer]\nkind = adamm\n", MLP_ERR_ARGUMENT,
                      "optimizer.kind = 'adamm': expected one of sgd, adam, rmsprop");
    expect_load_error("[network]\nhidden = 10,,20\n", MLP_ERR_ARGUMENT,
                      "network.hidden = '10,,20': item 2: expected a comma-separated list of "
                      "integers");
    expect_load_error("[network]\nhidden = 10, 2.5\n", MLP_ERR_ARGUMENT, "item 2");
    expect_load_error("[schedule]\nmilestones = 1, x\n", MLP_ERR_ARGUMENT, "item 2");
}

static void test_structure_errors(void) {
    expect_load_error("[optimizer]\nlr = 0.1\nkind = sgd\nlr = 0.2\n", MLP_ERR_ARGUMENT,
                      "cfg.ini:4: duplicate key 'optimizer.lr' (already set at line 2)");
    expect_load_error("seed = 1\njust some words\n", MLP_ERR_FORMAT, "cfg.ini:2: syntax error");
    expect_load_error("[data\n", MLP_ERR_FORMAT, "cfg.ini:1: syntax error");
    expect_load_error("[optimizer]\nlr = 0.1\n  0.2\n", MLP_ERR_FORMAT,
                      "cfg.ini:3: indented line continues the value of 'optimizer.lr'");
    char long_line[400];
    memset(long_line, 'x', sizeof long_line);
    memcpy(long_line, "[data]\ntrain = ", 15);
    long_line[15 + MLP_INI_MAX_LINE] = '\0';
    expect_load_error(long_line, MLP_ERR_FORMAT, "cfg.ini:2: line longer than 197 characters");
    /* The longest allowed line loads. */
    long_line[15 + MLP_INI_MAX_LINE - 8] = '\0';
    mlp_ini *ini = fresh();
    mlp_error err;
    CHECK_MSG(mlp_ini_load_text(ini, long_line, "cfg.ini", &err) == MLP_OK, "%s", err.message);
    mlp_ini_free(ini);
}

static void test_overrides_and_later_files_replace_values(void) {
    mlp_ini *ini = fresh();
    CHECK(ini);
    mlp_error err;
    CHECK(mlp_ini_load_text(ini, "[optimizer]\nlr = 0.1\n", "a.ini", &err) == MLP_OK);
    CHECK(mlp_ini_load_text(ini, "[optimizer]\nlr = 0.2\n", "b.ini", &err) == MLP_OK);
    CHECK(strcmp(mlp_ini_origin(ini, "optimizer.lr"), "b.ini:2") == 0);
    CHECK(mlp_ini_set(ini, " optimizer.lr = 0.5 ", &err) == MLP_OK);
    CHECK(mlp_ini_set(ini, "seed=9", &err) == MLP_OK);
    CHECK(mlp_ini_set(ini, "network.hidden=", &err) == MLP_OK);
    double lr;
    CHECK(mlp_ini_get_float(ini, "optimizer.lr", &lr, &err) == MLP_OK && lr == 0.5);
    CHECK(strcmp(mlp_ini_origin(ini, "optimizer.lr"), "--set") == 0);
    int64_t seed;
    CHECK(mlp_ini_get_int(ini, "seed", &seed, &err) == MLP_OK && seed == 9);
    CHECK(mlp_ini_set(ini, "optimizer.lrate=1", &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message,
                     "--set optimizer.lrate=1: unknown key 'optimizer.lrate'; did you mean "
                     "'optimizer.lr'?"),
              "%s", err.message);
    CHECK(mlp_ini_set(ini, "optimizer.lr", &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "expected section.key=value"));
    CHECK(mlp_ini_set(ini, "optimizer.lr=x", &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "--set optimizer.lr=x: optimizer.lr = 'x': expected a finite"));
    CHECK(mlp_ini_set(ini, "data.train=a ; b", &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "starts a comment"));
    /* A failed assignment leaves the value as it was. */
    CHECK(mlp_ini_get_float(ini, "optimizer.lr", &lr, &err) == MLP_OK && lr == 0.5);
    mlp_ini_free(ini);
}

/* Values config.ini could not hold as given are refused where they are given, naming the
 * file:line (or --set) and the key: a ';' that the written " = " would turn into a comment, a line
 * break, a line the writer would make longer than a config line may be. Values it can hold, bytes
 * beyond ASCII included, are written back unchanged. */
static void test_values_the_writer_cannot_hold_are_refused(void) {
    mlp_ini *ini = fresh();
    CHECK(ini);
    mlp_error err;
    /* The fuzz finding: "train =;ogz" read as ";ogz", written "train = ;ogz", read back empty. */
    CHECK(mlp_ini_load_text(ini, "seed = 3\n[data]\ntrain =;ogz\n", "f.ini", &err) ==
          MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "f.ini:3: data.train = ';ogz': a value cannot hold ';'"), "%s",
              err.message);
    CHECK(mlp_ini_set(ini, "data.labels=;x", &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "--set data.labels=;x: data.labels = ';x'"), "%s", err.message);
    CHECK(mlp_ini_set(ini, "data.labels=a,\tb;c", &err) == MLP_OK); /* ';' after a letter */
    CHECK(mlp_ini_set(ini, "data.labels=a,\t;c", &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_ini_set(ini, "data.train=a\rb", &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "line break"));
    /* "train" + " = " + 190 characters is 198 > 197, although "train=" + 190 fits one line. */
    char text[256], value[191];
    memset(value, 'a', 190);
    value[190] = '\0';
    snprintf(text, sizeof text, "[data]\ntrain=%s\n", value);
    CHECK(mlp_ini_load_text(ini, text, "long.ini", &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "long.ini:2: data.train = ") &&
                  strstr(err.message, "a line of 198 characters, more than the 197"),
              "%s", err.message);
    char set[256];
    snprintf(set, sizeof set, "data.train=%s", value);
    CHECK(mlp_ini_set(ini, set, &err) == MLP_ERR_ARGUMENT);
    value[189] = '\0';
    snprintf(set, sizeof set, "data.train=%s", value);
    CHECK(mlp_ini_set(ini, set, &err) == MLP_OK);
    /* Non-ASCII bytes round-trip. */
    CHECK(mlp_ini_load_text(ini, "[data]\nlabels = x, y ,\xc0\xb7\xb7y ,\xc3\xa9t\xc3\xa9\n",
                            "u.ini", &err) == MLP_OK);
    char *written = mlp_ini_to_text(ini, &err);
    CHECK(written && strstr(written, "labels = x, y ,\xc0\xb7\xb7y ,\xc3\xa9t\xc3\xa9\n"));
    mlp_ini *again = fresh();
    CHECK(again && mlp_ini_load_text(again, written, "config.ini", &err) == MLP_OK);
    char *rewritten = mlp_ini_to_text(again, &err);
    CHECK(rewritten && written && strcmp(written, rewritten) == 0);
    free(written);
    free(rewritten);
    mlp_ini_free(again);
    mlp_ini_free(ini);
}

/* The effective config written as text loads back into the same values. */
static void test_written_text_reproduces_the_config(void) {
    mlp_ini *ini = fresh();
    CHECK(ini);
    mlp_error err;
    CHECK(mlp_ini_load_text(ini, "seed = 5\n[optimizer]\nkind = rmsprop\nlr = 0.1\n", "a.ini",
                            &err) == MLP_OK);
    CHECK(mlp_ini_set(ini, "data.labels=x,y , z", &err) == MLP_OK);
    CHECK(mlp_ini_set(ini, "schedule.milestones=3,7", &err) == MLP_OK);
    char *text = mlp_ini_to_text(ini, &err);
    CHECK(text);
    CHECK(strstr(text, "seed = 5\n"));
    CHECK(strstr(text, "[optimizer]\n# update rule\nkind = rmsprop\n"));
    CHECK(strstr(text, "# momentum\nmomentum = 0\n"));
    CHECK(strstr(text, "seed") < strstr(text, "[data]"));
    mlp_ini *again = fresh();
    CHECK_MSG(mlp_ini_load_text(again, text, "config.ini", &err) == MLP_OK, "%s\n%s", err.message,
              text);
    char *text2 = mlp_ini_to_text(again, &err);
    CHECK(text2 && strcmp(text, text2) == 0);
    size_t kind;
    CHECK(mlp_ini_get_enum(again, "optimizer.kind", &kind, NULL, &err) == MLP_OK && kind == 2);
    const double *milestones;
    size_t n;
    CHECK(mlp_ini_get_float_list(again, "schedule.milestones", &milestones, &n, &err) == MLP_OK);
    CHECK(n == 2 && milestones[1] == 7);
    const char *const *labels;
    CHECK(mlp_ini_get_string_list(again, "data.labels", &labels, &n, &err) == MLP_OK);
    CHECK(n == 3 && strcmp(labels[2], "z") == 0);
    free(text);
    free(text2);
    mlp_ini_free(again);
    mlp_ini_free(ini);
}

static void test_invalid_names_origin_and_value(void) {
    mlp_ini *ini = fresh();
    mlp_error err;
    CHECK(mlp_ini_load_text(ini, "[optimizer]\nlr = -1\n", "cfg.ini", &err) == MLP_OK);
    CHECK(mlp_ini_invalid(ini, "optimizer.lr", &err, "must be positive, got %g", -1.0) ==
          MLP_ERR_ARGUMENT);
    CHECK_MSG(strcmp(err.message, "cfg.ini:2: optimizer.lr = -1: must be positive, got -1") == 0,
              "%s", err.message);
    mlp_ini_invalid(ini, "optimizer.momentum", &err, "bad");
    CHECK(strcmp(err.message, "default: optimizer.momentum = 0: bad") == 0);
    mlp_ini_free(ini);
}

static void test_getters_refuse_wrong_names_and_types(void) {
    mlp_ini *ini = fresh();
    mlp_error err;
    double x;
    int64_t i;
    CHECK(mlp_ini_get_float(ini, "optimizer.nope", &x, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "no key 'optimizer.nope'"));
    CHECK(mlp_ini_get_int(ini, "optimizer.lr", &i, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "'optimizer.lr' is not an integer"));
    mlp_ini_free(ini);
}

static void test_bad_schemas_are_refused(void) {
    mlp_ini *ini;
    mlp_error err;
    const mlp_ini_key bad_default[] = {{"a", "n", MLP_INI_INT, "x", "h", NULL}};
    CHECK(mlp_ini_new(&ini, &(mlp_ini_schema){bad_default, 1}, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "default of 'a.n'") && ini == NULL);
    const mlp_ini_key twice[] = {{"a", "n", MLP_INI_INT, "1", "h", NULL},
                                 {"a", "n", MLP_INI_INT, "1", "h", NULL}};
    CHECK(mlp_ini_new(&ini, &(mlp_ini_schema){twice, 2}, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "'a.n' listed twice"));
    const mlp_ini_key no_choices[] = {{"a", "n", MLP_INI_ENUM, "x", "h", NULL}};
    CHECK(mlp_ini_new(&ini, &(mlp_ini_schema){no_choices, 1}, &err) == MLP_ERR_ARGUMENT);
    const mlp_ini_key dotted[] = {{"a", "n.m", MLP_INI_INT, "1", "h", NULL}};
    CHECK(mlp_ini_new(&ini, &(mlp_ini_schema){dotted, 1}, &err) == MLP_ERR_ARGUMENT);
    /* config.ini writes the help as a comment line and the default as "key = value": both must
     * read back. */
    const mlp_ini_key comment_default[] = {{"a", "s", MLP_INI_STRING, ";x", "h", NULL}};
    CHECK(mlp_ini_new(&ini, &(mlp_ini_schema){comment_default, 1}, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "default of 'a.s'"));
    const mlp_ini_key two_line_help[] = {{"a", "n", MLP_INI_INT, "1", "h\ni", NULL}};
    CHECK(mlp_ini_new(&ini, &(mlp_ini_schema){two_line_help, 1}, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "help of 'a.n'"));
    /* The checks alone, and creation without them (a default must still parse). */
    CHECK(mlp_ini_schema_check(&(mlp_ini_schema){twice, 2}, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "'a.n' listed twice"));
    CHECK(mlp_ini_schema_check(&schema, &err) == MLP_OK);
    CHECK(mlp_ini_new_checked(&ini, &(mlp_ini_schema){bad_default, 1}, &err) == MLP_ERR_ARGUMENT);
    CHECK(ini == NULL);
    CHECK(mlp_ini_new_checked(&ini, &schema, &err) == MLP_OK && ini);
    mlp_ini_free(ini);
}

static void test_markdown_lists_every_key(void) {
    mlp_error err;
    char *md = mlp_ini_schema_markdown(&schema, &err);
    CHECK(md);
    CHECK(strstr(md, "## Top-level keys"));
    CHECK(strstr(md, "| `seed` | integer | `1` | random seed |\n"));
    CHECK(strstr(md, "## [optimizer]\n\n| key | type | default | description |\n"));
    CHECK(strstr(md, "| `optimizer.kind` | one of `sgd`, `adam`, `rmsprop` | `sgd` |"));
    CHECK(strstr(md, "| `data.shuffle` | boolean | `true` | reshuffle \\| every epoch |\n"));
    CHECK(strstr(md, "| `data.train` | string | (empty) |"));
    CHECK(strstr(md, "| `network.hidden` | list of integers | `200, 100` |"));
    free(md);
}

static void test_files_are_read_with_their_path(void) {
    char dir[512], path[600];
    CHECK(test_make_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/train.ini", dir);
    const char *text = "[optimizer]\nlr = 0.25\nmomentum = high\n";
    CHECK(test_write_file(path, text, strlen(text)));
    mlp_ini *ini = fresh();
    mlp_error err;
    CHECK(mlp_ini_load_file(ini, path, &err) == MLP_ERR_ARGUMENT);
    char expected[700];
    snprintf(expected, sizeof expected, "%s:3: optimizer.momentum = 'high'", path);
    CHECK_MSG(strstr(err.message, expected), "%s", err.message);
    CHECK(test_write_file(path, "seed = 1\n\0x", 11));
    CHECK(mlp_ini_load_file(ini, path, &err) == MLP_ERR_FORMAT);
    CHECK(strstr(err.message, "byte 9: NUL byte"));
    CHECK(mlp_ini_load_file(ini, "/nonexistent/x.ini", &err) == MLP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/x.ini: cannot open"));
    mlp_ini_free(ini);
    test_remove_dir(dir);
}

int main(void) {
    RUN_TEST(test_defaults_are_loaded);
    RUN_TEST(test_file_values_with_their_lines);
    RUN_TEST(test_unknown_names_suggest_the_nearest);
    RUN_TEST(test_malformed_values_name_key_and_type);
    RUN_TEST(test_structure_errors);
    RUN_TEST(test_overrides_and_later_files_replace_values);
    RUN_TEST(test_values_the_writer_cannot_hold_are_refused);
    RUN_TEST(test_written_text_reproduces_the_config);
    RUN_TEST(test_invalid_names_origin_and_value);
    RUN_TEST(test_getters_refuse_wrong_names_and_types);
    RUN_TEST(test_bad_schemas_are_refused);
    RUN_TEST(test_markdown_lists_every_key);
    RUN_TEST(test_files_are_read_with_their_path);
    return harness_finish();
}
