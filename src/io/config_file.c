#include "io/config_file.h"

#include "io/folders.h"
#include "util/error.h"
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Config files larger than this are refused before parsing (a config is a few kilobytes). */
#define MAX_CONFIG_BYTES ((size_t)1 << 20)

/* One key's current value: its text as given (what to_text writes back), where it came from,
 * and the parsed form for its type. A value at its default borrows the schema's default_text and
 * default_origin instead of copies (two allocations per key less: mlp_ini_new made 110 copies for
 * the training schema). */
typedef struct {
    char *text;   /* owned, unless it is the key's default_text */
    char *origin; /* owned, unless it is default_origin */
    bool is_set;
    int64_t int_value;
    double float_value;
    bool bool_value;
    size_t choice;
    size_t count; /* lists */
    int64_t *ints;
    double *floats;
    char **strings;
} ini_value;

static const char default_origin[] = "default";

struct mlp_ini {
    const mlp_ini_schema *schema;
    ini_value *values;
};

/* ---- names ------------------------------------------------------------------------------- */

/* "section.key", or "key" for a top-level key. */
static void full_name(const mlp_ini_key *key, char *out, size_t size) {
    if (key->section[0])
        snprintf(out, size, "%s.%s", key->section, key->key);
    else
        snprintf(out, size, "%s", key->key);
}

/* Linear, as schemas are small; the first characters are compared before strcmp is called, since
 * mlp_ini_new looks up every key (to refuse duplicates) and strcmp calls dominated it. */
static ptrdiff_t find_key(const mlp_ini_schema *schema, const char *section, const char *key) {
    for (size_t i = 0; i < schema->num_keys; i++) {
        const mlp_ini_key *k = &schema->keys[i];
        if (k->key[0] == key[0] && k->section[0] == section[0] && strcmp(k->key, key) == 0 &&
            strcmp(k->section, section) == 0)
            return (ptrdiff_t)i;
    }
    return -1;
}

static bool section_exists(const mlp_ini_schema *schema, const char *section) {
    for (size_t i = 0; i < schema->num_keys; i++)
        if (strcmp(schema->keys[i].section, section) == 0) return true;
    return false;
}

/* Looks up "section.key" (split at the first dot; no dot: a top-level key). */
static ptrdiff_t find_name(const mlp_ini_schema *schema, const char *name) {
    const char *dot = strchr(name, '.');
    if (!dot) return find_key(schema, "", name);
    char section[128];
    size_t n = (size_t)(dot - name);
    if (n >= sizeof section) return -1;
    memcpy(section, name, n);
    section[n] = '\0';
    return find_key(schema, section, dot + 1);
}

/* Levenshtein distance (insertions, deletions, substitutions), case-insensitive: one row of the
 * table at a time. */
