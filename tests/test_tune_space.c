/* The search-space file of mlp tune (syntax, keys and values checked against the config schema,
 * errors naming FILE:LINE, sampling from the library's rng and from the scrambled Halton
 * sequence), the tune budget, ASHA's promotion rule by accuracy and by loss, and the journal and
 * options files of a resume. */
#include "harness.h"
#include "tune/asha.h"
#include "tune/halton.h"
#include "tune/journal.h"
#include "tune/space.h"
#include "tune/tune.h"

#include <stdlib.h>

static mlp_tune_space *parse_ok(const char *text) {
    mlp_tune_space *space = NULL;
    mlp_error err = {0};
    mlp_status st = mlp_tune_space_parse(&space, text, "space.ini", &err);
    CHECK_MSG(st == MLP_OK, "%s", err.message);
    return space;
}

/* Parsing fails and the message holds `needle`. */
static void parse_fails(const char *text, const char *needle) {
    mlp_tune_space *space = NULL;
    mlp_error err = {0};
    mlp_status st = mlp_tune_space_parse(&space, text, "space.ini", &err);
    CHECK_MSG(st == MLP_ERR_ARGUMENT, "'%s' parsed (status %d)", text, (int)st);
    CHECK(space == NULL);
    CHECK_MSG(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message, needle);
}

static void test_parses_every_function(void) {
    mlp_tune_space *space = parse_ok("# a comment\n"
                                     "network.hidden = choice(256, 512, 1024:512)\n"
                                     "\n"
                                     "  ; another\n"
                                     "schedule.lr = log_uniform(1e-4, 3e-2)\n"
                                     "network.dropout=uniform(0,0.5)\n"
                                     "training.batch_size = int_uniform(16, 128)\n"
                                     "optimizer.kind = choice(sgd, adam)\n"
                                     "seed = int_uniform(1, 3)");
    CHECK(mlp_tune_space_num_keys(space) == 6);
    CHECK(strcmp(mlp_tune_space_key(space, 0), "network.hidden") == 0);
    CHECK(strcmp(mlp_tune_space_key(space, 5), "seed") == 0);
    mlp_tune_space_free(space);
}

static void test_samples_in_range_and_repeatable(void) {
    mlp_tune_space *space = parse_ok("network.hidden = choice(256, 1024:512)\n"
                                     "schedule.lr = log_uniform(1e-4, 3e-2)\n"
                                     "network.dropout = uniform(0.1, 0.5)\n"
                                     "training.batch_size = int_uniform(16, 18)\n");
    mlp_rng a, b;
    mlp_rng_seed(&a, 7, 1);
    mlp_rng_seed(&b, 7, 1);
    bool saw_list = false, saw_plain = false, saw_16 = false, saw_18 = false;
    for (int i = 0; i < 200; i++) {
        mlp_string_list sa = {0}, sb = {0};
        mlp_tune_space_sample(space, &a, &sa);
        mlp_tune_space_sample(space, &b, &sb);
        CHECK(!sa.failed && sa.count == 4 && sb.count == 4);
        for (size_t k = 0; k < 4; k++)
            CHECK(strcmp(sa.items[k], sb.items[k]) == 0);
        saw_list |= strcmp(sa.items[0], "network.hidden=1024,512") == 0;
        saw_plain |= strcmp(sa.items[0], "network.hidden=256") == 0;
        double lr = strtod(sa.items[1] + strlen("schedule.lr="), NULL);
        CHECK(lr >= 1e-4 && lr <= 3e-2);
        double dropout = strtod(sa.items[2] + strlen("network.dropout="), NULL);
        CHECK(dropout >= 0.1 && dropout <= 0.5);
        long batch = strtol(sa.items[3] + strlen("training.batch_size="), NULL, 10);
        CHECK(batch >= 16 && batch <= 18);
        saw_16 |= batch == 16;
        saw_18 |= batch == 18;
        mlp_string_list_free(&sa);
        mlp_string_list_free(&sb);
    }
    CHECK(saw_list && saw_plain && saw_16 && saw_18);
    mlp_tune_space_free(space);
}

