/*
 * api_key_auth.c — a Second Server plugin in plain C11: the auth provider "auth.api_key".
 *
 * A request is authenticated when it carries the configured header (default "x-api-key") with the
 * configured key. The key is compared in constant time and is never logged or echoed.
 *
 *   absent header      -> NOT_HANDLED (the host asks the next provider)
 *   header == key      -> OK      {"v":1,"subject":"<subject>","role":"<role>"}
 *   header != key      -> DENIED  "invalid API key"
 *
 * Build: make            (see Makefile; only the two entry symbols are exported)
 *
 * Contract notes (second_plugin.h):
 *   - the host table is stored once by the entry function, on the control thread, before any other call;
 *   - an instance is immutable after create, so authenticate is safe to run concurrently
 *     (SECOND_COMPONENT_THREADSAFE_INSTANCE);
 *   - inputs are copied before the call returns; results go back through host->error_set and the
 *     completion, whose second_result lives on our stack for the duration of the call.
 */
#define SECOND_PLUGIN_DECLARE_ENTRY_POINTS 1
#include "second_plugin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN_NAME "c-api-key"
#define PLUGIN_VERSION "1.0.0"

#define DEFAULT_HEADER "x-api-key"
#define DEFAULT_SUBJECT "api-key-client"
#define DEFAULT_ROLE "member"
#define MIN_KEY_CHARS 16

/* The host function table; written once by second_plugin_entry_v1 before any other plugin call. */
static const second_host_api *g_host;

static second_str str_of(const char *s, size_t len) {
    second_str r = {len ? s : NULL, len};
    return r;
}
static second_str cstr(const char *s) { return str_of(s, strlen(s)); }

/* Wipes memory that held a secret; the volatile store cannot be optimised away. */
static void secure_zero(void *p, size_t n) {
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n--) *v++ = 0;
}

static void set_error(second_error *err, second_status code, const char *message, const char *details) {
    if (g_host != NULL && g_host->error_set != NULL) g_host->error_set(err, code, cstr(message), cstr(details));
}

/* ================================================================================================ */
/* A small, strict JSON reader: enough to find string members of objects, with full escape handling */
/* ================================================================================================ */

#define JSON_MAX_DEPTH 64

static const char *json_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static int json_hex4(const char *p, const char *end, uint32_t *out) {
    if (end - p < 4) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
        else return 0;
        v = (v << 4) | d;
    }
    *out = v;
    return 1;
}

/*
 * Decodes one unit of string content at p (inside the quotes, *p != '"'): one raw byte or one escape
 * sequence (a \u surrogate pair counts as one). Writes its UTF-8 bytes to buf and their count to *n.
 * Returns the position after the unit, or NULL for a control character, a bad escape or a lone
 * surrogate. A unit never decodes to more bytes than it occupies, so decoded length <= raw length.
 */
static const char *json_str_unit(const char *p, const char *end, unsigned char buf[4], size_t *n) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20) return NULL;
    if (c != '\\') {
        buf[0] = c;
        *n = 1;
        return p + 1;
    }
    if (end - p < 2) return NULL;
    switch (p[1]) {
    case '"': buf[0] = '"'; break;
    case '\\': buf[0] = '\\'; break;
    case '/': buf[0] = '/'; break;
    case 'b': buf[0] = '\b'; break;
    case 'f': buf[0] = '\f'; break;
    case 'n': buf[0] = '\n'; break;
    case 'r': buf[0] = '\r'; break;
    case 't': buf[0] = '\t'; break;
    case 'u': {
        uint32_t u;
        if (!json_hex4(p + 2, end, &u)) return NULL;
        p += 6;
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t lo;
            if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !json_hex4(p + 2, end, &lo) || lo < 0xDC00 ||
                lo > 0xDFFF)
                return NULL;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return NULL;
        }
        if (u < 0x80) {
            buf[0] = (unsigned char)u;
            *n = 1;
        } else if (u < 0x800) {
            buf[0] = (unsigned char)(0xC0 | (u >> 6));
            buf[1] = (unsigned char)(0x80 | (u & 0x3F));
            *n = 2;
        } else if (u < 0x10000) {
            buf[0] = (unsigned char)(0xE0 | (u >> 12));
            buf[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            buf[2] = (unsigned char)(0x80 | (u & 0x3F));
            *n = 3;
        } else {
            buf[0] = (unsigned char)(0xF0 | (u >> 18));
            buf[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
            buf[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            buf[3] = (unsigned char)(0x80 | (u & 0x3F));
            *n = 4;
        }
        return p;
    }
    default:
        return NULL;
    }
    *n = 1;
    return p + 2;
}