static size_t edit_distance_rows(const char *a, const char *b) {
    size_t n = strlen(b);
    if (n > 255) n = 255;
    size_t row[256];
    for (size_t j = 0; j <= n; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t above = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diagonal + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[n];
}

/* The same distance by Myers' bit-parallel algorithm (Hyyro's form for the whole-string
 * distance) when b has 1..64 characters, as every schema name does: a column of the table is
 * held as bit vectors of +1/-1 vertical differences (pv, mv) and advanced one character of `a`
 * per step in a few word operations, instead of |b| cell updates. Suggestions for an unknown
 * key compare it with every name in the schema, twice. */
static size_t edit_distance(const char *a, const char *b) {
    size_t m = strlen(b);
    if (m == 0 || m > 64) return edit_distance_rows(a, b);
    /* Per character: the positions in b where it matches. Only the entries of a's and b's
     * characters are read, so only they are cleared (zeroing all 256, 2 KB, per call was a
     * third of the time). */
    uint64_t peq[256];
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        peq[*p] = 0;
    for (size_t j = 0; j < m; j++) {
        int c = tolower((unsigned char)b[j]);
        peq[c] = peq[toupper(c)] = 0;
    }
    for (size_t j = 0; j < m; j++) {
        int c = tolower((unsigned char)b[j]);
        peq[c] |= (uint64_t)1 << j;
        peq[toupper(c)] |= (uint64_t)1 << j;
    }
    uint64_t high = (uint64_t)1 << (m - 1);
    uint64_t pv = ~(uint64_t)0, mv = 0;
    size_t score = m; /* the table's last row entry for the characters of a seen so far */
    for (const unsigned char *p = (const unsigned char *)a; *p; p++) {
        uint64_t eq = peq[*p];
        uint64_t xv = eq | mv;
        uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        uint64_t ph = mv | ~(xh | pv);
        uint64_t mh = pv & xh;
        /* ph and mh never share a bit: +1, -1 or 0, without a branch (under a fuzzer's
         * coverage tracing each branch is a call) */
        score += (size_t)((ph & high) != 0) - (size_t)((mh & high) != 0);
        ph = ph << 1 | 1; /* the table's first row grows by one per character of a */
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    return score;
}

/* The valid name nearest to "section.key": by the edit distance of the whole name, or of the key
 * alone plus one for another section (so a key put in the wrong section, or misspelt there, finds
 * its own), ties broken by the whole name's distance. */
static void nearest_name(const mlp_ini_schema *schema, const char *section, const char *key,
                         char *out, size_t size) {
    char wanted[256], candidate[256];
    snprintf(wanted, sizeof wanted, section[0] ? "%s.%s" : "%s%s", section, key);
    size_t best = (size_t)-1, best_whole = (size_t)-1;
    size_t wanted_len = strlen(wanted), key_len = strlen(key);
    out[0] = '\0';
    for (size_t i = 0; i < schema->num_keys; i++) {
        const mlp_ini_key *k = &schema->keys[i];
        bool other_section = strcmp(section, k->section) != 0;
        /* A distance is at least the difference of the lengths: a name whose two bounds both
         * exceed the best distance so far cannot win, or tie (most names, once one is close). */
        size_t k_key_len = strlen(k->key), k_section_len = strlen(k->section);
        size_t k_len = k_section_len + (k_section_len > 0) + k_key_len;
        size_t whole_bound = wanted_len > k_len ? wanted_len - k_len : k_len - wanted_len;
        size_t key_bound =
            (key_len > k_key_len ? key_len - k_key_len : k_key_len - key_len) + other_section;
        if (k_len <= 64 && whole_bound > best && key_bound > best) continue;
        full_name(k, candidate, sizeof candidate);
        size_t whole = edit_distance(wanted, candidate);
        size_t by_key = edit_distance(key, k->key) + other_section;
        size_t d = by_key < whole ? by_key : whole;
        if (d < best || (d == best && whole < best_whole)) {
            best = d;
            best_whole = whole;
            snprintf(out, size, "%s", candidate);
        }
    }
}

/* The named section nearest to `section`. */
static const char *nearest_section(const mlp_ini_schema *schema, const char *section) {
    const char *nearest = "";
    size_t best = (size_t)-1;
    for (size_t i = 0; i < schema->num_keys; i++) {
        /* keys of one section are usually listed together: its distance is known */
        if (i > 0 && strcmp(schema->keys[i].section, schema->keys[i - 1].section) == 0) continue;
        size_t d = edit_distance(section, schema->keys[i].section);
        if (schema->keys[i].section[0] && d < best) {
            best = d;
            nearest = schema->keys[i].section;
        }
    }
    return nearest;
}

/* ---- values ------------------------------------------------------------------------------ */

static void clear_parsed(ini_value *v) {
    for (size_t i = 0; v->strings && i < v->count; i++)
        free(v->strings[i]);
    free(v->ints);
    free(v->floats);
    free(v->strings);
    v->ints = NULL;
    v->floats = NULL;
    v->strings = NULL;
    v->count = 0;
}

static void trim(const char **begin, const char **end) {
    while (*begin < *end && isspace((unsigned char)**begin))
        (*begin)++;
    while (*end > *begin && isspace((unsigned char)(*end)[-1]))
        (*end)--;
}

static bool parse_int(const char *text, int64_t *out) {
    if (!*text || isspace((unsigned char)*text)) return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*end || errno) return false;
    *out = (int64_t)v;
    return true;
}

static bool parse_float(const char *text, double *out) {
    if (!*text || isspace((unsigned char)*text)) return false;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) return false;
    *out = v;
    return true;
}

static bool parse_bool(const char *text, bool *out) {
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0) return *out = true, true;
        if (strcasecmp(text, no[i]) == 0) return *out = false, true;
    }
    return false;
}

static bool parse_choice(const mlp_ini_key *key, const char *text, size_t *out) {
    for (size_t i = 0; key->choices[i]; i++)
        if (strcmp(text, key->choices[i]) == 0) return *out = i, true;
    return false;
}

