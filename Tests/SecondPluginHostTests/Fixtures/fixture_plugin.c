/*
 * fixture_plugin.c — one C source that the plugin-host tests compile into deliberately good or broken
 * plugins:
 *
 *   cc -std=c11 -shared -fPIC -I plugin-api/include [-D...] -o libfixture.so fixture_plugin.c
 *
 * Every macro is optional. Identity:
 *   FIXTURE_NAME        "fixture"   plugin name (magic and descriptor)
 *   FIXTURE_DESC_NAME   FIXTURE_NAME  name in the plugin descriptor only (to test a name mismatch)
 *   FIXTURE_VERSION     "0.0.1"
 *   FIXTURE_TYPE        "fixture"   component type
 *   FIXTURE_KIND        SECOND_KIND_AUTH_PROVIDER; or SECOND_KIND_OAUTH_PROVIDER,
 *                       SECOND_KIND_RUNTIME_DRIVER, SECOND_KIND_TELEMETRY_SINK (that kind's vtable is
 *                       filled with minimal working functions); any other value (0, 99) is reported
 *                       as-is with the auth vtable, to test unknown kinds
 *   FIXTURE_STABILITY   SECOND_STABILITY_STABLE
 *   FIXTURE_FLAGS       SECOND_COMPONENT_THREADSAFE_INSTANCE
 *   FIXTURE_SCHEMA      {"type":"object","properties":{"answer":{"type":"integer","default":42}},
 *                        "additionalProperties":false}   (may be NULL: no config)
 *   FIXTURE_SWIFT       ""          magic swift_compiler
 *   FIXTURE_ABI_MAJOR / FIXTURE_ABI_MINOR   magic ABI version (default: the header's)
 * Broken libraries:
 *   FIXTURE_NO_MAGIC        second_plugin_magic_v1 is not exported
 *   FIXTURE_NO_ENTRY        second_plugin_entry_v1 is not exported
 *   FIXTURE_SMALL_MAGIC     magic struct_size = 8
 *   FIXTURE_SMALL_VTABLE    vtable base.struct_size = sizeof(second_vtable_base): no hot-path functions
 *   FIXTURE_SMALL_COMPONENT component descriptor struct_size = 8
 *   FIXTURE_ENTRY_FAILS     entry: error_set(UNAVAILABLE, "fixture entry refused: missing dependency libfoo")
 *                           and returns NULL
 *   FIXTURE_CREATE_FAILS    create: error_set(INVALID_CONFIG, "fixture create refused: /answer must be 42",
 *                           {"path":"/answer"}), returns INVALID_CONFIG, stores no instance
 *   FIXTURE_CREATE_FAILS_WITH_INSTANCE   the same, but stores an instance first (the host must destroy it)
 *   FIXTURE_START_FAILS     start: error_set(UNAVAILABLE, "fixture start refused: port in use")
 *   FIXTURE_VALIDATE_FAILS  validate: error_set(INVALID_CONFIG, "fixture validate refused: answer is wrong")
 *
 * Lifecycle calls log exactly one INFO line each, through host->log with the instance's ctx:
 *   "fixture lifecycle: <create|start|stop|destroy> <instance-name>"
 * (validate logs nothing). A hot-path call after stop logs an ERROR line
 *   "fixture violation: <call> after stop <instance-name>"
 *
 * Hot paths (all thread-safe; instances hold no mutable state but atomic flags):
 *   auth       authenticate: OK {"v":1,"subject":"fixture-user","role":"member"} when the request JSON
 *              contains "authorization":"Bearer fixture-token", else NOT_HANDLED; control = NULL
 *   oauth      describe writes {"v":1,"key":"fixture"}; normalize_token_response = NULL
 *   runtime    detect writes {"v":1,"available":true,"features":{}}; start_session emits JSON
 *              {"v":1,"type":"text","text":"hi"} then EXIT {"v":1,"code":0,"signal":0} synchronously and
 *              returns a session (a distinct small allocation per session, freed by close_session);
 *              write_input = NULL; cancel is a no-op
 *   telemetry  submit and flush complete OK with payload {"v":1}
 */
