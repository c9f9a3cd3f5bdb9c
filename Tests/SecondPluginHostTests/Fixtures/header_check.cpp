/*
 * header_check.cpp — compile-only check that second_plugin.h is clean C++ (C++17, no designated
 * initializers: those are C++20).
 *
 *   c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I plugin-api/include header_check.cpp
 *
 * Mirrors header_check.c: every struct type and macro, struct_size-first static_asserts, a static
 * vtable initializer, and the two entry points defined against the header's extern "C" declarations.
 */
#define SECOND_PLUGIN_DECLARE_ENTRY_POINTS 1
#include "second_plugin.h"

#include <cstddef>
#include <type_traits>

#define CHECK_FIRST(type) \
    static_assert(offsetof(type, struct_size) == 0, #type ": struct_size must be the first field"); \
    static_assert(std::is_same<decltype(type::struct_size), uint32_t>::value, #type ": struct_size must be a uint32_t"); \
    static_assert(std::is_standard_layout<type>::value && std::is_trivial<type>::value, #type ": must be a C POD")

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
    static_assert(offsetof(type, base) == 0, #type ": base must be the first member"); \
    static_assert(std::is_same<decltype(type::base), second_vtable_base>::value, #type ": base must be second_vtable_base"); \
    static_assert(std::is_standard_layout<type>::value && std::is_trivial<type>::value, #type ": must be a C POD")

CHECK_BASE_FIRST(second_auth_provider_vtable);
CHECK_BASE_FIRST(second_oauth_provider_vtable);
CHECK_BASE_FIRST(second_runtime_driver_vtable);
CHECK_BASE_FIRST(second_telemetry_sink_vtable);

/* By-value pairs without struct_size: their layout is fixed forever. */
static_assert(offsetof(second_str, ptr) == 0 && offsetof(second_str, len) == sizeof(void *), "second_str layout");
static_assert(offsetof(second_completion, fn) == 0, "second_completion layout");
static_assert(offsetof(second_completion, ctx) == sizeof(void (*)()), "second_completion layout");

/* Versions, enums, bit flags and symbol names. */
static_assert(SECOND_PLUGIN_ABI_MAJOR == 1, "ABI major");
static_assert(SECOND_PLUGIN_ABI_MINOR >= 0, "ABI minor");
static_assert(SECOND_OK == 0 && SECOND_NOT_HANDLED == 1 && SECOND_INVALID_CONFIG == 2 &&
              SECOND_INVALID_ARGUMENT == 3 && SECOND_NOT_SUPPORTED == 4 && SECOND_UNAUTHENTICATED == 5 &&
              SECOND_DENIED == 6 && SECOND_UNAVAILABLE == 7 && SECOND_TIMEOUT == 8 &&
              SECOND_CANCELLED == 9 && SECOND_BACKPRESSURE == 10 && SECOND_INTERNAL == 11,
              "status values are fixed forever");
static_assert(SECOND_LOG_TRACE == 0 && SECOND_LOG_DEBUG == 1 && SECOND_LOG_INFO == 2 &&
              SECOND_LOG_WARN == 3 && SECOND_LOG_ERROR == 4, "log levels");
static_assert(SECOND_KIND_AUTH_PROVIDER == 1 && SECOND_KIND_OAUTH_PROVIDER == 2 &&
              SECOND_KIND_RUNTIME_DRIVER == 3 && SECOND_KIND_TELEMETRY_SINK == 4, "kinds");
static_assert(SECOND_STABILITY_DEVELOPMENT == 0 && SECOND_STABILITY_ALPHA == 1 && SECOND_STABILITY_BETA == 2 &&
              SECOND_STABILITY_STABLE == 3 && SECOND_STABILITY_DEPRECATED == 4, "stability");
static_assert(SECOND_EVENT_STDOUT == 1 && SECOND_EVENT_STDERR == 2 && SECOND_EVENT_JSON == 3 &&
              SECOND_EVENT_STATUS == 4 && SECOND_EVENT_EXIT == 5, "event kinds");
static_assert(SECOND_STREAM_STDOUT == 1 && SECOND_STREAM_STDERR == 2, "streams");
static_assert(SECOND_TARGET_PTR64 == 0x1u && SECOND_TARGET_BIG_ENDIAN == 0x2u, "target bits");
static_assert((SECOND_TARGET_FLAGS_HERE & SECOND_TARGET_PTR64) == (sizeof(void *) == 8 ? SECOND_TARGET_PTR64 : 0u),
              "target flags: pointer size");
static_assert((SECOND_TARGET_FLAGS_HERE & ~(SECOND_TARGET_PTR64 | SECOND_TARGET_FLAGS_HERE_ENDIAN)) == 0u,
              "target flags: no unknown bits");
static_assert(SECOND_COMPONENT_THREADSAFE_INSTANCE == 0x1u && SECOND_COMPONENT_NEEDS_SPAWN == 0x2u &&
              SECOND_COMPONENT_NEEDS_NETWORK == 0x4u, "component flags");
static_assert(sizeof(SECOND_EXT_SECRETS) == sizeof("second.secrets.v1"), "extension name");
static_assert(sizeof(SECOND_PLUGIN_MAGIC_SYMBOL) == sizeof("second_plugin_magic_v1"), "magic symbol name");
static_assert(sizeof(SECOND_PLUGIN_ENTRY_SYMBOL) == sizeof("second_plugin_entry_v1"), "entry symbol name");

/* Every typedef'd scalar and opaque type. */
static_assert(std::is_same<second_status, int32_t>::value && std::is_same<second_log_level, int32_t>::value &&
              std::is_same<second_kind, int32_t>::value && std::is_same<second_stability, int32_t>::value &&
              std::is_same<second_event_kind, int32_t>::value && std::is_same<second_stream, int32_t>::value,
              "enum typedefs are int32_t");
static_assert(sizeof(second_error *) == sizeof(void *) && sizeof(second_out *) == sizeof(void *) &&
              sizeof(second_sink *) == sizeof(void *) && sizeof(second_instance_ctx *) == sizeof(void *) &&
              sizeof(second_process *) == sizeof(void *), "opaque handles");
static_assert(std::is_same<second_plugin_magic_fn, decltype(&second_plugin_magic_v1)>::value,
              "magic declaration matches its function type");
static_assert(std::is_same<second_plugin_entry_fn, decltype(&second_plugin_entry_v1)>::value,
              "entry declaration matches its function type");
static_assert(offsetof(second_host_api, get_extension) > offsetof(second_host_api, log), "host table order");

/* ---- a minimal static auth vtable, as a C++ plugin would write it ------------------------------ */

namespace {

extern "C" {
second_status hc_create(second_instance_ctx *ctx, second_str config_json, void **out_instance, second_error *err) {
    (void)ctx; (void)config_json; (void)err;
    *out_instance = nullptr;
    return SECOND_OK;
}
second_status hc_validate(const second_instance_ctx *ctx, second_str config_json, second_error *err) {
    (void)ctx; (void)config_json; (void)err;
    return SECOND_OK;
}
second_status hc_start(void *instance, second_error *err) { (void)instance; (void)err; return SECOND_OK; }
void hc_stop(void *instance, uint32_t deadline_ms) { (void)instance; (void)deadline_ms; }
void hc_destroy(void *instance) { (void)instance; }
void hc_authenticate(void *instance, second_str request_json, second_completion done) {
    (void)instance; (void)request_json;
    second_result r = {sizeof(second_result), SECOND_NOT_HANDLED, {nullptr, 0}, {nullptr, 0}, {nullptr, 0}};
    done.fn(done.ctx, &r);
}
void hc_on_output(void *ctx, second_stream stream, second_str data) { (void)ctx; (void)stream; (void)data; }
void hc_on_exit(void *ctx, int32_t exit_code, int32_t signal) { (void)ctx; (void)exit_code; (void)signal; }
void hc_done(void *ctx, const second_result *result) { (void)ctx; (void)result; }
} // extern "C"

const second_auth_provider_vtable hc_auth_vtable = {
    {sizeof(second_auth_provider_vtable), hc_create, hc_validate, hc_start, hc_stop, hc_destroy},
    hc_authenticate,
    nullptr, /* control */
};

const second_component_desc hc_component = {
    sizeof(second_component_desc),
    SECOND_KIND_AUTH_PROVIDER,
    "header_check",
    SECOND_STABILITY_DEVELOPMENT,
    SECOND_COMPONENT_THREADSAFE_INSTANCE,
    "compile check",
    nullptr, /* config_schema_json */
    &hc_auth_vtable.base,
};
const second_component_desc *const hc_components[] = {&hc_component};

const second_plugin_desc hc_desc = {
    sizeof(second_plugin_desc), "header-check", "0.0.0", "compile check", nullptr, 1, hc_components,
};

const second_plugin_magic hc_magic = {
    sizeof(second_plugin_magic), SECOND_PLUGIN_ABI_MAJOR, SECOND_PLUGIN_ABI_MINOR,
    "header-check", "0.0.0", "c++", "", SECOND_TARGET_FLAGS_HERE,
};

} // namespace

/* The declarations come from SECOND_PLUGIN_DECLARE_ENTRY_POINTS (inside extern "C"); these
 * definitions get C linkage from them. */
SECOND_PLUGIN_EXPORT const second_plugin_magic *second_plugin_magic_v1(void) { return &hc_magic; }
SECOND_PLUGIN_EXPORT const second_plugin_desc *second_plugin_entry_v1(const second_host_api *host, second_error *err) {
    (void)host; (void)err;
    return &hc_desc;
}

/* ---- the remaining struct types, and SECOND_HAS_FIELD on local structs ------------------------- */

int header_check_use();
int header_check_use() {
    bool ok = true;
    second_str s = {"x", 1};
    second_result r = {sizeof(second_result), SECOND_OK, s, {nullptr, 0}, {nullptr, 0}};
    second_completion c = {hc_done, nullptr};
    second_process_callbacks cb = {sizeof(second_process_callbacks), hc_on_output, hc_on_exit, nullptr};
    second_host_api host = {};
    second_secrets_v1 secrets = {sizeof(second_secrets_v1), 1, nullptr};
    second_oauth_provider_vtable oauth = {};
    second_runtime_driver_vtable runtime = {};
    second_telemetry_sink_vtable telemetry = {};
    second_plugin_magic_fn magic_fn = second_plugin_magic_v1;
    second_plugin_entry_fn entry_fn = second_plugin_entry_v1;

    /* Pointers, not &local: the macro's NULL test on a plain address can trip -Waddress. */
    const second_result *rp = &r;
    const second_process_callbacks *cbp = &cb;
    const second_host_api *hp = &host;
    const second_secrets_v1 *sp = &secrets;
    const second_plugin_magic *mp = magic_fn();
    const second_plugin_desc *dp = entry_fn(hp, nullptr);
    const second_component_desc *cp = dp->components[0];
    const second_auth_provider_vtable *ap = reinterpret_cast<const second_auth_provider_vtable *>(cp->vtable);
    const second_oauth_provider_vtable *op = &oauth;
    const second_runtime_driver_vtable *rtp = &runtime;
    const second_telemetry_sink_vtable *tp = &telemetry;
    const second_vtable_base *bp = cp->vtable;

    host.struct_size = static_cast<uint32_t>(offsetof(second_host_api, get_extension)); /* an "older host" */
    oauth.base.struct_size = sizeof(second_vtable_base);                                 /* base only */

    ok = ok && SECOND_HAS_FIELD(rp, second_result, details_json);
    ok = ok && SECOND_HAS_FIELD(cbp, second_process_callbacks, ctx);
    ok = ok && SECOND_HAS_FIELD(hp, second_host_api, monotonic_ms);
    ok = ok && !SECOND_HAS_FIELD(hp, second_host_api, get_extension);
    ok = ok && SECOND_HAS_FIELD(sp, second_secrets_v1, get);
    ok = ok && SECOND_HAS_FIELD(mp, second_plugin_magic, target_flags);
    ok = ok && SECOND_HAS_FIELD(dp, second_plugin_desc, components);
    ok = ok && SECOND_HAS_FIELD(cp, second_component_desc, vtable);
    ok = ok && SECOND_HAS_FIELD(bp, second_vtable_base, destroy);
    ok = ok && SECOND_HAS_FIELD(&ap->base, second_auth_provider_vtable, control);
    ok = ok && !SECOND_HAS_FIELD(&op->base, second_oauth_provider_vtable, describe);
    ok = ok && !SECOND_HAS_FIELD(&rtp->base, second_runtime_driver_vtable, close_session);
    ok = ok && !SECOND_HAS_FIELD(&tp->base, second_telemetry_sink_vtable, flush);

    ap->authenticate(nullptr, s, c);
    return ok ? 1 : 0;
}

int main(void) { return 0; }