/* Reads the string at p (its opening quote). When out is not NULL, writes the decoded bytes there
 * (out must hold the raw length). Stores the decoded length in *out_len. Returns the position after
 * the closing quote, or NULL when malformed. */
static const char *json_str_decode(const char *p, const char *end, char *out, size_t *out_len) {
    if (p >= end || *p != '"') return NULL;
    p++;
    size_t len = 0;
    unsigned char buf[4];
    while (p < end && *p != '"') {
        size_t n;
        p = json_str_unit(p, end, buf, &n);
        if (p == NULL) return NULL;
        if (out != NULL) memcpy(out + len, buf, n);
        len += n;
    }
    secure_zero(buf, sizeof buf); /* the bytes may belong to a secret */
    if (p >= end) return NULL;
    *out_len = len;
    return p + 1;
}

/* Reads the string at p and tells whether it decodes to exactly key[0..keylen). Not constant-time:
 * only for member names. Returns the position after the closing quote, or NULL when malformed. */
static const char *json_str_equals(const char *p, const char *end, const char *key, size_t keylen, int *eq) {
    if (p >= end || *p != '"') return NULL;
    p++;
    size_t at = 0;
    int same = 1;
    while (p < end && *p != '"') {
        unsigned char buf[4];
        size_t n;
        p = json_str_unit(p, end, buf, &n);
        if (p == NULL) return NULL;
        if (same && at + n <= keylen && memcmp(key + at, buf, n) == 0) at += n;
        else same = 0;
    }
    if (p >= end) return NULL;
    *eq = same && at == keylen;
    return p + 1;
}

static const char *json_skip_value(const char *p, const char *end, int depth);

static const char *json_literal(const char *p, const char *end, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0) return NULL;
    return p + n;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static const char *json_number(const char *p, const char *end) {
    if (p < end && *p == '-') p++;
    if (p >= end) return NULL;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (p < end && *p >= '0' && *p <= '9') p++;
    else return NULL;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    return p;
}

/*
 * Walks the object at p (after optional whitespace) and checks it is well-formed. When key is not
 * NULL, stores where the value of the first member named key starts in *val and how many members
 * have that name in *count. Returns the position after the closing brace, or NULL when malformed.
 */
static const char *json_object_walk(const char *p, const char *end, int depth, const char *key, size_t keylen,
                                    const char **val, int *count) {
    if (depth > JSON_MAX_DEPTH) return NULL;
    p = json_ws(p, end);
    if (p >= end || *p != '{') return NULL;
    p = json_ws(p + 1, end);
    if (p < end && *p == '}') return p + 1;
    for (;;) {
        int eq = 0;
        size_t ignored;
        p = key != NULL ? json_str_equals(p, end, key, keylen, &eq) : json_str_decode(p, end, NULL, &ignored);
        if (p == NULL) return NULL;
        p = json_ws(p, end);
        if (p >= end || *p != ':') return NULL;
        p = json_ws(p + 1, end);
        if (eq) {
            if (*count == 0) *val = p;
            (*count)++;
        }
        p = json_skip_value(p, end, depth + 1);
        if (p == NULL) return NULL;
        p = json_ws(p, end);
        if (p >= end) return NULL;
        if (*p == '}') return p + 1;
        if (*p != ',') return NULL;
        p = json_ws(p + 1, end);
    }
}