#define SECOND_PLUGIN_DECLARE_ENTRY_POINTS 1
#include "second_plugin.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FIXTURE_NAME
#define FIXTURE_NAME "fixture"
#endif
#ifndef FIXTURE_DESC_NAME
#define FIXTURE_DESC_NAME FIXTURE_NAME
#endif
#ifndef FIXTURE_VERSION
#define FIXTURE_VERSION "0.0.1"
#endif
#ifndef FIXTURE_TYPE
#define FIXTURE_TYPE "fixture"
#endif
#ifndef FIXTURE_KIND
#define FIXTURE_KIND SECOND_KIND_AUTH_PROVIDER
#endif
#ifndef FIXTURE_STABILITY
#define FIXTURE_STABILITY SECOND_STABILITY_STABLE
#endif
#ifndef FIXTURE_FLAGS
#define FIXTURE_FLAGS SECOND_COMPONENT_THREADSAFE_INSTANCE
#endif
#ifndef FIXTURE_SCHEMA
#define FIXTURE_SCHEMA \
    "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"integer\",\"default\":42}},\"additionalProperties\":false}"
#endif
#ifndef FIXTURE_SWIFT
#define FIXTURE_SWIFT ""
#endif
#ifndef FIXTURE_ABI_MAJOR
#define FIXTURE_ABI_MAJOR SECOND_PLUGIN_ABI_MAJOR
#endif
#ifndef FIXTURE_ABI_MINOR
#define FIXTURE_ABI_MINOR SECOND_PLUGIN_ABI_MINOR
#endif

/* Behaviour switches as 0/1 constants, tested with plain `if` so every function stays referenced
 * (and -Wunused stays quiet) whichever combination is compiled. */
#ifdef FIXTURE_ENTRY_FAILS
#define FX_ENTRY_FAILS 1
#else
#define FX_ENTRY_FAILS 0
#endif
#ifdef FIXTURE_CREATE_FAILS
#define FX_CREATE_FAILS 1
#else
#define FX_CREATE_FAILS 0
#endif
#ifdef FIXTURE_CREATE_FAILS_WITH_INSTANCE
#define FX_CREATE_FAILS_WITH_INSTANCE 1
#else
#define FX_CREATE_FAILS_WITH_INSTANCE 0
#endif
#ifdef FIXTURE_START_FAILS
#define FX_START_FAILS 1
#else
#define FX_START_FAILS 0
#endif
#ifdef FIXTURE_VALIDATE_FAILS
#define FX_VALIDATE_FAILS 1
#else
#define FX_VALIDATE_FAILS 0
#endif

#ifdef FIXTURE_SMALL_VTABLE
#define FX_VTABLE_SIZE(full) ((uint32_t)sizeof(second_vtable_base))
#else
#define FX_VTABLE_SIZE(full) ((uint32_t)sizeof(full))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define FX_HIDDEN __attribute__((visibility("hidden")))
#else
#define FX_HIDDEN
#endif

/* Written once by the entry function, before the host makes any other call. */
static const second_host_api *fx_host;

static second_str fx_str(const char *s) {
    second_str r = {s, strlen(s)};
    return r;
}

static void fx_error(second_error *err, second_status code, const char *message, const char *details) {
    if (fx_host != NULL && fx_host->error_set != NULL) fx_host->error_set(err, code, fx_str(message), fx_str(details));
}

/* Logs "fixture <what> <instance-name>". */
static void fx_log(const second_instance_ctx *ctx, second_log_level level, const char *what) {
    if (fx_host == NULL || fx_host->log == NULL) return;
    second_str name = {NULL, 0};
    if (fx_host->instance_name != NULL && ctx != NULL) name = fx_host->instance_name(ctx);
    char line[512];
    int n = snprintf(line, sizeof line, "fixture %s %.*s", what, (int)(name.len > 400 ? 400 : name.len),
                     name.ptr != NULL ? name.ptr : "");
    if (n < 0) return;
    second_str msg = {line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1};
    fx_host->log(ctx, level, msg);
}

