/* INI configuration files, generic over a schema the caller supplies.
 *
 * A schema lists every valid key with its type, default (as INI text) and a one-line help. A
 * mlp_ini starts with every default; INI files (parsed by libinih) and `section.key=value`
 * overrides (--set) change values, each remembered with where it came from ("FILE:LINE",
 * "--set" or "default"). Unknown sections or keys, malformed values and duplicate keys are
 * errors naming file:line, the key and the fault; an unknown key suggests the nearest valid
 * `section.key` (edit distance). The effective configuration is written back as INI text that
 * reproduces it.
 *
 * Value syntax: int (decimal, optional sign), float (strtod syntax, finite), bool (true/false,
 * yes/no, on/off, 1/0), string (the rest of the line, trimmed), lists (comma-separated items,
 * trimmed; an empty value is an empty list), enum (one of the schema's names). Keys before any
 * [section] belong to section "" and are addressed without a dot. Lines are limited to
 * MLP_INI_MAX_LINE characters; an indented line after a key (an INI continuation line) is
 * refused. Comments start with ';' or '#' at the start of a line, or " ;" inline. A value the
 * written text could not reproduce (';' at its start or after a space, a line break, a
 * "key = value" line longer than MLP_INI_MAX_LINE) is refused where it is given. */
#ifndef MLP_IO_CONFIG_FILE_H
#define MLP_IO_CONFIG_FILE_H

#include "mlp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest line in characters: libinih's line buffer holds 200 bytes with "\r\n" and NUL. */
#define MLP_INI_MAX_LINE 197

typedef enum {
    MLP_INI_INT,
    MLP_INI_FLOAT,
    MLP_INI_BOOL,
    MLP_INI_STRING,
    MLP_INI_ENUM,
    MLP_INI_INT_LIST,
    MLP_INI_FLOAT_LIST,
    MLP_INI_STRING_LIST,
} mlp_ini_type;

typedef struct {
    const char *section; /* "" for top-level keys */
    const char *key;
    mlp_ini_type type;
    const char *default_text;   /* the default as it would be written in the file */
    const char *help;           /* one line */
    const char *const *choices; /* MLP_INI_ENUM: NULL-terminated allowed names; else NULL */
} mlp_ini_key;

typedef struct {
    const mlp_ini_key *keys;
    size_t num_keys;
} mlp_ini_schema;

typedef struct mlp_ini mlp_ini;

/* Every key at its default. Fails (MLP_ERR_ARGUMENT) if the schema itself is wrong: a default
 * that does not parse as its type, a duplicate key, an enum without choices. The schema is
 * borrowed and must outlive ini. */
mlp_status mlp_ini_new(mlp_ini **ini, const mlp_ini_schema *schema, mlp_error *err);
/* The schema checks of mlp_ini_new alone. */
mlp_status mlp_ini_schema_check(const mlp_ini_schema *schema, mlp_error *err);
/* mlp_ini_new for a schema that passes mlp_ini_schema_check, without repeating those checks: for
 * a program's own constant schema, checked once by its unit test (they were most of the cost of
 * creating an ini for the 56-key training schema; a default that does not parse still fails). */
mlp_status mlp_ini_new_checked(mlp_ini **ini, const mlp_ini_schema *schema, mlp_error *err);
void mlp_ini_free(mlp_ini *ini);

/* Reads an INI file; its values replace the current ones. A key given twice in one file is an
 * error; a key in a later file (or a --set) replaces an earlier one. */
mlp_status mlp_ini_load_file(mlp_ini *ini, const char *path, mlp_error *err);
/* The same from text in memory; `name` stands for the file in messages. */
mlp_status mlp_ini_load_text(mlp_ini *ini, const char *text, const char *name, mlp_error *err);

/* Applies one override "section.key=value" (or "key=value" for a top-level key). */
mlp_status mlp_ini_set(mlp_ini *ini, const char *assignment, mlp_error *err);

/* Typed getters by "section.key". MLP_ERR_ARGUMENT when the key is not in the schema or has
 * another type (a programming error). Lists: *items points at ini's own array (valid until the
 * value changes or ini is freed). */
mlp_status mlp_ini_get_int(const mlp_ini *ini, const char *name, int64_t *value, mlp_error *err);
mlp_status mlp_ini_get_float(const mlp_ini *ini, const char *name, double *value, mlp_error *err);
mlp_status mlp_ini_get_bool(const mlp_ini *ini, const char *name, bool *value, mlp_error *err);
mlp_status mlp_ini_get_string(const mlp_ini *ini, const char *name, const char **value,
                              mlp_error *err);
/* The index of the value in the key's choices, and optionally the name. */
mlp_status mlp_ini_get_enum(const mlp_ini *ini, const char *name, size_t *index,
                            const char **choice, mlp_error *err);
mlp_status mlp_ini_get_int_list(const mlp_ini *ini, const char *name, const int64_t **items,
                                size_t *count, mlp_error *err);
mlp_status mlp_ini_get_float_list(const mlp_ini *ini, const char *name, const double **items,
                                  size_t *count, mlp_error *err);
mlp_status mlp_ini_get_string_list(const mlp_ini *ini, const char *name, const char *const **items,
                                   size_t *count, mlp_error *err);

/* Where the value of "section.key" came from: "FILE:LINE", "--set" or "default" (NULL for an
 * unknown key). */
const char *mlp_ini_origin(const mlp_ini *ini, const char *name);
/* True when the value was given in a file or by --set rather than left at its default. */
bool mlp_ini_is_set(const mlp_ini *ini, const char *name);

/* The value of "section.key" as text, as given (NULL for an unknown key); valid until the value
 * changes or ini is freed. */
const char *mlp_ini_value_text(const mlp_ini *ini, const char *name);
/* True when the schema's key number `index` has the same value in a and b (two configs of one
 * schema), compared by type: "0.10" and "0.1" are the same float. */
bool mlp_ini_same_value(const mlp_ini *a, const mlp_ini *b, size_t index);

/* For checks the schema cannot express (ranges, combinations): fails with status MLP_ERR_ARGUMENT
 * and the message "ORIGIN: section.key = VALUE: <formatted reason>". */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
mlp_status
mlp_ini_invalid(const mlp_ini *ini, const char *name, mlp_error *err, const char *format, ...);

/* The effective configuration as INI text: every section and key of the schema in schema order,
 * current values, each key preceded by its help as a comment. Loading it with the same schema
 * gives the same values. Returns a malloc'ed string (caller frees) or NULL with err set. */
char *mlp_ini_to_text(const mlp_ini *ini, mlp_error *err);

/* The schema as a Markdown table per section (key, type, default, description), for docs.
 * Returns a malloc'ed string or NULL with err set. */
char *mlp_ini_schema_markdown(const mlp_ini_schema *schema, mlp_error *err);

#endif