/* A range wider than the largest double (hi - lo overflows) still draws finite values in it. */
static void test_widest_range_stays_finite(void) {
    mlp_tune_space *space = parse_ok("training.clip_norm = uniform(-1e308, 1.7e308)\n");
    mlp_rng rng;
    mlp_rng_seed(&rng, 1, 1);
    for (int i = 0; i < 100; i++) {
        mlp_string_list s = {0};
        mlp_tune_space_sample(space, &rng, &s);
        CHECK(s.count == 1);
        double v = strtod(s.items[0] + strlen("training.clip_norm="), NULL);
        CHECK_MSG(isfinite(v) && v >= -1e308 && v <= 1.7e308, "%s", s.items[0]);
        mlp_string_list_free(&s);
    }
    mlp_tune_space_free(space);
}

static void test_bad_input_names_the_line(void) {
    parse_fails("", "no keys");
    parse_fails("# only a comment\n", "no keys");
    parse_fails("\nnetwork.hidden 256\n", "space.ini:2:");
    parse_fails("network.hiden = choice(1, 2)", "unknown config key 'network.hiden'");
    parse_fails("= choice(1, 2)", "key is missing");
    parse_fails("schedule.lr = normal(0, 1)", "unknown function 'normal'");
    parse_fails("schedule.lr = uniform(0.1, 0.2", "expected choice");
    parse_fails("schedule.lr = uniform 0.1, 0.2", "expected choice");
    parse_fails("schedule.lr = uniform((0.1, 0.2))", "unbalanced");
    parse_fails("schedule.lr = uniform(0.1)", "two values");
    parse_fails("schedule.lr = uniform(0.1, 0.2, 0.3)", "two values");
    parse_fails("schedule.lr = uniform(0.2, 0.1)", "below hi");
    parse_fails("schedule.lr = uniform(0.1, 0.1)", "below hi");
    parse_fails("schedule.lr = uniform(0.1, x)", "'x' is not a finite number");
    parse_fails("schedule.lr = uniform(0.1, inf)", "not a finite number");
    parse_fails("schedule.lr = log_uniform(0, 0.1)", "must be above 0");
    parse_fails("schedule.lr = log_uniform(-1, 0.1)", "must be above 0");
    parse_fails("training.batch_size = int_uniform(1.5, 8)", "not a whole number");
    parse_fails("training.batch_size = int_uniform(9, 8)", "at most hi");
    parse_fails("training.epochs = uniform(1, 8)", "needs a number (float) key");
    parse_fails("optimizer.kind = int_uniform(1, 8)", "needs an integer key");
    parse_fails("optimizer.kind = choice(sgd, adamw2)", "adamw2");
    parse_fails("network.hidden = choice(256, big)", "space.ini:1:");
    parse_fails("network.hidden = choice(256, 256)", "given twice");
    parse_fails("network.hidden = choice(256, )", "empty value");
    parse_fails("network.hidden = choice()", "empty value");
    parse_fails("a = b\n", "space.ini:1: unknown config key 'a'");
    parse_fails("schedule.lr = choice(0.1)\nschedule.lr = choice(0.2)\n",
                "space.ini:2: 'schedule.lr' is given twice (first on line 1)");
    parse_fails("schedule.lr = choice(0.1, 0.2)\nnetwork.hidden = choice(8:x)\n", "space.ini:2:");
}

