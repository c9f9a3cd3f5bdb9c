/*
 * header_check.c — compile-only check that second_plugin.h is clean C11.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I plugin-api/include header_check.c
 *
 * Uses every struct type and macro of the header at least once, asserts that `struct_size` is the
 * first field of every struct and function table that has one (second_str and second_completion are
 * small by-value pairs without it), and builds a static vtable with the header's initializer shapes.
 * header_check.cpp does the same for C++17.
 */
#define SECOND_PLUGIN_DECLARE_ENTRY_POINTS 1
#include "second_plugin.h"

#include <stddef.h>

#define CHECK_FIRST(type) \
    _Static_assert(offsetof(type, struct_size) == 0, #type ": struct_size must be the first field"); \
    _Static_assert(sizeof(((type *)0)->struct_size) == 4, #type ": struct_size must be a uint32_t")

CHECK_FIRST(second_plugin_magic);
CHECK_FIRST(second_result);
CHECK_FIRST(second_process_callbacks);
CHECK_FIRST(second_host_api);
CHECK_FIRST(second_secrets_v1);
CHECK_FIRST(second_vtable_base);
CHECK_FIRST(second_component_desc);
CHECK_FIRST(second_plugin_desc);

/* Kind vtables start with the shared base, so base.struct_size is at offset 0 as well. */
#define CHECK_BASE_FIRST(type) \
    _Static_assert(offsetof(type, base) == 0, #type ": base must be the first member"); \
    _Static_assert(offsetof(type, base.struct_size) == 0, #type ": base.struct_size must be at offset 0")

CHECK_BASE_FIRST(second_auth_provider_vtable);
CHECK_BASE_FIRST(second_oauth_provider_vtable);
CHECK_BASE_FIRST(second_runtime_driver_vtable);
CHECK_BASE_FIRST(second_telemetry_sink_vtable);

/* By-value pairs without struct_size: their layout is fixed forever. */
_Static_assert(offsetof(second_str, ptr) == 0 && offsetof(second_str, len) == sizeof(void *), "second_str layout");
_Static_assert(offsetof(second_completion, fn) == 0, "second_completion layout");
_Static_assert(offsetof(second_completion, ctx) == sizeof(void (*)(void)), "second_completion layout");

/* Versions, enums, bit flags and symbol names. */
_Static_assert(SECOND_PLUGIN_ABI_MAJOR == 1, "ABI major");
_Static_assert(SECOND_PLUGIN_ABI_MINOR >= 0, "ABI minor");
_Static_assert(SECOND_OK == 0 && SECOND_NOT_HANDLED == 1 && SECOND_INVALID_CONFIG == 2 &&
               SECOND_INVALID_ARGUMENT == 3 && SECOND_NOT_SUPPORTED == 4 && SECOND_UNAUTHENTICATED == 5 &&
               SECOND_DENIED == 6 && SECOND_UNAVAILABLE == 7 && SECOND_TIMEOUT == 8 &&
               SECOND_CANCELLED == 9 && SECOND_BACKPRESSURE == 10 && SECOND_INTERNAL == 11,
               "status values are fixed forever");
_Static_assert(SECOND_LOG_TRACE == 0 && SECOND_LOG_DEBUG == 1 && SECOND_LOG_INFO == 2 &&
               SECOND_LOG_WARN == 3 && SECOND_LOG_ERROR == 4, "log levels");
_Static_assert(SECOND_KIND_AUTH_PROVIDER == 1 && SECOND_KIND_OAUTH_PROVIDER == 2 &&
               SECOND_KIND_RUNTIME_DRIVER == 3 && SECOND_KIND_TELEMETRY_SINK == 4, "kinds");
_Static_assert(SECOND_STABILITY_DEVELOPMENT == 0 && SECOND_STABILITY_ALPHA == 1 && SECOND_STABILITY_BETA == 2 &&
               SECOND_STABILITY_STABLE == 3 && SECOND_STABILITY_DEPRECATED == 4, "stability");
_Static_assert(SECOND_EVENT_STDOUT == 1 && SECOND_EVENT_STDERR == 2 && SECOND_EVENT_JSON == 3 &&
               SECOND_EVENT_STATUS == 4 && SECOND_EVENT_EXIT == 5, "event kinds");
_Static_assert(SECOND_STREAM_STDOUT == 1 && SECOND_STREAM_STDERR == 2, "streams");
_Static_assert(SECOND_TARGET_PTR64 == 0x1u && SECOND_TARGET_BIG_ENDIAN == 0x2u, "target bits");
_Static_assert((SECOND_TARGET_FLAGS_HERE & SECOND_TARGET_PTR64) == (sizeof(void *) == 8 ? SECOND_TARGET_PTR64 : 0u),
               "target flags: pointer size");
_Static_assert((SECOND_TARGET_FLAGS_HERE & ~(SECOND_TARGET_PTR64 | SECOND_TARGET_FLAGS_HERE_ENDIAN)) == 0u,
               "target flags: no unknown bits");
_Static_assert(SECOND_COMPONENT_THREADSAFE_INSTANCE == 0x1u && SECOND_COMPONENT_NEEDS_SPAWN == 0x2u &&
               SECOND_COMPONENT_NEEDS_NETWORK == 0x4u, "component flags");
_Static_assert(sizeof(SECOND_EXT_SECRETS) == sizeof("second.secrets.v1"), "extension name");
_Static_assert(sizeof(SECOND_PLUGIN_MAGIC_SYMBOL) == sizeof("second_plugin_magic_v1"), "magic symbol name");
_Static_assert(sizeof(SECOND_PLUGIN_ENTRY_SYMBOL) == sizeof("second_plugin_entry_v1"), "entry symbol name");

/* Every typedef'd scalar and opaque type. */
_Static_assert(sizeof(second_status) == 4 && sizeof(second_log_level) == 4 && sizeof(second_kind) == 4 &&
               sizeof(second_stability) == 4 && sizeof(second_event_kind) == 4 && sizeof(second_stream) == 4,
               "enum typedefs are int32_t");
_Static_assert(sizeof(second_error *) == sizeof(void *) && sizeof(second_out *) == sizeof(void *) &&
               sizeof(second_sink *) == sizeof(void *) && sizeof(second_instance_ctx *) == sizeof(void *) &&
               sizeof(second_process *) == sizeof(void *), "opaque handles");
_Static_assert(sizeof(second_plugin_magic_fn) == sizeof(void (*)(void)) &&
               sizeof(second_plugin_entry_fn) == sizeof(void (*)(void)), "entry function types");
_Static_assert(offsetof(second_host_api, get_extension) > offsetof(second_host_api, log), "host table order");

/* ---- a minimal static auth vtable, as a C plugin would write it -------------------------------- */

static second_status hc_create(second_instance_ctx *ctx, second_str config_json, void **out_instance, second_error *err) {
    (void)ctx; (void)config_json; (void)err;
    *out_instance = NULL;
    return SECOND_OK;
}
static second_status hc_validate(const second_instance_ctx *ctx, second_str config_json, second_error *err) {
    (void)ctx; (void)config_json; (void)err;
    return SECOND_OK;
}
static second_status hc_start(void *instance, second_error *err) { (void)instance; (void)err; return SECOND_OK; }
static void hc_stop(void *instance, uint32_t deadline_ms) { (void)instance; (void)deadline_ms; }
static void hc_destroy(void *instance) { (void)instance; }
static void hc_authenticate(void *instance, second_str request_json, second_completion done) {
    (void)instance; (void)request_json;
    second_result r = {sizeof(second_result), SECOND_NOT_HANDLED, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    done.fn(done.ctx, &r);
}

static const second_auth_provider_vtable hc_auth_vtable = {
    .base = {
        .struct_size = sizeof(second_auth_provider_vtable),
        .create = hc_create,
        .validate = hc_validate,
        .start = hc_start,
        .stop = hc_stop,
        .destroy = hc_destroy,
    },
    .authenticate = hc_authenticate,
    .control = NULL,
};

static const second_component_desc hc_component = {
    .struct_size = sizeof(second_component_desc),
    .kind = SECOND_KIND_AUTH_PROVIDER,
    .type = "header_check",
    .stability = SECOND_STABILITY_DEVELOPMENT,
    .flags = SECOND_COMPONENT_THREADSAFE_INSTANCE,
    .description = "compile check",
    .config_schema_json = NULL,
    .vtable = &hc_auth_vtable.base,
};
static const second_component_desc *const hc_components[] = {&hc_component};

static const second_plugin_desc hc_desc = {
    .struct_size = sizeof(second_plugin_desc),
    .name = "header-check",
    .version = "0.0.0",
    .description = "compile check",
    .homepage = NULL,
    .component_count = 1,
    .components = hc_components,
};

static const second_plugin_magic hc_magic = {
    .struct_size = sizeof(second_plugin_magic),
    .abi_major = SECOND_PLUGIN_ABI_MAJOR,
    .abi_minor = SECOND_PLUGIN_ABI_MINOR,
    .plugin_name = "header-check",
    .plugin_version = "0.0.0",
    .sdk_version = "c",
    .swift_compiler = "",
    .target_flags = SECOND_TARGET_FLAGS_HERE,
};

/* The declarations come from SECOND_PLUGIN_DECLARE_ENTRY_POINTS; these definitions must match them. */
SECOND_PLUGIN_EXPORT const second_plugin_magic *second_plugin_magic_v1(void) { return &hc_magic; }
SECOND_PLUGIN_EXPORT const second_plugin_desc *second_plugin_entry_v1(const second_host_api *host, second_error *err) {
    (void)host; (void)err;
    return &hc_desc;
}

/* ---- the remaining struct types, and SECOND_HAS_FIELD on local structs ------------------------- */

static void hc_on_output(void *ctx, second_stream stream, second_str data) { (void)ctx; (void)stream; (void)data; }
static void hc_on_exit(void *ctx, int32_t exit_code, int32_t signal) { (void)ctx; (void)exit_code; (void)signal; }
static void hc_done(void *ctx, const second_result *result) { (void)ctx; (void)result; }

int header_check_use(void);
int header_check_use(void) {
    int ok = 1;
    second_str s = {"x", 1};
    second_result r = {sizeof(second_result), SECOND_OK, s, {NULL, 0}, {NULL, 0}};
    second_completion c = {hc_done, NULL};
    second_process_callbacks cb = {sizeof(second_process_callbacks), hc_on_output, hc_on_exit, NULL};
    second_host_api host = {0};
    second_secrets_v1 secrets = {sizeof(second_secrets_v1), 1, NULL};
    second_oauth_provider_vtable oauth = {{0}, NULL, NULL};
    second_runtime_driver_vtable runtime = {{0}, NULL, NULL, NULL, NULL, NULL};
    second_telemetry_sink_vtable telemetry = {{0}, NULL, NULL};
    second_plugin_magic_fn magic_fn = second_plugin_magic_v1;
    second_plugin_entry_fn entry_fn = second_plugin_entry_v1;

    /* Pointers, not &local: the macro's NULL test on a plain address trips -Waddress. */
    const second_result *rp = &r;
    const second_process_callbacks *cbp = &cb;
    const second_host_api *hp = &host;
    const second_secrets_v1 *sp = &secrets;
    const second_plugin_magic *mp = magic_fn();
    const second_plugin_desc *dp = entry_fn(hp, NULL);
    const second_component_desc *cp = dp->components[0];
    const second_auth_provider_vtable *ap = (const second_auth_provider_vtable *)(const void *)cp->vtable;
    const second_oauth_provider_vtable *op = &oauth;
    const second_runtime_driver_vtable *rtp = &runtime;
    const second_telemetry_sink_vtable *tp = &telemetry;
    const second_vtable_base *bp = cp->vtable;

    host.struct_size = (uint32_t)offsetof(second_host_api, get_extension); /* an "older host" */
    oauth.base.struct_size = sizeof(second_vtable_base);                   /* base only */

    ok &= SECOND_HAS_FIELD(rp, second_result, details_json);
    ok &= SECOND_HAS_FIELD(cbp, second_process_callbacks, ctx);
    ok &= SECOND_HAS_FIELD(hp, second_host_api, monotonic_ms);
    ok &= !SECOND_HAS_FIELD(hp, second_host_api, get_extension);
    ok &= SECOND_HAS_FIELD(sp, second_secrets_v1, get);
    ok &= SECOND_HAS_FIELD(mp, second_plugin_magic, target_flags);
    ok &= SECOND_HAS_FIELD(dp, second_plugin_desc, components);
    ok &= SECOND_HAS_FIELD(cp, second_component_desc, vtable);
    ok &= SECOND_HAS_FIELD(bp, second_vtable_base, destroy);
    ok &= SECOND_HAS_FIELD(&ap->base, second_auth_provider_vtable, control);
    ok &= !SECOND_HAS_FIELD(&op->base, second_oauth_provider_vtable, describe);
    ok &= !SECOND_HAS_FIELD(&rtp->base, second_runtime_driver_vtable, close_session);
    ok &= !SECOND_HAS_FIELD(&tp->base, second_telemetry_sink_vtable, flush);
    ok &= !SECOND_HAS_FIELD((const second_plugin_magic *)NULL, second_plugin_magic, struct_size);

    ap->authenticate(NULL, s, c);
    return ok;
}

int main(void) { return 0; }
