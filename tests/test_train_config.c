/* The training config: defaults, files, overrides, range errors naming the key, the effective
 * config round trip, and docs/config.md in step with the schema. */
#include "harness.h"
#include "io_test_files.h"
#include "train/train_config.h"

static mlp_status load(mlp_ini **ini, mlp_train_config *c, const char *text, const char *set,
                       mlp_error *err) {
    char *sets[2] = {"data.train=train.csv", (char *)set};
    mlp_status s = mlp_train_ini_load(ini, NULL, sets, set ? 2 : 1, err);
    if (s == MLP_OK && text) s = mlp_ini_load_text(*ini, text, "test.ini", err);
    if (s == MLP_OK) s = mlp_train_config_from_ini(*ini, c, err);
    return s;
}

static void test_defaults(void) {
    mlp_ini *ini;
    mlp_train_config c;
    mlp_error err;
    CHECK_MSG(load(&ini, &c, NULL, NULL, &err) == MLP_OK, "%s", err.message);
    CHECK(strcmp(c.train_source, "train.csv") == 0 && c.test_source[0] == '\0');
    CHECK(c.num_hidden == 1 && c.hidden[0] == 200 && c.hidden_activation == MLP_ACT_RELU);
    CHECK(c.loss == MLP_LOSS_SOFTMAX_CROSS_ENTROPY && c.epochs == 10);
    CHECK(c.num_batch_stages == 1 && c.batch_stages[0].batch == 64);
    CHECK(c.optimizer.kind == MLP_OPT_SGD && c.schedule.kind == MLP_SCHEDULE_CONSTANT);
    CHECK_CLOSE(c.schedule.lr, 0.01, 1e-9);
    CHECK(c.transform.scale && !c.transform.standardize);
    CHECK_CLOSE(c.validation.fraction, 0.1, 1e-12);
    CHECK(c.seed == 1 && c.shuffle && c.checkpoint_every_epochs == 1);
    mlp_ini_free(ini);
}

static void test_e1_style_file(void) {
    const char *text = "[network]\nhidden = 200\ndropout = 0.5\n"
                       "[optimizer]\nkind = sgd\nmomentum = 0.9\nnesterov = true\n"
                       "[schedule]\nlr = 0.001\nkind = step\nstep_size = 1000\ngamma = 0.95\n"
                       "[training]\nepochs = 45\nbatch_size = 50, 100, 200\nstage_epochs = 5, 5\n"
                       "[init]\nkind = normal\nscale = 0.05\n"
                       "[regularization]\nl2 = 0.0001\n";
    mlp_ini *ini;
    mlp_train_config c;
    mlp_error err;
    CHECK_MSG(load(&ini, &c, text, NULL, &err) == MLP_OK, "%s", err.message);
    CHECK(c.optimizer.nesterov && c.optimizer.momentum == 0.9f);
    CHECK(c.schedule.kind == MLP_SCHEDULE_STEP && c.schedule.step_size == 1000);
    CHECK(c.num_batch_stages == 3);
    CHECK(c.batch_stages[0].batch == 50 && c.batch_stages[0].epochs == 5);
    CHECK(c.batch_stages[2].batch == 200 && c.batch_stages[2].epochs == 0);
    CHECK(c.init.kind == MLP_INIT_NORMAL && c.init.scale == 0.05f);
    CHECK(c.regularization.l2 == 0.0001f && c.dropout == 0.5f);
    mlp_net_spec spec;
    CHECK(mlp_train_config_net_spec(&c, 784, 10, &spec, &err) == MLP_OK);
    CHECK(spec.num_layers == 2 && spec.widths[1] == 200 && spec.widths[2] == 10);
    CHECK(spec.activation[1] == MLP_ACT_SOFTMAX && spec.dropout[0] == 0.5f);
    mlp_ini_free(ini);
}

static void test_quadratic_output(void) {
    mlp_ini *ini;
    mlp_train_config c;
    mlp_error err;
    CHECK(load(&ini, &c, "[network]\nloss = quadratic\nactivation = sigmoid\nhidden = 30\n", NULL,
               &err) == MLP_OK);
    mlp_net_spec spec;
    CHECK(mlp_train_config_net_spec(&c, 784, 10, &spec, &err) == MLP_OK);
    CHECK(spec.loss == MLP_LOSS_QUADRATIC && spec.activation[1] == MLP_ACT_SIGMOID);
    mlp_ini_free(ini);
    /* Linear model: no hidden layer. */
    CHECK(load(&ini, &c, "[network]\nhidden =\n", NULL, &err) == MLP_OK);
    CHECK(c.num_hidden == 0);
    CHECK(mlp_train_config_net_spec(&c, 784, 10, &spec, &err) == MLP_OK);
    CHECK(spec.num_layers == 1);
    mlp_ini_free(ini);
}