/* The type as named in messages and docs. */
static const char *type_description(mlp_ini_type type) {
    switch (type) {
    case MLP_INI_INT:
        return "an integer";
    case MLP_INI_FLOAT:
        return "a finite number";
    case MLP_INI_BOOL:
        return "true or false";
    case MLP_INI_STRING:
        return "a string";
    case MLP_INI_ENUM:
        return "one of the names";
    case MLP_INI_INT_LIST:
        return "a comma-separated list of integers";
    case MLP_INI_FLOAT_LIST:
        return "a comma-separated list of numbers";
    case MLP_INI_STRING_LIST:
        return "a comma-separated list of strings";
    }
    return "?";
}

/* The type as named in the docs table (enums list their names instead). */
static const char *type_doc_name(mlp_ini_type type) {
    switch (type) {
    case MLP_INI_INT:
        return "integer";
    case MLP_INI_FLOAT:
        return "number";
    case MLP_INI_BOOL:
        return "boolean";
    case MLP_INI_STRING:
        return "string";
    case MLP_INI_ENUM:
        return "name";
    case MLP_INI_INT_LIST:
        return "list of integers";
    case MLP_INI_FLOAT_LIST:
        return "list of numbers";
    case MLP_INI_STRING_LIST:
        return "list of strings";
    }
    return "?";
}

/* Splits a list at commas into trimmed items and parses each; an empty text is an empty list.
 * On failure `bad_item` gets the 1-based item number (0: memory). */
static bool parse_list(const mlp_ini_key *key, const char *text, ini_value *v, size_t *bad_item) {
    *bad_item = 0;
    const char *p = text, *text_end = text + strlen(text);
    trim(&p, &text_end);
    if (p == text_end) return true;
    size_t capacity = 1;
    for (const char *c = p; c < text_end; c++)
        capacity += *c == ',';
    if (key->type == MLP_INI_INT_LIST) v->ints = calloc(capacity, sizeof *v->ints);
    if (key->type == MLP_INI_FLOAT_LIST) v->floats = calloc(capacity, sizeof *v->floats);
    if (key->type == MLP_INI_STRING_LIST) v->strings = calloc(capacity, sizeof *v->strings);
    if (!v->ints && !v->floats && !v->strings) return false;
    char item[256];
    while (p <= text_end) {
        const char *comma = memchr(p, ',', (size_t)(text_end - p));
        const char *item_end = comma ? comma : text_end;
        const char *b = p, *e = item_end;
        trim(&b, &e);
        *bad_item = v->count + 1;
        size_t n = (size_t)(e - b);
        if (n == 0 || n >= sizeof item) return false;
        memcpy(item, b, n);
        item[n] = '\0';
        bool ok = true;
        if (key->type == MLP_INI_INT_LIST)
            ok = parse_int(item, &v->ints[v->count]);
        else if (key->type == MLP_INI_FLOAT_LIST)
            ok = parse_float(item, &v->floats[v->count]);
        else
            ok = (v->strings[v->count] = strdup(item)) != NULL;
        if (!ok) return false;
        v->count++;
        p = item_end + 1;
    }
    *bad_item = 0;
    return true;
}

/* Parses text as key's type into v (replacing its value). On failure, why says what was
 * expected and v keeps its previous value. */
static bool parse_value(const mlp_ini_key *key, const char *text, ini_value *v, char *why,
                        size_t why_size) {
    ini_value parsed = {0};
    bool ok = true;
    size_t bad_item = 0;
    switch (key->type) {
    case MLP_INI_INT:
        ok = parse_int(text, &parsed.int_value);
        break;
    case MLP_INI_FLOAT:
        ok = parse_float(text, &parsed.float_value);
        break;
    case MLP_INI_BOOL:
        ok = parse_bool(text, &parsed.bool_value);
        break;
    case MLP_INI_STRING:
        break;
    case MLP_INI_ENUM:
        ok = parse_choice(key, text, &parsed.choice);
        break;
    case MLP_INI_INT_LIST:
    case MLP_INI_FLOAT_LIST:
    case MLP_INI_STRING_LIST:
        ok = parse_list(key, text, &parsed, &bad_item);
        break;
    }
    char *copy = !ok ? NULL : text == key->default_text ? (char *)key->default_text : strdup(text);
    if (!ok || !copy) {
        clear_parsed(&parsed);
        if (ok)
            snprintf(why, why_size, "out of memory");
        else if (key->type == MLP_INI_ENUM) {
            size_t used = (size_t)snprintf(why, why_size, "expected one of");
            for (size_t i = 0; key->choices[i] && used < why_size; i++)
                used += (size_t)snprintf(why + used, why_size - used, "%s %s", i ? "," : "",
                                         key->choices[i]);
        } else if (bad_item)
            snprintf(why, why_size, "item %zu: expected %s", bad_item, type_description(key->type));
        else
            snprintf(why, why_size, "expected %s", type_description(key->type));
        return false;
    }
    clear_parsed(v);
    if (v->text != key->default_text) free(v->text);
    parsed.origin = v->origin;
    parsed.is_set = v->is_set;
    parsed.text = copy;
    *v = parsed;
    return true;
}

