#include "harness.h"
#include "util/kv.h"

static void test_set_get_replace_keep_order(void) {
    mlp_kv kv = {0};
    char key[16], value[16];
    for (int i = 0; i < 40; i++) { /* past the first capacity */
        snprintf(key, sizeof key, "k%d", i);
        snprintf(value, sizeof value, "v%d", i);
        CHECK(mlp_kv_set(&kv, key, value, NULL) == MLP_OK);
    }
    CHECK(kv.count == 40);
    CHECK(mlp_kv_set(&kv, "k3", "three", NULL) == MLP_OK);
    CHECK(kv.count == 40 && strcmp(kv.keys[3], "k3") == 0 && strcmp(kv.values[3], "three") == 0);
    CHECK(strcmp(mlp_kv_get(&kv, "k39"), "v39") == 0);
    CHECK(mlp_kv_get(&kv, "k40") == NULL);
    mlp_kv_clear(&kv);
    CHECK(kv.count == 0 && kv.keys == NULL && mlp_kv_get(&kv, "k1") == NULL);
}

static void test_remove_keeps_the_others_in_order(void) {
    mlp_kv kv = {0};
    CHECK(mlp_kv_set(&kv, "a", "1", NULL) == MLP_OK);
    CHECK(mlp_kv_set(&kv, "b", "2", NULL) == MLP_OK);
    CHECK(mlp_kv_set(&kv, "c", "3", NULL) == MLP_OK);
    CHECK(mlp_kv_remove(&kv, "b"));
    CHECK(!mlp_kv_remove(&kv, "b"));
    CHECK(kv.count == 2 && strcmp(kv.keys[0], "a") == 0 && strcmp(kv.keys[1], "c") == 0);
    CHECK(strcmp(mlp_kv_get(&kv, "c"), "3") == 0 && mlp_kv_get(&kv, "b") == NULL);
    CHECK(mlp_kv_set(&kv, "b", "4", NULL) == MLP_OK);
    CHECK(kv.count == 3 && strcmp(kv.keys[2], "b") == 0);
    mlp_kv_clear(&kv);
}

int main(void) {
    RUN_TEST(test_set_get_replace_keep_order);
    RUN_TEST(test_remove_keeps_the_others_in_order);
    return harness_finish();
}