/* Display names: a list whose items may hold slashes and spaces; none by default. */
static void test_class_names(void) {
    mlp_ini *ini;
    mlp_train_config c;
    mlp_error err;
    CHECK_MSG(load(&ini, &c, NULL, NULL, &err) == MLP_OK, "%s", err.message);
    CHECK(c.class_names == NULL && c.num_class_names == 0);
    mlp_ini_free(ini);
    CHECK_MSG(load(&ini, &c, "[data]\nclass_names = T-shirt/top, Trouser,Pullover , Ankle boot\n",
                   NULL, &err) == MLP_OK,
              "%s", err.message);
    CHECK(c.num_class_names == 4);
    CHECK(strcmp(c.class_names[0], "T-shirt/top") == 0 && strcmp(c.class_names[1], "Trouser") == 0);
    CHECK(strcmp(c.class_names[2], "Pullover") == 0 && strcmp(c.class_names[3], "Ankle boot") == 0);
    mlp_ini_free(ini);
    ini = NULL;
    CHECK(load(&ini, &c, NULL, "data.class_names=Bag,,Coat", &err) != MLP_OK);
    CHECK_MSG(strstr(err.message, "data.class_names") != NULL, "%s", err.message);
    mlp_ini_free(ini);
}

/* Each bad value is refused with a message naming the key. */
static void test_bad_values(void) {
    const char *cases[][2] = {
        {"training.epochs=0", "training.epochs"},
        {"schedule.lr=-1", "schedule.lr"},
        {"data.validation=1", "data.validation"},
        {"training.stage_epochs=5", "training.stage_epochs"},
        {"schedule.milestones=20,10", "schedule.milestones"},
        {"network.hidden=0", "network.hidden"},
        {"optimizer.nesterov=true", "optimizer.nesterov"},
        {"data.transform=sqrt", "data.transform"},
        {"network.output=identity", "network.output"},
        {"threads=-2", "threads"},
        {"data.train=", "data.train"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mlp_ini *ini = NULL;
        mlp_train_config c;
        mlp_error err = {0};
        mlp_status s = load(&ini, &c, NULL, cases[i][0], &err);
        CHECK_MSG(s != MLP_OK, "%s accepted", cases[i][0]);
        CHECK_MSG(strstr(err.message, cases[i][1]) != NULL, "%s: message '%s'", cases[i][0],
                  err.message);
        mlp_ini_free(ini);
    }
}

static void test_misspelt_key_suggests(void) {
    mlp_ini *ini = NULL;
    mlp_train_config c;
    mlp_error err;
    CHECK(load(&ini, &c, "[training]\nepoch = 3\n", NULL, &err) != MLP_OK);
    CHECK_MSG(strstr(err.message, "training.epochs") && strstr(err.message, "test.ini:2"), "%s",
              err.message);
    mlp_ini_free(ini);
    ini = NULL;
    CHECK(load(&ini, &c, NULL, "schedule.gama=0.5", &err) != MLP_OK);
    CHECK_MSG(strstr(err.message, "schedule.gamma") != NULL, "%s", err.message);
    mlp_ini_free(ini);
}

static void test_effective_config_round_trip(void) {
    mlp_ini *ini, *again;
    mlp_train_config c, d;
    mlp_error err;
    CHECK(load(&ini, &c, "[network]\nhidden = 7, 5\n", "schedule.kind=cosine", &err) == MLP_OK);
    char *text = mlp_ini_to_text(ini, &err);
    CHECK(text);
    CHECK(mlp_train_ini_load(&again, NULL, NULL, 0, &err) == MLP_OK);
    CHECK_MSG(mlp_ini_load_text(again, text, "effective", &err) == MLP_OK, "%s", err.message);
    CHECK(mlp_train_config_from_ini(again, &d, &err) == MLP_OK);
    CHECK(d.num_hidden == 2 && d.hidden[1] == 5 && d.schedule.kind == MLP_SCHEDULE_COSINE);
    CHECK(strcmp(d.train_source, "train.csv") == 0);
    free(text);
    mlp_ini_free(ini);
    mlp_ini_free(again);
}

/* Every schema value that loads is one config.ini can write back: a leading ';' (a comment once
 * written as "key = ;...") and a line too long for the reader are refused naming file:line and
 * key, and the schema's own defaults and help lines pass the same check. */
static void test_values_config_ini_cannot_hold(void) {
    mlp_ini *ini = NULL;
    mlp_train_config c;
    mlp_error err;
    CHECK(load(&ini, &c, "[data]\ntest =;x\n", NULL, &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "test.ini:2: data.test = ';x'") &&
                  strstr(err.message, "starts a comment"),
              "%s", err.message);
    mlp_ini_free(ini);
    ini = NULL;
    char text[300];
    snprintf(text, sizeof text, "[data]\ntest=%0191d\n", 7);
    CHECK(load(&ini, &c, text, NULL, &err) == MLP_ERR_ARGUMENT);
    CHECK_MSG(strstr(err.message, "test.ini:2: data.test = ") && strstr(err.message, "too long"),
              "%s", err.message);
    mlp_ini_free(ini);
    ini = NULL;
    CHECK(load(&ini, &c, NULL, "data.class_names=a, ;b", &err) != MLP_OK);
    CHECK_MSG(strstr(err.message, "--set data.class_names=a, ;b"), "%s", err.message);
    mlp_ini_free(ini);
}

static void test_docs_match_schema(void) {
    char *markdown = mlp_ini_schema_markdown(mlp_train_schema(), NULL);
    CHECK(markdown);
    char *docs = test_read_file("docs/config.md", NULL);
    if (!docs) {
        free(markdown);
        SKIP("docs/config.md not found (run from the repository root)");
    }
    int found = strstr(docs, markdown) != NULL;
    free(docs);
    free(markdown);
    CHECK_MSG(found, "docs/config.md is out of date: regenerate it with `mlp train --keys`");
}

/* A continued run's changes: compared by value, in schema order; fixed keys refused by name. */
static void test_setting_changes(void) {
    const char *before = "seed = 3\n[schedule]\nlr = 0.10\n[regularization]\nl2 = 0.1\n"
                         "[training]\nbatch_size = 50, 100\nstage_epochs = 2\n";
    const char *after = "seed = 3\n[schedule]\nlr = 0.1\n[regularization]\nl2 = 0.001\n"
                        "[training]\nbatch_size = 50, 200\nstage_epochs = 2\nepochs = 20\n";
    mlp_setting_change *changes;
    size_t n;
    mlp_error err;
    CHECK_MSG(mlp_train_config_changes(before, after, &changes, &n, &err) == MLP_OK, "%s",
              err.message);
    CHECK(n == 3);
    if (n == 3) {
        CHECK(strcmp(changes[0].key, "training.epochs") == 0);
        CHECK(strcmp(changes[0].before, "10") == 0 && strcmp(changes[0].after, "20") == 0);
        CHECK(strcmp(changes[1].key, "training.batch_size") == 0);
        CHECK(strcmp(changes[2].key, "regularization.l2") == 0);
        CHECK(strcmp(changes[2].before, "0.1") == 0 && strcmp(changes[2].after, "0.001") == 0);
    }
    mlp_setting_changes_free(changes, n);
    CHECK(mlp_train_config_changes(before, before, &changes, &n, &err) == MLP_OK && n == 0);
    const char *fixed = "seed = 4\n[network]\nhidden = 10\n[schedule]\nlr = 0.5\n";
    CHECK(mlp_train_config_changes(before, fixed, &changes, &n, &err) == MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "seed (3 -> 4)") && strstr(err.message, "network.hidden"));
    CHECK(!strstr(err.message, "schedule.lr") && !changes && n == 0);
    CHECK(mlp_train_config_changes(before, "[optimizer]\nmomentum = 0.9\n", &changes, &n, &err) ==
          MLP_ERR_ARGUMENT);
    CHECK(strstr(err.message, "optimizer.momentum") != NULL);
}