static bool set_origin(ini_value *v, const char *origin) {
    char *copy = strdup(origin);
    if (!copy) return false;
    if (v->origin != default_origin) free(v->origin);
    v->origin = copy;
    return true;
}

/* Whether `value` survives the round trip through mlp_ini_to_text, which writes "key = value" on
 * one line: libinih ends a value at a line break and at ';' after whitespace (an inline comment,
 * so also at a leading ';' once " = " precedes it), and this reader refuses lines longer than
 * MLP_INI_MAX_LINE. Such values are refused where they are given rather than escaped, so the
 * written config.ini stays plain INI text that reads back through any INI reader unchanged. */
static bool writable(const mlp_ini_key *k, const char *value, char *why, size_t size) {
    const char *p = value;
    while (*p && *p != '\n' && *p != '\r' &&
           !(*p == ';' && (p == value || isspace((unsigned char)p[-1]))))
        p++;
    if (*p == '\n' || *p == '\r') {
        snprintf(why, size, "a value cannot hold a line break");
        return false;
    }
    if (*p == ';') {
        snprintf(why, size,
                 "a value cannot hold ';' at its start or after a space (it starts a comment in "
                 "INI files)");
        return false;
    }
    size_t line = strlen(k->key) + 3 + strlen(value);
    if (line > MLP_INI_MAX_LINE) {
        snprintf(why, size,
                 "too long: written back as '%s = ...' it makes a line of %zu characters, more "
                 "than the %d a config line may hold",
                 k->key, line, MLP_INI_MAX_LINE);
        return false;
    }
    return true;
}

/* ---- creation ---------------------------------------------------------------------------- */

void mlp_ini_free(mlp_ini *ini) {
    if (!ini) return;
    for (size_t i = 0; ini->values && i < ini->schema->num_keys; i++) {
        clear_parsed(&ini->values[i]);
        if (ini->values[i].text != ini->schema->keys[i].default_text) free(ini->values[i].text);
        if (ini->values[i].origin != default_origin) free(ini->values[i].origin);
    }
    free(ini->values);
    free(ini);
}

static bool valid_identifier(const char *s, bool may_be_empty) {
    if (!*s) return may_be_empty;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') return false;
    return true;
}

/* Whether keys[i] repeats an earlier key (compared with those alone: half of find_key's work). */
static bool listed_before(const mlp_ini_schema *schema, size_t i) {
    const mlp_ini_key *k = &schema->keys[i];
    for (size_t j = 0; j < i; j++) {
        const mlp_ini_key *e = &schema->keys[j];
        if (e->key[0] == k->key[0] && strcmp(e->key, k->key) == 0 &&
            strcmp(e->section, k->section) == 0)
            return true;
    }
    return false;
}

/* Every key at its default; with `check`, the schema's own rules first (names, duplicates,
 * choices, help lines, defaults config.ini can hold). The defaults are parsed either way, as
 * their parsed forms are the values. */