static const char *json_array_walk(const char *p, const char *end, int depth) {
    if (depth > JSON_MAX_DEPTH) return NULL;
    p = json_ws(p + 1, end); /* past '[' */
    if (p < end && *p == ']') return p + 1;
    for (;;) {
        p = json_skip_value(p, end, depth + 1);
        if (p == NULL) return NULL;
        p = json_ws(p, end);
        if (p >= end) return NULL;
        if (*p == ']') return p + 1;
        if (*p != ',') return NULL;
        p = json_ws(p + 1, end);
    }
}

/* Skips one JSON value (after optional whitespace). Returns the position after it, or NULL. */
static const char *json_skip_value(const char *p, const char *end, int depth) {
    size_t ignored;
    p = json_ws(p, end);
    if (p >= end) return NULL;
    switch (*p) {
    case '"': return json_str_decode(p, end, NULL, &ignored);
    case '{': return json_object_walk(p, end, depth, NULL, 0, NULL, NULL);
    case '[': return json_array_walk(p, end, depth);
    case 't': return json_literal(p, end, "true");
    case 'f': return json_literal(p, end, "false");
    case 'n': return json_literal(p, end, "null");
    default: return json_number(p, end);
    }
}

/* True when doc is exactly one well-formed JSON object (surrounded by optional whitespace). */
static int json_is_object(second_str doc) {
    if (doc.ptr == NULL || doc.len == 0) return 0;
    const char *end = doc.ptr + doc.len;
    const char *p = json_object_walk(doc.ptr, end, 0, NULL, 0, NULL, NULL);
    return p != NULL && json_ws(p, end) == end;
}

typedef enum {
    FIELD_OK = 0,
    FIELD_ABSENT,
    FIELD_NOT_STRING, /* present, but null, a number, an object... */
    FIELD_DUPLICATE,
    FIELD_MALFORMED,
    FIELD_NO_MEMORY
} field_status;

/* Finds member `key` of the (already well-formed) object at obj and reports where its value starts. */
static field_status json_member(const char *obj, const char *end, int depth, const char *key, const char **val) {
    int count = 0;
    if (json_object_walk(obj, end, depth, key, strlen(key), val, &count) == NULL) return FIELD_MALFORMED;
    if (count == 0) return FIELD_ABSENT;
    if (count > 1) return FIELD_DUPLICATE;
    return FIELD_OK;
}

/* Decodes the string value at val into a new NUL-terminated malloc'd buffer (*out, *out_len). */
static field_status json_string_copy(const char *val, const char *end, char **out, size_t *out_len) {
    if (val >= end || *val != '"') return FIELD_NOT_STRING;
    size_t raw;
    const char *after = json_str_decode(val, end, NULL, &raw); /* decoded length, an upper bound */
    if (after == NULL) return FIELD_MALFORMED;
    char *buf = malloc(raw + 1);
    if (buf == NULL) return FIELD_NO_MEMORY;
    size_t len;
    json_str_decode(val, end, buf, &len);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return FIELD_OK;
}

/* Finds member `key` of obj and copies its string value. */
static field_status json_string_member(const char *obj, const char *end, int depth, const char *key, char **out,
                                       size_t *out_len) {
    const char *val = NULL;
    field_status st = json_member(obj, end, depth, key, &val);
    if (st != FIELD_OK) return st;
    return json_string_copy(val, end, out, out_len);
}

/* Appends s as a JSON string literal (quotes included) to out, which has room for 6*len+2 bytes. */
static size_t json_quote_into(char *out, const char *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            out[o++] = '\\';
            out[o++] = 'u';
            out[o++] = '0';
            out[o++] = '0';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 0xF];
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    return o;
}

/* ================================================================================================ */
/* Config                                                                                            */
/* ================================================================================================ */

