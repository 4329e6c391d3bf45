#include "harness.h"
#include "util/text.h"

static void test_appends_grow_and_finish_hands_over(void) {
    mlp_text t = {0};
    for (int i = 0; i < 1000; i++)
        mlp_text_append(&t, "%d,", i % 10);
    mlp_text_append(&t, "%s", "end");
    mlp_error err;
    char *text = mlp_text_finish(&t, &err);
    CHECK(text && strlen(text) == 2003);
    CHECK(strncmp(text, "0,1,2,", 6) == 0 && strcmp(text + 2000, "end") == 0);
    CHECK(t.text == NULL && t.length == 0);
    free(text);
}

static void test_empty_text_is_an_empty_string(void) {
    mlp_text t = {0};
    mlp_error err;
    char *text = mlp_text_finish(&t, &err);
    CHECK(text && text[0] == '\0');
    free(text);
}

static void test_failure_is_reported_by_finish(void) {
    mlp_text t = {0};
    mlp_text_append(&t, "abc");
    t.failed = true; /* as after a failed realloc */
    mlp_text_append(&t, "def");
    mlp_error err;
    CHECK(mlp_text_finish(&t, &err) == NULL);
    CHECK(err.status == MLP_ERR_MEMORY);
}

static void test_copy_string_copies(void) {
    mlp_error err;
    const char *s = "class 7";
    char *copy = mlp_copy_string(s, &err);
    CHECK(copy && copy != s && strcmp(copy, s) == 0);
    free(copy);
}

static void test_trim_cuts_both_ends(void) {
    char a[] = " \t key = value \r\n", b[] = "plain", c[] = " \t\n";
    CHECK(strcmp(mlp_trim(a), "key = value") == 0);
    CHECK(strcmp(mlp_trim(b), "plain") == 0);
    CHECK(strcmp(mlp_trim(c), "") == 0);
}

int main(void) {
    RUN_TEST(test_appends_grow_and_finish_hands_over);
    RUN_TEST(test_empty_text_is_an_empty_string);
    RUN_TEST(test_failure_is_reported_by_finish);
    RUN_TEST(test_copy_string_copies);
    RUN_TEST(test_trim_cuts_both_ends);
    return harness_finish();
}