/* "fixture lifecycle: <call> <instance-name>" */
static void fx_lifecycle(const second_instance_ctx *ctx, const char *call) {
    char what[64];
    snprintf(what, sizeof what, "lifecycle: %s", call);
    fx_log(ctx, SECOND_LOG_INFO, what);
}

/* ---- instances ---------------------------------------------------------------------------------- */

typedef struct fx_instance {
    second_instance_ctx *ctx; /* valid until destroy returns */
    atomic_int stopped;
} fx_instance;

static fx_instance *fx_new(second_instance_ctx *ctx) {
    fx_instance *inst = malloc(sizeof *inst);
    if (inst == NULL) return NULL;
    inst->ctx = ctx;
    atomic_init(&inst->stopped, 0);
    return inst;
}

/* Hot-path guard: reports a call made after stop (the host must not make one). */
static void fx_hot(void *instance, const char *call) {
    fx_instance *inst = instance;
    if (inst != NULL && atomic_load(&inst->stopped)) {
        char what[96];
        snprintf(what, sizeof what, "violation: %s after stop", call);
        fx_log(inst->ctx, SECOND_LOG_ERROR, what);
    }
}

static second_status fx_create(second_instance_ctx *ctx, second_str config_json, void **out_instance,
                               second_error *err) {
    (void)config_json;
    fx_lifecycle(ctx, "create");
    if (FX_CREATE_FAILS || FX_CREATE_FAILS_WITH_INSTANCE) {
        if (FX_CREATE_FAILS_WITH_INSTANCE) {
            fx_instance *partial = fx_new(ctx);
            if (partial != NULL) *out_instance = partial; /* the host must still call destroy for it */
        }
        fx_error(err, SECOND_INVALID_CONFIG, "fixture create refused: /answer must be 42", "{\"path\":\"/answer\"}");
        return SECOND_INVALID_CONFIG;
    }
    fx_instance *inst = fx_new(ctx);
    if (inst == NULL) {
        fx_error(err, SECOND_INTERNAL, "fixture create: out of memory", "");
        return SECOND_INTERNAL;
    }
    *out_instance = inst;
    return SECOND_OK;
}

static second_status fx_validate(const second_instance_ctx *ctx, second_str config_json, second_error *err) {
    (void)ctx;
    (void)config_json;
    if (FX_VALIDATE_FAILS) {
        fx_error(err, SECOND_INVALID_CONFIG, "fixture validate refused: answer is wrong", "");
        return SECOND_INVALID_CONFIG;
    }
    return SECOND_OK;
}

static second_status fx_start(void *instance, second_error *err) {
    fx_instance *inst = instance;
    if (inst == NULL) {
        fx_error(err, SECOND_INVALID_ARGUMENT, "fixture start: no instance", "");
        return SECOND_INVALID_ARGUMENT;
    }
    fx_lifecycle(inst->ctx, "start");
    if (FX_START_FAILS) {
        fx_error(err, SECOND_UNAVAILABLE, "fixture start refused: port in use", "");
        return SECOND_UNAVAILABLE;
    }
    return SECOND_OK;
}

static void fx_stop(void *instance, uint32_t deadline_ms) {
    (void)deadline_ms;
    fx_instance *inst = instance;
    if (inst == NULL) return;
    fx_lifecycle(inst->ctx, "stop"); /* safe without start */
    atomic_store(&inst->stopped, 1);
}

static void fx_destroy(void *instance) {
    fx_instance *inst = instance;
    if (inst == NULL) return;
    fx_lifecycle(inst->ctx, "destroy");
    free(inst);
}

#define FX_BASE(full) \
    { FX_VTABLE_SIZE(full), fx_create, fx_validate, fx_start, fx_stop, fx_destroy }