static mlp_status ini_create(mlp_ini **out, const mlp_ini_schema *schema, bool check,
                             mlp_error *err) {
    *out = NULL;
    mlp_ini *ini = mlp_calloc(1, sizeof *ini, err);
    if (!ini) return MLP_ERR_MEMORY;
    ini->schema = schema;
    ini->values = mlp_calloc(schema->num_keys, sizeof *ini->values, err);
    if (!ini->values) {
        free(ini);
        return MLP_ERR_MEMORY;
    }
    mlp_status status = MLP_OK;
    for (size_t i = 0; i < schema->num_keys && status == MLP_OK; i++) {
        const mlp_ini_key *key = &schema->keys[i];
        char why[256];
        if (check && (!valid_identifier(key->section, true) || !valid_identifier(key->key, false)))
            status = mlp_fail(err, MLP_ERR_ARGUMENT, "config schema: invalid name '%s.%s'",
                              key->section, key->key);
        else if (check && listed_before(schema, i))
            status = mlp_fail(err, MLP_ERR_ARGUMENT, "config schema: '%s.%s' listed twice",
                              key->section, key->key);
        else if (check && key->type == MLP_INI_ENUM && (!key->choices || !key->choices[0]))
            status = mlp_fail(err, MLP_ERR_ARGUMENT, "config schema: '%s.%s' has no choices",
                              key->section, key->key);
        else if (check && (strchr(key->help, '\n') || strlen(key->help) + 2 > MLP_INI_MAX_LINE))
            status = mlp_fail(err, MLP_ERR_ARGUMENT,
                              "config schema: help of '%s.%s' is not one line of at most %d "
                              "characters",
                              key->section, key->key, MLP_INI_MAX_LINE - 2);
        else if ((check && !writable(key, key->default_text, why, sizeof why)) ||
                 !parse_value(key, key->default_text, &ini->values[i], why, sizeof why))
            status = mlp_fail(err, MLP_ERR_ARGUMENT, "config schema: default of '%s.%s': %s",
                              key->section, key->key, why);
        else
            ini->values[i].origin = (char *)default_origin; /* never written through */
    }
    if (status != MLP_OK) {
        mlp_ini_free(ini);
        return status;
    }
    *out = ini;
    return mlp_ok(err);
}

mlp_status mlp_ini_new(mlp_ini **out, const mlp_ini_schema *schema, mlp_error *err) {
    return ini_create(out, schema, true, err);
}

mlp_status mlp_ini_new_checked(mlp_ini **out, const mlp_ini_schema *schema, mlp_error *err) {
    return ini_create(out, schema, false, err);
}

mlp_status mlp_ini_schema_check(const mlp_ini_schema *schema, mlp_error *err) {
    mlp_ini *ini;
    MLP_TRY(ini_create(&ini, schema, true, err));
    mlp_ini_free(ini);
    return MLP_OK;
}

/* ---- assigning values -------------------------------------------------------------------- */

/* Sets section.key = value, recording origin; `where` prefixes messages ("FILE:LINE" or
 * "--set"). Unknown names get the nearest valid name as a suggestion. */
static mlp_status assign(mlp_ini *ini, const char *section, const char *key, const char *value,
                         const char *where, const char *origin, ptrdiff_t *index, mlp_error *err) {
    ptrdiff_t i = find_key(ini->schema, section, key);
    if (i < 0) {
        char suggestion[256];
        nearest_name(ini->schema, section, key, suggestion, sizeof suggestion);
        if (section[0] && !section_exists(ini->schema, section))
            return mlp_fail(err, MLP_ERR_ARGUMENT,
                            "%s: unknown section [%s] (key '%s'); did you mean '%s'?", where,
                            section, key, suggestion);
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: unknown key '%s%s%s'; did you mean '%s'?",
                        where, section, section[0] ? "." : "", key, suggestion);
    }
    const mlp_ini_key *k = &ini->schema->keys[i];
    char why[512];
    if (!writable(k, value, why, sizeof why) ||
        !parse_value(k, value, &ini->values[i], why, sizeof why))
        return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %s%s%s = '%s': %s", where, k->section,
                        k->section[0] ? "." : "", k->key, value, why);
    if (!set_origin(&ini->values[i], origin))
        return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory", where);
    ini->values[i].is_set = true;
    if (index) *index = i;
    return MLP_OK;
}

mlp_status mlp_ini_set(mlp_ini *ini, const char *assignment, mlp_error *err) {
    const char *equals = strchr(assignment, '=');
    if (!equals)
        return mlp_fail(err, MLP_ERR_ARGUMENT,
                        "--set %s: expected section.key=value (e.g. schedule.lr=0.01)", assignment);
    const char *name = assignment, *name_end = equals;
    trim(&name, &name_end);
    const char *value = equals + 1, *value_end = value + strlen(value);
    trim(&value, &value_end);
    char section[128] = "", key[128], value_text[1024], where[160];
    const char *dot = memchr(name, '.', (size_t)(name_end - name));
    const char *key_begin = dot ? dot + 1 : name;
    size_t section_len = dot ? (size_t)(dot - name) : 0;
    size_t key_len = (size_t)(name_end - key_begin);
    size_t value_len = (size_t)(value_end - value);
    if (section_len >= sizeof section || key_len >= sizeof key || key_len == 0 ||
        value_len >= sizeof value_text)
        return mlp_fail(err, MLP_ERR_ARGUMENT, "--set %.100s: name or value too long or empty",
                        assignment);
    memcpy(section, name, section_len);
    section[section_len] = '\0';
    memcpy(key, key_begin, key_len);
    key[key_len] = '\0';
    memcpy(value_text, value, value_len);
    value_text[value_len] = '\0';
    snprintf(where, sizeof where, "--set %.100s", assignment);
    return assign(ini, section, key, value_text, where, "--set", NULL, err);
}

