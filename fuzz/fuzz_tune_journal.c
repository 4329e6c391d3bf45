/* libFuzzer target for the files of a resumable tune: the input is parsed as a journal
 * (journal.jsonl) and as the options file (tune.json), up to its first NUL byte. */
#include "tune/journal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    mlp_tune_event *events = NULL;
    size_t count = 0;
    if (mlp_tune_journal_parse(text, "fuzz.jsonl", &events, &count, NULL) == MLP_OK) free(events);
    mlp_tune_saved_options options;
    if (mlp_tune_parse_options(text, "fuzz.json", &options, NULL) == MLP_OK)
        mlp_tune_saved_options_free(&options);
    free(text);
    return 0;
}