typedef struct api_key_config {
    char *key; /* secret: wiped before free */
    size_t key_len;
    char *header; /* lower-cased */
    size_t header_len;
    char *subject;
    size_t subject_len;
    char *role;
    size_t role_len;
} api_key_config;

static void config_free(api_key_config *cfg) {
    if (cfg->key != NULL) secure_zero(cfg->key, cfg->key_len);
    free(cfg->key);
    free(cfg->header);
    free(cfg->subject);
    free(cfg->role);
    memset(cfg, 0, sizeof *cfg);
}

static char *dup_cstr(const char *s, size_t *len) {
    *len = strlen(s);
    char *d = malloc(*len + 1);
    if (d != NULL) memcpy(d, s, *len + 1);
    return d;
}

/* Unicode code points in UTF-8 text (what JSON Schema's minLength counts). */
static size_t utf8_chars(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* RFC 9110 token characters: what a header name may contain. */
static int is_tchar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/*
 * Reads one optional string field (default `def`) or the required "key". Reports errors with the
 * field's name and JSON pointer; never includes the value.
 */
static second_status config_field(const char *obj, const char *end, const char *name, const char *def, char **out,
                                  size_t *out_len, second_error *err) {
    char message[160];
    char details[96];
    snprintf(details, sizeof details, "{\"path\":\"/%s\"}", name);
    switch (json_string_member(obj, end, 0, name, out, out_len)) {
    case FIELD_OK:
        return SECOND_OK;
    case FIELD_ABSENT:
        if (def != NULL) {
            *out = dup_cstr(def, out_len);
            if (*out != NULL) return SECOND_OK;
            set_error(err, SECOND_INTERNAL, "out of memory", "");
            return SECOND_INTERNAL;
        }
        snprintf(message, sizeof message, "/%s: missing required field \"%s\"", name, name);
        break;
    case FIELD_NOT_STRING:
        snprintf(message, sizeof message, "/%s: must be a string", name);
        break;
    case FIELD_DUPLICATE:
        snprintf(message, sizeof message, "/%s: given more than once", name);
        break;
    case FIELD_MALFORMED:
        snprintf(message, sizeof message, "/%s: malformed JSON string", name);
        break;
    case FIELD_NO_MEMORY:
        set_error(err, SECOND_INTERNAL, "out of memory", "");
        return SECOND_INTERNAL;
    }
    set_error(err, SECOND_INVALID_CONFIG, message, details);
    return SECOND_INVALID_CONFIG;
}

/* Parses and checks a config. On OK cfg owns copies of every field; on failure cfg is empty and err
 * names the field. The host has validated the config against the schema already; this re-checks
 * what the plugin relies on. */
static second_status config_parse(second_str json, api_key_config *cfg, second_error *err) {
    memset(cfg, 0, sizeof *cfg);
    if (!json_is_object(json)) {
        set_error(err, SECOND_INVALID_CONFIG, "config must be a JSON object", "");
        return SECOND_INVALID_CONFIG;
    }
    const char *obj = json.ptr, *end = json.ptr + json.len;
    second_status st;
    if ((st = config_field(obj, end, "key", NULL, &cfg->key, &cfg->key_len, err)) != SECOND_OK ||
        (st = config_field(obj, end, "header", DEFAULT_HEADER, &cfg->header, &cfg->header_len, err)) != SECOND_OK ||
        (st = config_field(obj, end, "subject", DEFAULT_SUBJECT, &cfg->subject, &cfg->subject_len, err)) != SECOND_OK ||
        (st = config_field(obj, end, "role", DEFAULT_ROLE, &cfg->role, &cfg->role_len, err)) != SECOND_OK) {
        config_free(cfg);
        return st;
    }

    const char *message = NULL, *details = "";
    if (utf8_chars(cfg->key, cfg->key_len) < MIN_KEY_CHARS) {
        message = "/key: must be at least 16 characters long";
        details = "{\"path\":\"/key\"}";
    } else if (cfg->header_len == 0) {
        message = "/header: must not be empty";
        details = "{\"path\":\"/header\"}";
    } else if (cfg->subject_len == 0) {
        message = "/subject: must not be empty";
        details = "{\"path\":\"/subject\"}";
    } else if (strcmp(cfg->role, "owner") != 0 && strcmp(cfg->role, "admin") != 0 &&
               strcmp(cfg->role, "member") != 0) {
        message = "/role: must be one of \"owner\", \"admin\", \"member\"";
        details = "{\"path\":\"/role\"}";
    } else {
        /* The host passes header names lower-case; accept "X-API-Key" in config by lower-casing it. */
        for (size_t i = 0; i < cfg->header_len; i++) {
            unsigned char c = (unsigned char)cfg->header[i];
            if (!is_tchar(c)) {
                message = "/header: not a valid HTTP header name";
                details = "{\"path\":\"/header\"}";
                break;
            }
            if (c >= 'A' && c <= 'Z') cfg->header[i] = (char)(c - 'A' + 'a');
        }
    }
    if (message != NULL) {
        config_free(cfg);
        set_error(err, SECOND_INVALID_CONFIG, message, details);
        return SECOND_INVALID_CONFIG;
    }
    return SECOND_OK;
}

/* ================================================================================================ */
/* Instance                                                                                          */
/* ================================================================================================ */

typedef struct api_key_instance {
    second_instance_ctx *ctx; /* valid until destroy returns */
    api_key_config cfg;
    char *payload; /* {"v":1,"subject":...,"role":...}, built once */
    size_t payload_len;
} api_key_instance;

static void instance_free(api_key_instance *inst) {
    if (inst == NULL) return;
    config_free(&inst->cfg);
    free(inst->payload);
    free(inst);
}

static second_status api_key_create(second_instance_ctx *ctx, second_str config_json, void **out_instance,
                                    second_error *err) {
    api_key_instance *inst = calloc(1, sizeof *inst);
    if (inst == NULL) {
        set_error(err, SECOND_INTERNAL, "out of memory", "");
        return SECOND_INTERNAL;
    }
    second_status st = config_parse(config_json, &inst->cfg, err);
    if (st != SECOND_OK) {
        free(inst);
        return st;
    }
    static const char head[] = "{\"v\":1,\"subject\":";
    static const char mid[] = ",\"role\":";
    size_t cap = sizeof head + 6 * inst->cfg.subject_len + 2 + sizeof mid + 6 * inst->cfg.role_len + 2 + 2;
    inst->payload = malloc(cap);
    if (inst->payload == NULL) {
        instance_free(inst);
        set_error(err, SECOND_INTERNAL, "out of memory", "");
        return SECOND_INTERNAL;
    }
    size_t n = 0;
    memcpy(inst->payload, head, sizeof head - 1);
    n += sizeof head - 1;
    n += json_quote_into(inst->payload + n, inst->cfg.subject, inst->cfg.subject_len);
    memcpy(inst->payload + n, mid, sizeof mid - 1);
    n += sizeof mid - 1;
    n += json_quote_into(inst->payload + n, inst->cfg.role, inst->cfg.role_len);
    inst->payload[n++] = '}';
    inst->payload[n] = '\0';
    inst->payload_len = n;
    inst->ctx = ctx;

    if (g_host->log != NULL && (g_host->log_enabled == NULL || g_host->log_enabled(ctx, SECOND_LOG_INFO))) {
        second_str name = g_host->instance_name != NULL ? g_host->instance_name(ctx) : str_of(NULL, 0);
        char line[512];
        int len = snprintf(line, sizeof line, "api_key/%.*s ready: header \"%s\", subject \"%s\", role %s",
                           (int)(name.len > 100 ? 100 : name.len), name.ptr != NULL ? name.ptr : "",
                           inst->cfg.header_len > 100 ? "(long)" : inst->cfg.header,
                           inst->cfg.subject_len > 100 ? "(long)" : inst->cfg.subject, inst->cfg.role);
        if (len > 0) g_host->log(ctx, SECOND_LOG_INFO, str_of(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1));
    }
    *out_instance = inst;
    return SECOND_OK;
}

static second_status api_key_validate(const second_instance_ctx *ctx, second_str config_json, second_error *err) {
    (void)ctx;
    api_key_config cfg;
    second_status st = config_parse(config_json, &cfg, err);
    if (st == SECOND_OK) config_free(&cfg);
    return st;
}

static second_status api_key_start(void *instance, second_error *err) {
    (void)instance;
    (void)err;
    return SECOND_OK; /* nothing runs in the background */
}

static void api_key_stop(void *instance, uint32_t deadline_ms) {
    (void)instance; /* safe without start: there is nothing to stop */
    (void)deadline_ms;
}

static void api_key_destroy(void *instance) { instance_free(instance); }

/* ================================================================================================ */
/* Hot path                                                                                          */
/* ================================================================================================ */

/*
 * Compares the presented value with the key without an early exit. The running time depends only on
 * the length of the presented value (which the caller knows anyway), never on the key's length or
 * content: every presented byte is compared with a key byte, or with 0 past the key's end.
 */
static int constant_time_equals(const unsigned char *presented, size_t presented_len, const unsigned char *key,
                                 size_t key_len) {
    size_t diff = presented_len ^ key_len;
    for (size_t i = 0; i < presented_len; i++) {
        size_t in_key = (size_t)0 - (size_t)(i < key_len); /* all ones while i < key_len, else 0 */
        unsigned char k = (unsigned char)(key[i & in_key] & (unsigned char)in_key);
        diff |= (size_t)(presented[i] ^ k);
    }
    return diff == 0;
}

static void complete(second_completion done, second_status status, const char *payload, size_t payload_len,
                     const char *message) {
    if (done.fn == NULL) return;
    second_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = (uint32_t)sizeof r;
    r.status = status;
    r.payload = str_of(payload, payload_len);
    r.message = cstr(message);
    r.details_json = str_of(NULL, 0);
    done.fn(done.ctx, &r);
}

static const char denied_payload[] = "{\"v\":1,\"reason\":\"invalid API key\"}";

static void api_key_authenticate(void *instance, second_str request_json, second_completion done) {
    const api_key_instance *inst = instance;
    if (inst == NULL) {
        complete(done, SECOND_INVALID_ARGUMENT, NULL, 0, "no instance");
        return;
    }
    if (!json_is_object(request_json)) {
        complete(done, SECOND_INVALID_ARGUMENT, NULL, 0, "request is not a JSON object");
        return;
    }
    const char *end = request_json.ptr + request_json.len;

    const char *headers = NULL;
    switch (json_member(request_json.ptr, end, 0, "headers", &headers)) {
    case FIELD_OK:
        break;
    case FIELD_ABSENT:
        complete(done, SECOND_NOT_HANDLED, NULL, 0, "");
        return;
    default:
        complete(done, SECOND_INVALID_ARGUMENT, NULL, 0, "request \"headers\" is malformed");
        return;
    }
    if (json_literal(headers, end, "null") != NULL) {
        complete(done, SECOND_NOT_HANDLED, NULL, 0, "");
        return;
    }
    if (*headers != '{') {
        complete(done, SECOND_INVALID_ARGUMENT, NULL, 0, "request \"headers\" is not an object");
        return;
    }

    char *presented = NULL;
    size_t presented_len = 0;
    switch (json_string_member(headers, end, 1, inst->cfg.header, &presented, &presented_len)) {
    case FIELD_OK:
        break;
    case FIELD_ABSENT:
        complete(done, SECOND_NOT_HANDLED, NULL, 0, "");
        return;
    case FIELD_NO_MEMORY:
        complete(done, SECOND_INTERNAL, NULL, 0, "out of memory");
        return;
    case FIELD_DUPLICATE:
        complete(done, SECOND_INVALID_ARGUMENT, NULL, 0, "API key header given more than once");
        return;
    default:
        complete(done, SECOND_INVALID_ARGUMENT, NULL, 0, "API key header value is not a string");
        return;
    }

    int ok = constant_time_equals((const unsigned char *)presented, presented_len,
                                  (const unsigned char *)inst->cfg.key, inst->cfg.key_len);
    secure_zero(presented, presented_len);
    free(presented);

    if (ok) complete(done, SECOND_OK, inst->payload, inst->payload_len, "");
    else complete(done, SECOND_DENIED, denied_payload, sizeof denied_payload - 1, "invalid API key");
}

/* ================================================================================================ */
/* Descriptors and the two exported symbols                                                          */
/* ================================================================================================ */

static const second_auth_provider_vtable api_key_vtable = {
    .base = {
        .struct_size = sizeof(second_auth_provider_vtable),
        .create = api_key_create,
        .validate = api_key_validate,
        .start = api_key_start,
        .stop = api_key_stop,
        .destroy = api_key_destroy,
    },
    .authenticate = api_key_authenticate,
    .control = NULL,
};

static const second_component_desc api_key_component = {
    .struct_size = sizeof(second_component_desc),
    .kind = SECOND_KIND_AUTH_PROVIDER,
    .type = "api_key",
    .stability = SECOND_STABILITY_BETA,
    .flags = SECOND_COMPONENT_THREADSAFE_INSTANCE,
    .description = "A static API key in a request header, mapped to one principal",
    .config_schema_json =
        "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"key\"],"
        "\"properties\":{"
        "\"key\":{\"type\":\"string\",\"minLength\":16,\"x-secret\":true},"
        "\"header\":{\"type\":\"string\",\"default\":\"x-api-key\"},"
        "\"subject\":{\"type\":\"string\",\"default\":\"api-key-client\"},"
        "\"role\":{\"enum\":[\"owner\",\"admin\",\"member\"],\"default\":\"member\"}}}",
    .vtable = &api_key_vtable.base,
};

static const second_component_desc *const components[] = {&api_key_component};

static const second_plugin_desc plugin_desc = {
    .struct_size = sizeof(second_plugin_desc),
    .name = PLUGIN_NAME,
    .version = PLUGIN_VERSION,
    .description = "API-key auth provider written in plain C",
    .homepage = NULL,
    .component_count = sizeof components / sizeof components[0],
    .components = components,
};

static const second_plugin_magic plugin_magic = {
    .struct_size = sizeof(second_plugin_magic),
    .abi_major = SECOND_PLUGIN_ABI_MAJOR,
    .abi_minor = SECOND_PLUGIN_ABI_MINOR,
    .plugin_name = PLUGIN_NAME,
    .plugin_version = PLUGIN_VERSION,
    .sdk_version = "c",
    .swift_compiler = "",
    .target_flags = SECOND_TARGET_FLAGS_HERE,
};

SECOND_PLUGIN_EXPORT const second_plugin_magic *second_plugin_magic_v1(void) { return &plugin_magic; }

SECOND_PLUGIN_EXPORT const second_plugin_desc *second_plugin_entry_v1(const second_host_api *host, second_error *err) {
    if (host == NULL) return NULL;
    /* Everything up to instance_name is used; an older, smaller table cannot be served. */
    if (!SECOND_HAS_FIELD(host, second_host_api, instance_name) || host->error_set == NULL || host->log == NULL) {
        if (SECOND_HAS_FIELD(host, second_host_api, error_set) && host->error_set != NULL)
            host->error_set(err, SECOND_NOT_SUPPORTED, cstr("host function table is too old for " PLUGIN_NAME),
                            str_of(NULL, 0));
        return NULL;
    }
    g_host = host;
    return &plugin_desc;
}