/* ---- reading INI text with libinih ------------------------------------------------------- */

/* The state of one parse: the text is handed to inih line by line through `read_line`, which
 * counts lines (so messages carry file:line), checks section headers and line lengths, and
 * notes whether the line is indented (inih reads an indented line as a continuation). */
typedef struct {
    mlp_ini *ini;
    const char *name;
    const char *text;
    size_t position, line;
    bool indented;
    size_t *set_at_line; /* per key: line of this file that set it, 0 if none */
    ptrdiff_t previous_key;
    mlp_error *err;
    mlp_status status;
} parse_state;

static char *read_line(char *buffer, int size, void *stream) {
    parse_state *s = stream;
    if (s->status != MLP_OK || !s->text[s->position]) return NULL;
    const char *begin = s->text + s->position;
    const char *newline = strchr(begin, '\n');
    size_t length = newline ? (size_t)(newline - begin) + 1 : strlen(begin);
    s->line++;
    size_t content = length;
    while (content > 0 && (begin[content - 1] == '\n' || begin[content - 1] == '\r'))
        content--;
    /* inih's buffer must hold the content, "\r\n" and the NUL. */
    if (size < 3 || content > (size_t)size - 3) {
        s->status = mlp_fail(s->err, MLP_ERR_FORMAT, "%s:%zu: line longer than %d characters",
                             s->name, s->line, size - 3);
        return NULL;
    }
    memcpy(buffer, begin, length);
    buffer[length] = '\0';
    s->position += length;
    s->indented = isspace((unsigned char)buffer[0]) && buffer[0] != '\n' && buffer[0] != '\r';
    /* A section header must name a known section, even one without keys. */
    const char *p = buffer;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (close) {
            char section[128];
            size_t n = (size_t)(close - p - 1);
            if (n >= sizeof section) n = sizeof section - 1;
            memcpy(section, p + 1, n);
            section[n] = '\0';
            if (!section_exists(s->ini->schema, section)) {
                s->status = mlp_fail(s->err, MLP_ERR_ARGUMENT,
                                     "%s:%zu: unknown section [%s]; did you mean [%s]?", s->name,
                                     s->line, section, nearest_section(s->ini->schema, section));
                return NULL;
            }
        }
    }
    return buffer;
}

static int handle_pair(void *user, const char *section, const char *key, const char *value) {
    parse_state *s = user;
    if (s->status != MLP_OK) return 0;
    char where[512];
    snprintf(where, sizeof where, "%s:%zu", s->name, s->line);
    ptrdiff_t i = find_key(s->ini->schema, section, key);
    if (s->indented && i >= 0 && i == s->previous_key) {
        s->status = mlp_fail(s->err, MLP_ERR_FORMAT,
                             "%s: indented line continues the value of '%s%s%s'; multi-line "
                             "values are not supported (remove the indentation)",
                             where, section, section[0] ? "." : "", key);
        return 0;
    }
    if (i >= 0 && s->set_at_line[i]) {
        s->status = mlp_fail(s->err, MLP_ERR_ARGUMENT,
                             "%s: duplicate key '%s%s%s' (already set at line %zu)", where, section,
                             section[0] ? "." : "", key, s->set_at_line[i]);
        return 0;
    }
    s->status = assign(s->ini, section, key, value, where, where, &i, s->err);
    if (s->status != MLP_OK) return 0;
    s->set_at_line[i] = s->line;
    s->previous_key = i;
    return 1;
}

mlp_status mlp_ini_load_text(mlp_ini *ini, const char *text, const char *name, mlp_error *err) {
    parse_state s = {.ini = ini, .name = name, .text = text, .previous_key = -1, .err = err};
    s.set_at_line = mlp_calloc(ini->schema->num_keys, sizeof *s.set_at_line, err);
    if (!s.set_at_line) return MLP_ERR_MEMORY;
    int result = ini_parse_stream(read_line, &s, handle_pair, &s);
    free(s.set_at_line);
    if (s.status != MLP_OK) return s.status;
    if (result > 0)
        return mlp_fail(err, MLP_ERR_FORMAT,
                        "%s:%d: syntax error: expected [section], key = value or a comment", name,
                        result);
    if (result < 0) return mlp_fail(err, MLP_ERR_MEMORY, "%s: out of memory while parsing", name);
    return mlp_ok(err);
}