static void fx_complete(second_completion done, second_status status, const char *payload) {
    if (done.fn == NULL) return;
    second_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = (uint32_t)sizeof r;
    r.status = status;
    r.payload = fx_str(payload);
    r.message = fx_str("");
    r.details_json = fx_str("");
    done.fn(done.ctx, &r);
}

/* ---- auth --------------------------------------------------------------------------------------- */

static int fx_contains(second_str hay, const char *needle) {
    size_t n = strlen(needle);
    if (hay.ptr == NULL || hay.len < n) return 0;
    for (size_t i = 0; i + n <= hay.len; i++)
        if (memcmp(hay.ptr + i, needle, n) == 0) return 1;
    return 0;
}

static void fx_authenticate(void *instance, second_str request_json, second_completion done) {
    fx_hot(instance, "authenticate");
    if (fx_contains(request_json, "\"authorization\":\"Bearer fixture-token\""))
        fx_complete(done, SECOND_OK, "{\"v\":1,\"subject\":\"fixture-user\",\"role\":\"member\"}");
    else
        fx_complete(done, SECOND_NOT_HANDLED, "");
}

static const second_auth_provider_vtable fx_auth_vtable = {
    FX_BASE(second_auth_provider_vtable),
    fx_authenticate,
    NULL, /* control */
};

/* ---- oauth -------------------------------------------------------------------------------------- */

static second_status fx_describe(void *instance, second_out *out, second_error *err) {
    fx_hot(instance, "describe");
    second_status st = fx_host->out_write(out, fx_str("{\"v\":1,\"key\":\"fixture\"}"));
    if (st != SECOND_OK) fx_error(err, st, "fixture describe: out_write failed", "");
    return st;
}

static const second_oauth_provider_vtable fx_oauth_vtable = {
    FX_BASE(second_oauth_provider_vtable),
    fx_describe,
    NULL, /* normalize_token_response */
};

/* ---- runtime ------------------------------------------------------------------------------------ */

typedef struct fx_session {
    uint32_t tag;
} fx_session;

static second_status fx_detect(void *instance, uint32_t timeout_ms, second_out *out, second_error *err) {
    (void)timeout_ms;
    fx_hot(instance, "detect");
    second_status st = fx_host->out_write(out, fx_str("{\"v\":1,\"available\":true,\"features\":{}}"));
    if (st != SECOND_OK) fx_error(err, st, "fixture detect: out_write failed", "");
    return st;
}

static second_status fx_start_session(void *instance, second_str spec_json, second_sink *sink, void **out_session,
                                      second_error *err) {
    (void)spec_json;
    fx_hot(instance, "start_session");
    fx_session *s = malloc(sizeof *s);
    if (s == NULL) {
        fx_error(err, SECOND_INTERNAL, "fixture start_session: out of memory", "");
        return SECOND_INTERNAL; /* nothing emitted, no session */
    }
    s->tag = 0x46585353u; /* "FXSS" */
    fx_host->emit(sink, SECOND_EVENT_JSON, fx_str("{\"v\":1,\"type\":\"text\",\"text\":\"hi\"}"));
    fx_host->emit(sink, SECOND_EVENT_EXIT, fx_str("{\"v\":1,\"code\":0,\"signal\":0}"));
    *out_session = s;
    return SECOND_OK;
}

static void fx_cancel(void *session) { (void)session; /* already exited */ }

static void fx_close_session(void *session) { free(session); }

static const second_runtime_driver_vtable fx_runtime_vtable = {
    FX_BASE(second_runtime_driver_vtable),
    fx_detect,
    fx_start_session,
    NULL, /* write_input */
    fx_cancel,
    fx_close_session,
};

/* ---- telemetry ---------------------------------------------------------------------------------- */

static void fx_submit(void *instance, second_str batch_json, second_completion done) {
    (void)batch_json;
    fx_hot(instance, "submit");
    fx_complete(done, SECOND_OK, "{\"v\":1}");
}