static void test_budget(void) {
    size_t trials;
    double seconds;
    mlp_error err;
    CHECK(mlp_tune_parse_budget("20", &trials, &seconds, &err) == MLP_OK);
    CHECK(trials == 20 && seconds == 0);
    CHECK(mlp_tune_parse_budget("15m", &trials, &seconds, &err) == MLP_OK);
    CHECK(trials == 0 && seconds == 900);
    CHECK(mlp_tune_parse_budget("1.5h", &trials, &seconds, &err) == MLP_OK && seconds == 5400);
    CHECK(mlp_tune_parse_budget("90s", &trials, &seconds, &err) == MLP_OK && seconds == 90);
    const char *bad[] = {"", "0", "-3", "2.5", "1e3", "15 m", "15min", "m", "0s", "x", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(mlp_tune_parse_budget(bad[i], &trials, &seconds, &err) == MLP_ERR_ARGUMENT,
                  "'%s' accepted", bad[i]);
}

static void test_asha_rungs(void) {
    mlp_tune_asha *asha = NULL;
    mlp_error err;
    CHECK(mlp_tune_asha_new(&asha, 1, 10, 3, false, &err) == MLP_OK);
    CHECK(mlp_tune_asha_num_rungs(asha) == 3);
    CHECK(mlp_tune_asha_rung_epochs(asha, 0) == 1 && mlp_tune_asha_rung_epochs(asha, 2) == 9);
    mlp_tune_asha_free(asha);
    CHECK(mlp_tune_asha_new(&asha, 2, 18, 3, false, &err) == MLP_OK);
    CHECK(mlp_tune_asha_num_rungs(asha) == 3 && mlp_tune_asha_rung_epochs(asha, 2) == 18);
    mlp_tune_asha_free(asha);
    CHECK(mlp_tune_asha_new(&asha, 1, 10, 3, true, &err) == MLP_OK);
    CHECK(mlp_tune_asha_num_rungs(asha) == 1 && mlp_tune_asha_rung_epochs(asha, 0) == 10);
    mlp_tune_asha_free(asha);
    CHECK(mlp_tune_asha_new(&asha, 11, 10, 3, false, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_tune_asha_new(&asha, 1, 10, 1, false, &err) == MLP_ERR_ARGUMENT);
}

/* One worker, nine trials with scores 0.1 .. 0.9 in the order started: after every third trial
 * at rung 0 the best of them not yet promoted goes to rung 1; after three at rung 1 the best
 * goes to rung 2. */
static void test_asha_promotes_the_top_third(void) {
    mlp_tune_asha *asha = NULL;
    mlp_error err;
    CHECK(mlp_tune_asha_new(&asha, 1, 9, 3, false, &err) == MLP_OK);
    const double scores[9] = {0.5, 0.9, 0.1, 0.2, 0.3, 0.4, 0.8, 0.7, 0.6};
    size_t new_trials = 0, promotions[3] = {0};
    size_t promoted_to_2 = 99;
    for (int guard = 0; guard < 100; guard++) {
        mlp_tune_step step;
        mlp_job_answer answer = mlp_tune_asha_next(asha, new_trials < 9, &step);
        if (answer == MLP_JOB_DONE) break;
        CHECK(answer == MLP_JOB_READY); /* one worker: never waits */
        if (!step.promoted) {
            CHECK(step.trial == new_trials && step.rung == 0);
            new_trials++;
        } else {
            promotions[step.rung]++;
            if (step.rung == 2) promoted_to_2 = step.trial;
        }
        /* The score grows a little with the rung, keeping the order. */
        mlp_tune_asha_report(asha, step.trial, step.rung, scores[step.trial] + 0.01 * step.rung);
    }
    CHECK(new_trials == 9);
    /* Rung 1 gets 1 (0.9, of 3 done), 0 (0.5, of 6), 6 (0.8, of 7) and 7 (0.7, of 9); rung 2
     * gets 1 when rung 1 has three. ASHA promotes as soon as a trial is in the top third so far,
     * so it promotes more than synchronous halving would (which would take 1, 6, 7). */
    CHECK(promotions[1] == 4 && promotions[2] == 1);
    CHECK(promoted_to_2 == 1); /* 0.9 */
    CHECK(mlp_tune_asha_trial_rung(asha, 1) == 2);
    CHECK(mlp_tune_asha_trial_rung(asha, 2) == 0);
    CHECK(mlp_tune_asha_trial_rung(asha, 0) == 1 && mlp_tune_asha_trial_rung(asha, 6) == 1);
    CHECK(mlp_tune_asha_trial_rung(asha, 7) == 1 && mlp_tune_asha_trial_rung(asha, 8) == 0);
    CHECK_CLOSE(mlp_tune_asha_trial_score(asha, 1), 0.92, 1e-12);
    mlp_tune_asha_free(asha);
}

static void test_asha_waits_for_running_and_skips_failures(void) {
    mlp_tune_asha *asha = NULL;
    mlp_error err;
    CHECK(mlp_tune_asha_new(&asha, 1, 3, 3, false, &err) == MLP_OK);
    mlp_tune_step s[3];
    for (int i = 0; i < 3; i++)
        CHECK(mlp_tune_asha_next(asha, true, &s[i]) == MLP_JOB_READY);
    mlp_tune_step extra;
    CHECK(mlp_tune_asha_next(asha, false, &extra) == MLP_JOB_WAIT);
    mlp_tune_asha_report(asha, 0, 0, NAN); /* failed */
    mlp_tune_asha_report(asha, 1, 0, 0.5);
    mlp_tune_asha_report(asha, 2, 0, 0.4);
    /* Two completed rung 0 (the failure does not count): floor(2/3) = 0, nothing to promote. */
    CHECK(mlp_tune_asha_next(asha, false, &extra) == MLP_JOB_DONE);
    CHECK(mlp_tune_asha_trial_rung(asha, 0) == -1);
    CHECK(isnan(mlp_tune_asha_trial_score(asha, 0)));
    mlp_tune_asha_free(asha);
}

static void test_asha_release_keeps_rungs(void) {
    mlp_tune_asha *asha = NULL;
    mlp_error err;
    CHECK(mlp_tune_asha_new(&asha, 1, 3, 2, false, &err) == MLP_OK);
    mlp_tune_step s[2];
    CHECK(mlp_tune_asha_next(asha, true, &s[0]) == MLP_JOB_READY);
    CHECK(mlp_tune_asha_next(asha, true, &s[1]) == MLP_JOB_READY);
    mlp_tune_asha_report(asha, 0, 0, 0.7);
    mlp_tune_asha_report(asha, 1, 0, 0.6);
    mlp_tune_step p;
    CHECK(mlp_tune_asha_next(asha, false, &p) == MLP_JOB_READY && p.trial == 0 && p.rung == 1);
    mlp_tune_asha_release(asha, 0); /* stopped: rung 1 not completed, not promoted again */
    CHECK(mlp_tune_asha_trial_rung(asha, 0) == 0);
    CHECK_CLOSE(mlp_tune_asha_trial_score(asha, 0), 0.7, 1e-12);
    CHECK(mlp_tune_asha_next(asha, false, &p) == MLP_JOB_DONE);
    mlp_tune_asha_free(asha);
}

static void test_journal_parses_events(void) {
    const char *text =
        "{\"event\":\"start\",\"trial\":1,\"rung\":0,\"elapsed\":0.5}\n"
        "\n"
        "{\"event\":\"end\",\"trial\":1,\"rung\":0,\"elapsed\":1.5,\"epochs\":1,"
        "\"val_accuracy\":0.123456789012345678,\"best_val_accuracy\":0.2,\"test_accuracy\":null,"
        "\"seconds\":0.25}\n"
        "{\"event\":\"stop\",\"trial\":2,\"rung\":1,\"elapsed\":2,\"epochs\":null}\n"
        "{\"event\":\"done\",\"reason\":\"budget\",\"elapsed\":3}\n"
        "{\"event\":\"start\",\"trial\":3"; /* cut short: dropped */
    mlp_tune_event *e = NULL;
    size_t n = 0;
    mlp_error err = {0};
    CHECK_MSG(mlp_tune_journal_parse(text, "j", &e, &n, &err) == MLP_OK, "%s", err.message);
    CHECK(n == 4);
    if (n == 4) {
        CHECK(e[0].kind == MLP_TUNE_EVENT_START && e[0].trial == 0 && e[0].rung == 0);
        CHECK(e[1].kind == MLP_TUNE_EVENT_END && e[1].line == 3);
        CHECK(e[1].outcome.final_val_accuracy == 0.123456789012345678);
        CHECK(isnan(e[1].outcome.final_val_loss)); /* absent: null */
        CHECK(isnan(e[1].outcome.test_accuracy));
        CHECK(e[2].kind == MLP_TUNE_EVENT_STOP && e[2].trial == 1 && isnan(e[2].outcome.epochs));
        CHECK(e[3].kind == MLP_TUNE_EVENT_DONE && e[3].budget);
    }
    free(e);
    const char *with_loss = "{\"event\":\"end\",\"trial\":2,\"rung\":1,\"elapsed\":1,\"epochs\":3,"
                            "\"val_accuracy\":0.5,\"best_val_accuracy\":0.5,\"test_accuracy\":null,"
                            "\"seconds\":1,\"val_loss\":0.75}\n";
    CHECK_MSG(mlp_tune_journal_parse(with_loss, "j", &e, &n, &err) == MLP_OK, "%s", err.message);
    CHECK(n == 1 && e[0].outcome.final_val_loss == 0.75);
    free(e);
}

static void journal_fails(const char *text, const char *needle) {
    mlp_tune_event *e = NULL;
    size_t n = 0;
    mlp_error err = {0};
    CHECK_MSG(mlp_tune_journal_parse(text, "j", &e, &n, &err) == MLP_ERR_FORMAT, "'%s' parsed",
              text);
    CHECK(e == NULL);
    CHECK_MSG(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message, needle);
}

static void test_journal_bad_input(void) {
    journal_fails("{\"event\":\"start\",\"trial\":1,\"rung\":0,\"elapsed\":0}\nnot json\n",
                  "j:2: malformed JSON");
    journal_fails("[1]\n", "j:1: not a JSON object");
    journal_fails("{\"event\":\"begin\",\"elapsed\":0}\n", "event: expected");
    journal_fails("{\"event\":\"start\",\"trial\":0,\"rung\":0,\"elapsed\":0}\n", "trial:");
    journal_fails("{\"event\":\"start\",\"trial\":1.5,\"rung\":0,\"elapsed\":0}\n", "trial:");
    journal_fails("{\"event\":\"start\",\"trial\":1,\"rung\":32,\"elapsed\":0}\n", "rung:");
    journal_fails("{\"event\":\"start\",\"trial\":1,\"rung\":0}\n", "elapsed:");
    journal_fails("{\"event\":\"start\",\"trial\":1,\"rung\":0,\"elapsed\":-1}\n", "elapsed:");
    journal_fails("{\"event\":\"end\",\"trial\":1,\"rung\":0,\"elapsed\":0,\"epochs\":1,"
                  "\"val_accuracy\":null,\"best_val_accuracy\":null,\"test_accuracy\":null,"
                  "\"seconds\":1}\n",
                  "val_accuracy must be a number");
    journal_fails("{\"event\":\"end\",\"trial\":1,\"rung\":0,\"elapsed\":0}\n", "end:");
    journal_fails("{\"event\":\"end\",\"trial\":1,\"rung\":0,\"elapsed\":0,\"epochs\":1,"
                  "\"val_accuracy\":0.5,\"best_val_accuracy\":null,\"test_accuracy\":null,"
                  "\"seconds\":1,\"val_loss\":\"low\"}\n",
                  "val_loss must be a number or null");
    journal_fails("{\"event\":\"done\",\"reason\":\"tired\",\"elapsed\":0}\n", "reason:");
}

static void test_options_parse_and_bad_input(void) {
    mlp_tune_saved_options o;
    mlp_error err = {0};
    const char *good = "{\"config\":\"/a/b.ini\",\"sets\":[\"seed=4\"],\"seed\":"
                       "\"18446744073709551615\",\"method\":\"asha\",\"min_epochs\":1,"
                       "\"eta\":3,\"max_trials\":9,\"max_seconds\":0,\"jobs\":2,\"threads\":1}";
    CHECK_MSG(mlp_tune_parse_options(good, "t", &o, &err) == MLP_OK, "%s", err.message);
    CHECK(o.seed == UINT64_MAX && o.num_sets == 1 && strcmp(o.sets[0], "seed=4") == 0);
    CHECK(o.jobs == 2 && o.max_trials == 9 && !o.random_search);
    /* Without sampler and metric (a file from before them): random draws, by accuracy. */
    CHECK(o.sampler == MLP_TUNE_SAMPLER_RANDOM && o.metric == MLP_TUNE_METRIC_ACCURACY);
    mlp_tune_saved_options_free(&o);
    const char *halton_loss = "{\"config\":\"c\",\"sets\":[],\"seed\":\"1\",\"method\":\"asha\","
                              "\"sampler\":\"halton\",\"metric\":\"loss\",\"min_epochs\":1,"
                              "\"eta\":3,\"max_trials\":9,\"max_seconds\":0,\"jobs\":1,"
                              "\"threads\":0}";
    CHECK_MSG(mlp_tune_parse_options(halton_loss, "t", &o, &err) == MLP_OK, "%s", err.message);
    CHECK(o.sampler == MLP_TUNE_SAMPLER_HALTON && o.metric == MLP_TUNE_METRIC_LOSS);
    mlp_tune_saved_options_free(&o);
    const char *bad[][2] = {
        {"[]", "not a JSON object"},
        {"{\"sets\":[],\"seed\":\"1\",\"method\":\"asha\"}", "config:"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":1,\"method\":\"asha\"}", "seed:"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":\"-1\",\"method\":\"asha\"}", "seed:"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":\"1\",\"method\":\"grid\"}", "method:"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":\"1\",\"method\":\"asha\",\"sampler\":"
         "\"sobol\"}",
         "sampler:"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":\"1\",\"method\":\"asha\",\"metric\":1}",
         "metric:"},
        {"{\"config\":\"c\",\"sets\":[1],\"seed\":\"1\",\"method\":\"asha\",\"min_epochs\":1,"
         "\"eta\":3,\"max_trials\":9,\"max_seconds\":0,\"jobs\":1,\"threads\":0}",
         "sets[0]"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":\"1\",\"method\":\"asha\",\"min_epochs\":1,"
         "\"eta\":1,\"max_trials\":9,\"max_seconds\":0,\"jobs\":1,\"threads\":0}",
         "eta:"},
        {"{\"config\":\"c\",\"sets\":[],\"seed\":\"1\",\"method\":\"asha\",\"min_epochs\":1,"
         "\"eta\":3,\"max_trials\":0,\"max_seconds\":0,\"jobs\":1,\"threads\":0}",
         "budget"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_MSG(mlp_tune_parse_options(bad[i][0], "t", &o, &err) == MLP_ERR_FORMAT, "%s parsed",
                  bad[i][0]);
        CHECK_MSG(strstr(err.message, bad[i][1]) != NULL, "message '%s' lacks '%s'", err.message,
                  bad[i][1]);
        CHECK(o.config == NULL && o.sets == NULL);
    }
}

/* Points in [0, 1)^d, the same for the same seed, other ones for another seed. */
static void test_halton_in_range_and_repeatable(void) {
    mlp_tune_halton *a = NULL, *b = NULL, *c = NULL;
    mlp_rng ra, rb, rc;
    mlp_rng_seed(&ra, 5, 9);
    mlp_rng_seed(&rb, 5, 9);
    mlp_rng_seed(&rc, 6, 9);
    mlp_error err;
    CHECK(mlp_tune_halton_new(&a, 7, &ra, &err) == MLP_OK);
    CHECK(mlp_tune_halton_new(&b, 7, &rb, &err) == MLP_OK);
    CHECK(mlp_tune_halton_new(&c, 7, &rc, &err) == MLP_OK);
    size_t differ = 0;
    for (uint64_t i = 0; i < 500; i++) {
        double u[7], v[7], w[7];
        mlp_tune_halton_point(a, i, u);
        mlp_tune_halton_point(b, i, v);
        mlp_tune_halton_point(c, i, w);
        for (size_t j = 0; j < 7; j++) {
            CHECK_MSG(u[j] >= 0 && u[j] < 1, "point %llu dim %zu: %g", (unsigned long long)i, j,
                      u[j]);
            CHECK(u[j] == v[j]);
            differ += u[j] != w[j];
        }
    }
    CHECK(differ > 3000);
    mlp_tune_halton_free(a);
    mlp_tune_halton_free(b);
    mlp_tune_halton_free(c);
    CHECK(mlp_tune_halton_new(&a, 0, &ra, &err) == MLP_ERR_ARGUMENT);
    CHECK(mlp_tune_halton_new(&a, MLP_TUNE_HALTON_MAX_DIMS + 1, &ra, &err) == MLP_ERR_ARGUMENT);
}

/* Scrambling keeps each dimension stratified: the first 2^6 points put one point in each 1/64
 * of dimension 0 (base 2), the first 3^4 one in each 1/81 of dimension 1 (base 3). */
static void test_halton_stratified(void) {
    mlp_tune_halton *h = NULL;
    mlp_rng rng;
    mlp_rng_seed(&rng, 11, 3);
    mlp_error err;
    CHECK(mlp_tune_halton_new(&h, 2, &rng, &err) == MLP_OK);
    int in2[64] = {0}, in3[81] = {0};
    for (uint64_t i = 0; i < 81; i++) {
        double u[2];
        mlp_tune_halton_point(h, i, u);
        if (i < 64) in2[(int)(u[0] * 64)]++;
        in3[(int)(u[1] * 81)]++;
    }
    for (int k = 0; k < 64; k++)
        CHECK_MSG(in2[k] == 1, "cell %d of 64 holds %d", k, in2[k]);
    for (int k = 0; k < 81; k++)
        CHECK_MSG(in3[k] == 1, "cell %d of 81 holds %d", k, in3[k]);
    mlp_tune_halton_free(h);
}

/* sum over an 8 x 8 grid of (points in the cell - 1)^2 for 64 points: 0 for a perfect spread,
 * about 63 (the cells' Poisson variance) for independent uniform points. */
static double grid_spread(const double (*points)[2], size_t n) {
    int count[8][8] = {{0}};
    for (size_t i = 0; i < n; i++)
        count[(int)(points[i][0] * 8)][(int)(points[i][1] * 8)]++;
    double sum = 0;
    for (int x = 0; x < 8; x++)
        for (int y = 0; y < 8; y++)
            sum += (count[x][y] - 1.0) * (count[x][y] - 1.0);
    return sum;
}

/* For 64 points in 2D and each of 20 seeds, the Halton points fill an 8 x 8 grid more evenly than
 * 64 independent uniform points of the same generator: no cell holds more than 2, and the
 * spread's sum is under half of random's (docs/tuning.md quotes the sums printed here). */
static void test_halton_covers_more_evenly_than_random(void) {
    double halton_total = 0, random_total = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        mlp_rng rng;
        mlp_rng_seed(&rng, seed, 7);
        mlp_tune_halton *h = NULL;
        mlp_error err;
        CHECK(mlp_tune_halton_new(&h, 2, &rng, &err) == MLP_OK);
        double hp[64][2], rp[64][2];
        int most = 0;
        for (size_t i = 0; i < 64; i++) {
            mlp_tune_halton_point(h, i, hp[i]);
            rp[i][0] = mlp_rng_u32(&rng) * 0x1p-32;
            rp[i][1] = mlp_rng_u32(&rng) * 0x1p-32;
        }
        mlp_tune_halton_free(h);
        double hs = grid_spread((const double(*)[2])hp, 64);
        double rs = grid_spread((const double(*)[2])rp, 64);
        int count[8][8] = {{0}};
        for (size_t i = 0; i < 64; i++) {
            int c = ++count[(int)(hp[i][0] * 8)][(int)(hp[i][1] * 8)];
            most = c > most ? c : most;
        }
        CHECK_MSG(hs < rs, "seed %llu: halton %g, random %g", (unsigned long long)seed, hs, rs);
        CHECK_MSG(most <= 2, "seed %llu: a cell holds %d", (unsigned long long)seed, most);
        halton_total += hs;
        random_total += rs;
    }
    CHECK_MSG(halton_total < 0.5 * random_total, "halton %g, random %g", halton_total,
              random_total);
    printf("  64 points in an 8 x 8 grid, sum of (count - 1)^2 over 20 seeds: halton %.0f, "
           "random %.0f\n",
           halton_total, random_total);
}

/* sample_at maps each coordinate onto its key's range. */
static void test_sample_at_maps_the_unit_cube(void) {
    mlp_tune_space *space = parse_ok("network.hidden = choice(256, 1024:512, 64)\n"
                                     "schedule.lr = log_uniform(1e-4, 1e-2)\n"
                                     "network.dropout = uniform(0.1, 0.5)\n"
                                     "training.batch_size = int_uniform(16, 19)\n");
    const double low[4] = {0, 0, 0, 0}, mid[4] = {0.5, 0.5, 0.5, 0.5};
    const double high[4] = {0x1.fffffffffffffp-1, 0x1.fffffffffffffp-1, 0x1.fffffffffffffp-1,
                            0x1.fffffffffffffp-1};
    const char *expect[3][4] = {
        {"network.hidden=256", "schedule.lr=0.0001", "network.dropout=0.1",
         "training.batch_size=16"},
        {"network.hidden=1024,512", "schedule.lr=0.001", "network.dropout=0.3",
         "training.batch_size=18"},
        {"network.hidden=64", "schedule.lr=0.01", "network.dropout=0.5", "training.batch_size=19"},
    };
    const double *points[3] = {low, mid, high};
    for (size_t p = 0; p < 3; p++) {
        mlp_string_list s = {0};
        mlp_tune_space_sample_at(space, points[p], &s);
        CHECK(!s.failed && s.count == 4);
        for (size_t k = 0; k < 4; k++)
            CHECK_MSG(strcmp(s.items[k], expect[p][k]) == 0, "point %zu: %s, expected %s", p,
                      s.items[k], expect[p][k]);
        mlp_string_list_free(&s);
    }
    mlp_tune_space_free(space);
}

static void test_score_by_metric(void) {
    CHECK(mlp_tune_score(MLP_TUNE_METRIC_ACCURACY, 0.9, 0.3) == 0.9);
    CHECK(mlp_tune_score(MLP_TUNE_METRIC_LOSS, 0.9, 0.3) == -0.3);
    CHECK(isnan(mlp_tune_score(MLP_TUNE_METRIC_ACCURACY, NAN, 0.3)));
    CHECK(isnan(mlp_tune_score(MLP_TUNE_METRIC_LOSS, 0.9, NAN)));
    CHECK(isnan(mlp_tune_score(MLP_TUNE_METRIC_LOSS, 0.9, INFINITY)));
    CHECK(strcmp(mlp_tune_metric_name(MLP_TUNE_METRIC_LOSS), "loss") == 0);
    CHECK(strcmp(mlp_tune_sampler_name(MLP_TUNE_SAMPLER_HALTON), "halton") == 0);
}

/* The scripted sequence of test_asha_promotes_the_top_third ranked by validation loss: trial i
 * has loss 1 - score_i (the same order) and an accuracy that rises with its loss, so ranking by
 * accuracy would promote other trials. By loss the lowest losses go up, 1 (0.1) to rung 2. */
static void test_asha_promotes_by_loss(void) {
    mlp_tune_asha *asha = NULL;
    mlp_error err;
    CHECK(mlp_tune_asha_new(&asha, 1, 9, 3, false, &err) == MLP_OK);
    const double loss[9] = {0.5, 0.1, 0.9, 0.8, 0.7, 0.6, 0.2, 0.3, 0.4};
    size_t new_trials = 0, promotions[3] = {0}, promoted_to_2 = 99;
    size_t to_rung_1[4], n1 = 0;
    for (int guard = 0; guard < 100; guard++) {
        mlp_tune_step step;
        mlp_job_answer answer = mlp_tune_asha_next(asha, new_trials < 9, &step);
        if (answer == MLP_JOB_DONE) break;
        CHECK(answer == MLP_JOB_READY);
        if (!step.promoted) {
            new_trials++;
        } else {
            promotions[step.rung]++;
            if (step.rung == 1 && n1 < 4) to_rung_1[n1++] = step.trial;
            if (step.rung == 2) promoted_to_2 = step.trial;
        }
        /* The loss falls a little with the rung; the accuracy rises with the loss. */
        double l = loss[step.trial] - 0.01 * step.rung, accuracy = 0.5 + l / 2;
        mlp_tune_asha_report(asha, step.trial, step.rung,
                             mlp_tune_score(MLP_TUNE_METRIC_LOSS, accuracy, l));
    }
    CHECK(new_trials == 9 && promotions[1] == 4 && promotions[2] == 1);
    /* After 3: trial 1 (0.1); after 6: 0 (0.5, the best left of 0.5 0.9 0.8 0.7 0.6); after 7:
     * 6 (0.2); after 9: 7 (0.3). */
    CHECK(n1 == 4 && to_rung_1[0] == 1 && to_rung_1[1] == 0 && to_rung_1[2] == 6 &&
          to_rung_1[3] == 7);
    CHECK(promoted_to_2 == 1);
    CHECK_CLOSE(mlp_tune_asha_trial_score(asha, 1), -(0.1 - 0.02), 1e-12);
    mlp_tune_asha_free(asha);
}

int main(void) {
    RUN_TEST(test_parses_every_function);
    RUN_TEST(test_samples_in_range_and_repeatable);
    RUN_TEST(test_widest_range_stays_finite);
    RUN_TEST(test_bad_input_names_the_line);
    RUN_TEST(test_budget);
    RUN_TEST(test_asha_rungs);
    RUN_TEST(test_asha_promotes_the_top_third);
    RUN_TEST(test_asha_waits_for_running_and_skips_failures);
    RUN_TEST(test_asha_release_keeps_rungs);
    RUN_TEST(test_journal_parses_events);
    RUN_TEST(test_journal_bad_input);
    RUN_TEST(test_options_parse_and_bad_input);
    RUN_TEST(test_halton_in_range_and_repeatable);
    RUN_TEST(test_halton_stratified);
    RUN_TEST(test_halton_covers_more_evenly_than_random);
    RUN_TEST(test_sample_at_maps_the_unit_cube);
    RUN_TEST(test_score_by_metric);
    RUN_TEST(test_asha_promotes_by_loss);
    return harness_finish();
}