mlp_status mlp_ini_load_file(mlp_ini *ini, const char *path, mlp_error *err) {
    char *text;
    size_t size;
    MLP_TRY(mlp_read_file(path, MAX_CONFIG_BYTES, &text, &size, err));
    const char *nul = memchr(text, '\0', size);
    mlp_status status =
        nul ? mlp_fail(err, MLP_ERR_FORMAT, "%s: byte %zu: NUL byte; not a text file", path,
                       (size_t)(nul - text))
            : mlp_ini_load_text(ini, text, path, err);
    free(text);
    return status;
}

/* ---- getters ----------------------------------------------------------------------------- */

/* The value of `name`, checked to have `type`; NULL with err set otherwise. */
static const ini_value *lookup(const mlp_ini *ini, const char *name, mlp_ini_type type,
                               mlp_error *err) {
    ptrdiff_t i = find_name(ini->schema, name);
    if (i < 0) {
        mlp_fail(err, MLP_ERR_ARGUMENT, "config: no key '%s' in the schema", name);
        return NULL;
    }
    if (ini->schema->keys[i].type != type) {
        mlp_fail(err, MLP_ERR_ARGUMENT, "config: key '%s' is not %s", name, type_description(type));
        return NULL;
    }
    return &ini->values[i];
}

mlp_status mlp_ini_get_int(const mlp_ini *ini, const char *name, int64_t *value, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_INT, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *value = v->int_value;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_float(const mlp_ini *ini, const char *name, double *value, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_FLOAT, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *value = v->float_value;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_bool(const mlp_ini *ini, const char *name, bool *value, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_BOOL, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *value = v->bool_value;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_string(const mlp_ini *ini, const char *name, const char **value,
                              mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_STRING, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *value = v->text;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_enum(const mlp_ini *ini, const char *name, size_t *index,
                            const char **choice, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_ENUM, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *index = v->choice;
    if (choice) *choice = v->text;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_int_list(const mlp_ini *ini, const char *name, const int64_t **items,
                                size_t *count, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_INT_LIST, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *items = v->ints;
    *count = v->count;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_float_list(const mlp_ini *ini, const char *name, const double **items,
                                  size_t *count, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_FLOAT_LIST, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *items = v->floats;
    *count = v->count;
    return mlp_ok(err);
}

mlp_status mlp_ini_get_string_list(const mlp_ini *ini, const char *name, const char *const **items,
                                   size_t *count, mlp_error *err) {
    const ini_value *v = lookup(ini, name, MLP_INI_STRING_LIST, err);
    if (!v) return MLP_ERR_ARGUMENT;
    *items = (const char *const *)v->strings;
    *count = v->count;
    return mlp_ok(err);
}

const char *mlp_ini_origin(const mlp_ini *ini, const char *name) {
    ptrdiff_t i = find_name(ini->schema, name);
    return i < 0 ? NULL : ini->values[i].origin;
}

bool mlp_ini_is_set(const mlp_ini *ini, const char *name) {
    ptrdiff_t i = find_name(ini->schema, name);
    return i >= 0 && ini->values[i].is_set;
}

const char *mlp_ini_value_text(const mlp_ini *ini, const char *name) {
    ptrdiff_t i = find_name(ini->schema, name);
    return i < 0 ? NULL : ini->values[i].text;
}

bool mlp_ini_same_value(const mlp_ini *a, const mlp_ini *b, size_t index) {
    const ini_value *x = &a->values[index], *y = &b->values[index];
    switch (a->schema->keys[index].type) {
    case MLP_INI_INT:
        return x->int_value == y->int_value;
    case MLP_INI_FLOAT:
        return x->float_value == y->float_value;
    case MLP_INI_BOOL:
        return x->bool_value == y->bool_value;
    case MLP_INI_ENUM:
        return x->choice == y->choice;
    case MLP_INI_STRING:
        return strcmp(x->text, y->text) == 0;
    case MLP_INI_INT_LIST:
    case MLP_INI_FLOAT_LIST:
    case MLP_INI_STRING_LIST:
        break;
    }
    if (x->count != y->count) return false;
    mlp_ini_type type = a->schema->keys[index].type;
    for (size_t k = 0; k < x->count; k++)
        if (type == MLP_INI_INT_LIST     ? x->ints[k] != y->ints[k]
            : type == MLP_INI_FLOAT_LIST ? x->floats[k] != y->floats[k]
                                         : strcmp(x->strings[k], y->strings[k]) != 0)
            return false;
    return true;
}

mlp_status mlp_ini_invalid(const mlp_ini *ini, const char *name, mlp_error *err, const char *format,
                           ...) {
    char reason[MLP_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(reason, sizeof reason, format, args);
    va_end(args);
    ptrdiff_t i = find_name(ini->schema, name);
    if (i < 0) return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %s", name, reason);
    return mlp_fail(err, MLP_ERR_ARGUMENT, "%s: %s = %s: %s", ini->values[i].origin, name,
                    ini->values[i].text, reason);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* True when keys[index] is the first key of its section in the schema. */
static bool opens_section(const mlp_ini_schema *schema, size_t index) {
    for (size_t j = 0; j < index; j++)
        if (strcmp(schema->keys[j].section, schema->keys[index].section) == 0) return false;
    return true;
}

/* The sections in order of first appearance, top-level keys ("") first: calls write_section
 * once per section. */
static void for_each_section(const mlp_ini_schema *schema,
                             void (*write_section)(const mlp_ini_schema *, const char *, void *),
                             void *context) {
    if (section_exists(schema, "")) write_section(schema, "", context);
    for (size_t i = 0; i < schema->num_keys; i++)
        if (schema->keys[i].section[0] && opens_section(schema, i))
            write_section(schema, schema->keys[i].section, context);
}

typedef struct {
    const mlp_ini *ini;
    mlp_text *out;
} ini_writer;

static void write_ini_section(const mlp_ini_schema *schema, const char *section, void *context) {
    ini_writer *w = context;
    if (section[0]) mlp_text_append(w->out, "\n[%s]\n", section);
    for (size_t i = 0; i < schema->num_keys; i++) {
        const mlp_ini_key *key = &schema->keys[i];
        if (strcmp(key->section, section) != 0) continue;
        mlp_text_append(w->out, "# %s\n%s = %s\n", key->help, key->key, w->ini->values[i].text);
    }
}

char *mlp_ini_to_text(const mlp_ini *ini, mlp_error *err) {
    mlp_text out = {0};
    mlp_text_append(
        &out, "# The effective configuration: every key with its value (defaults filled in).\n");
    ini_writer w = {ini, &out};
    for_each_section(ini->schema, write_ini_section, &w);
    return mlp_text_finish(&out, err);
}

/* Writes text into a Markdown table cell: '|' escaped, nothing else changed. */
static void append_cell(mlp_text *out, const char *text) {
    for (const char *p = text; *p; p++)
        mlp_text_append(out, *p == '|' ? "\\|" : "%c", *p);
}

static void write_markdown_section(const mlp_ini_schema *schema, const char *section,
                                   void *context) {
    mlp_text *out = context;
    if (section[0])
        mlp_text_append(out, "\n## [%s]\n\n", section);
    else
        mlp_text_append(out, "\n## Top-level keys (before any section)\n\n");
    mlp_text_append(out, "| key | type | default | description |\n| --- | --- | --- | --- |\n");
    for (size_t i = 0; i < schema->num_keys; i++) {
        const mlp_ini_key *key = &schema->keys[i];
        if (strcmp(key->section, section) != 0) continue;
        char name[256];
        full_name(key, name, sizeof name);
        mlp_text_append(out, "| `%s` | ", name);
        if (key->type == MLP_INI_ENUM) {
            mlp_text_append(out, "one of");
            for (size_t c = 0; key->choices[c]; c++)
                mlp_text_append(out, "%s `%s`", c ? "," : "", key->choices[c]);
        } else
            mlp_text_append(out, "%s", type_doc_name(key->type));
        mlp_text_append(out, " | ");
        if (key->default_text[0]) {
            mlp_text_append(out, "`");
            append_cell(out, key->default_text);
            mlp_text_append(out, "`");
        } else
            mlp_text_append(out, "(empty)");
        mlp_text_append(out, " | ");
        append_cell(out, key->help);
        mlp_text_append(out, " |\n");
    }
}

char *mlp_ini_schema_markdown(const mlp_ini_schema *schema, mlp_error *err) {
    mlp_text out = {0};
    mlp_text_append(&out,
                    "Every key can be set in the INI file under its [section] or on the command "
                    "line with `--set section.key=value`.\n");
    for_each_section(schema, write_markdown_section, &out);
    return mlp_text_finish(&out, err);
}