static void fx_flush(void *instance, uint32_t deadline_ms, second_completion done) {
    (void)deadline_ms;
    fx_hot(instance, "flush");
    fx_complete(done, SECOND_OK, "{\"v\":1}");
}

static const second_telemetry_sink_vtable fx_telemetry_vtable = {
    FX_BASE(second_telemetry_sink_vtable),
    fx_submit,
    fx_flush,
};

/* ---- descriptors -------------------------------------------------------------------------------- */

/* vtable is chosen in the entry function: FIXTURE_KIND may be an enum constant, which #if cannot test. */
static second_component_desc fx_component = {
#ifdef FIXTURE_SMALL_COMPONENT
    8,
#else
    sizeof(second_component_desc),
#endif
    FIXTURE_KIND,
    FIXTURE_TYPE,
    FIXTURE_STABILITY,
    FIXTURE_FLAGS,
    "Test fixture component",
    FIXTURE_SCHEMA,
    NULL,
};

static const second_component_desc *const fx_components[] = {&fx_component};

static const second_plugin_desc fx_desc = {
    sizeof(second_plugin_desc),
    FIXTURE_DESC_NAME,
    FIXTURE_VERSION,
    "Test fixture plugin",
    NULL,
    1,
    fx_components,
};

static const second_plugin_magic fx_magic = {
#ifdef FIXTURE_SMALL_MAGIC
    8,
#else
    sizeof(second_plugin_magic),
#endif
    FIXTURE_ABI_MAJOR,
    FIXTURE_ABI_MINOR,
    FIXTURE_NAME,
    FIXTURE_VERSION,
    "c",
    FIXTURE_SWIFT,
    SECOND_TARGET_FLAGS_HERE,
};

static const second_vtable_base *fx_vtable_for(second_kind kind) {
    switch (kind) {
    case SECOND_KIND_OAUTH_PROVIDER: return &fx_oauth_vtable.base;
    case SECOND_KIND_RUNTIME_DRIVER: return &fx_runtime_vtable.base;
    case SECOND_KIND_TELEMETRY_SINK: return &fx_telemetry_vtable.base;
    default: return &fx_auth_vtable.base; /* auth, and unknown kinds for the host to skip */
    }
}

static const second_plugin_magic *fx_magic_fn(void) { return &fx_magic; }

static const second_plugin_desc *fx_entry_fn(const second_host_api *host, second_error *err) {
    if (host == NULL) return NULL;
    fx_host = host;
    if (FX_ENTRY_FAILS) {
        fx_error(err, SECOND_UNAVAILABLE, "fixture entry refused: missing dependency libfoo", "");
        return NULL;
    }
    if (!SECOND_HAS_FIELD(host, second_host_api, instance_name)) {
        fx_error(err, SECOND_NOT_SUPPORTED, "fixture: host function table too small", "");
        return NULL;
    }
    fx_component.vtable = fx_vtable_for(fx_component.kind);
    return &fx_desc;
}

/* ---- the two exported symbols (or hidden stand-ins, so nothing above is unused) ----------------- */

#ifndef FIXTURE_NO_MAGIC
SECOND_PLUGIN_EXPORT const second_plugin_magic *second_plugin_magic_v1(void) { return fx_magic_fn(); }
#else
FX_HIDDEN const second_plugin_magic *fixture_magic_not_exported(void);
FX_HIDDEN const second_plugin_magic *fixture_magic_not_exported(void) { return fx_magic_fn(); }
#endif

#ifndef FIXTURE_NO_ENTRY
SECOND_PLUGIN_EXPORT const second_plugin_desc *second_plugin_entry_v1(const second_host_api *host, second_error *err) {
    return fx_entry_fn(host, err);
}
#else
FX_HIDDEN const second_plugin_desc *fixture_entry_not_exported(const second_host_api *host, second_error *err);
FX_HIDDEN const second_plugin_desc *fixture_entry_not_exported(const second_host_api *host, second_error *err) {
    return fx_entry_fn(host, err);
}
#endif