/* Every fixed key is a key of the schema. */
static void test_fixed_keys_exist(void) {
    const mlp_ini_schema *schema = mlp_train_schema();
    size_t fixed = 0;
    for (size_t i = 0; i < schema->num_keys; i++) {
        char name[96];
        snprintf(name, sizeof name, "%s%s%s", schema->keys[i].section,
                 schema->keys[i].section[0] ? "." : "", schema->keys[i].key);
        fixed += mlp_train_key_fixed(name);
    }
    CHECK(fixed == 19);
    CHECK(mlp_train_key_fixed("network.hidden") && !mlp_train_key_fixed("network.dropout"));
    CHECK(!mlp_train_key_fixed("regularization.l2") && !mlp_train_key_fixed("training.epochs"));
}

/* mlp_train_ini_new skips the schema's checks: they hold here. */
static void test_schema_passes_checks(void) {
    mlp_error err;
    CHECK(mlp_ini_schema_check(mlp_train_schema(), &err) == MLP_OK);
}

int main(void) {
    RUN_TEST(test_defaults);
    RUN_TEST(test_e1_style_file);
    RUN_TEST(test_quadratic_output);
    RUN_TEST(test_class_names);
    RUN_TEST(test_bad_values);
    RUN_TEST(test_misspelt_key_suggests);
    RUN_TEST(test_effective_config_round_trip);
    RUN_TEST(test_values_config_ini_cannot_hold);
    RUN_TEST(test_docs_match_schema);
    RUN_TEST(test_setting_changes);
    RUN_TEST(test_fixed_keys_exist);
    RUN_TEST(test_schema_passes_checks);
    return harness_finish();
}
