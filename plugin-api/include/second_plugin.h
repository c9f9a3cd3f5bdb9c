/*
 * second_plugin.h — the Second Server plugin ABI, version 1.2.
 * (1.1 added the "second.identity.v1" extension; 1.2 documented the runtime spec members system_prompt,
 * tmp, allowed_tools, max_turns, mcp.servers and the normalized event schema; nothing earlier changed.)
 *
 * This header is the whole contract between the Second Server host and a plugin shared library.
 * It is C11 and C++ clean and includes only <stdint.h>, <stddef.h> and <stdbool.h>, so a plugin can be
 * written in C, C++, Rust, Zig or Swift (through SecondPluginKit, the Swift SDK built on this header).
 *
 * ---------------------------------------------------------------------------------------------------
 * 1. Shape
 * ---------------------------------------------------------------------------------------------------
 * A plugin library exports exactly two functions:
 *
 *   second_plugin_magic_v1()   pure; returns a static compatibility block. The host reads it BEFORE any
 *                              other plugin code runs and refuses the library if it does not fit.
 *   second_plugin_entry_v1()   runs once per library after the magic check; receives the host function
 *                              table and returns the plugin descriptor (its components).
 *
 * A library provides one or more COMPONENTS. A component has a kind (auth provider, OAuth provider
 * definition, runtime driver, telemetry sink) and a type; its id is "KIND.TYPE", for example
 * "auth.oidc" or "runtime.claude". The deployment YAML configures INSTANCES named "TYPE/NAME" under the
 * kind, so one component may run several times with different configs. Every hot-path call carries the
 * plugin's own instance pointer.
 *
 * ---------------------------------------------------------------------------------------------------
 * 2. Compatibility (checked by the host, in this order, before the entry function runs)
 * ---------------------------------------------------------------------------------------------------
 *   - magic->struct_size must cover the fields of ABI 1.0;
 *   - magic->abi_major == SECOND_PLUGIN_ABI_MAJOR of the host;
 *   - magic->abi_minor <= SECOND_PLUGIN_ABI_MINOR of the host (a plugin built for a newer minor may call
 *     functions this host does not have, so it is refused rather than allowed to crash);
 *   - magic->swift_compiler, when non-empty, must equal the host's Swift compiler version: Swift has no
 *     stable ABI on Linux, so in-process Swift plugins must come from the same toolchain. C, C++ and Rust
 *     plugins leave it "" and are exempt;
 *   - magic->target_flags must match the host (pointer size, byte order).
 * Every mismatch is named in one message that tells the operator what to rebuild.
 *
 * ---------------------------------------------------------------------------------------------------
 * 3. Evolution rules
 * ---------------------------------------------------------------------------------------------------
 *   - Every struct and function table starts with `uint32_t struct_size` (a kind vtable starts with
 *     its `base`, whose struct_size covers the whole vtable), set by whoever fills it to sizeof() as
 *     compiled. The two small pairs passed by value, second_str and second_completion, are frozen
 *     and have no size. Fields are only ever appended. A reader checks SECOND_HAS_FIELD() before
 *     reading any field added after 1.0 (for a kind vtable: SECOND_HAS_FIELD(&vt->base, KIND_vtable,
 *     field)), and treats a missing field as absent (NULL / 0).
 *   - Appending a field or a host function bumps the MINOR version. Removing, reordering or changing the
 *     meaning of anything bumps the MAJOR version and renames the entry symbols (_v2).
 *   - New host services are added as named extensions (get_extension), never by growing this file's
 *     core table for a single use.
 *
 * ---------------------------------------------------------------------------------------------------
 * 4. Memory and strings
 * ---------------------------------------------------------------------------------------------------
 *   - Strings cross the boundary as second_str {ptr, len}: UTF-8, NOT necessarily NUL-terminated.
 *     ptr may be NULL only when len is 0.
 *   - Nobody frees memory they did not allocate. Inputs the host passes are valid only for the duration
 *     of the call (copy what you keep). Results flow back through host-owned objects that COPY:
 *     second_out (results), second_error (errors), second_sink (events). The plugin never hands the host
 *     memory that the host must free, and never keeps pointers into host memory after a call returns.
 *   - Descriptor data (magic, plugin descriptor, component descriptors, vtables, schema strings) is
 *     static plugin memory that must stay valid for the life of the process.
 *
 * ---------------------------------------------------------------------------------------------------
 * 5. Threads (changing any of these rules is a MAJOR change)
 * ---------------------------------------------------------------------------------------------------
 *   (a) magic, entry, create, validate, start, stop and destroy are called on one host control thread,
 *       never concurrently with each other.
 *   (b) Hot-path calls (authenticate, describe, start_session, submit, ...) may run concurrently on
 *       different instances and sessions, and on the same instance too: instances must be thread-safe
 *       (SECOND_COMPONENT_THREADSAFE_INSTANCE is set by every first-party component; the host serialises
 *       calls per instance for components that do not set it).
 *   (c) Every host function is thread-safe unless its comment says otherwise.
 *   (d) A plugin must not block a host thread for more than about 10 ms: long work runs on plugin
 *       threads (or host-spawned processes) and reports through a second_completion or a second_sink.
 *
 * ---------------------------------------------------------------------------------------------------
 * 6. Instance lifecycle (per instance, on the control thread)
 * ---------------------------------------------------------------------------------------------------
 *   create ──► start ──► stop ──► destroy
 *     │          │ fails   ▲
 *     │ fails    └─────────┘  (a failed start is followed by stop, then destroy)
 *     └──► destroy, only if create stored a non-NULL instance (so partial state can be released)
 *   - validate(config) is a dry run with no instance: no threads, sockets, files or children.
 *   - create must not start threads, open sockets or spawn; start must return quickly.
 *   - The host calls stop at most once per instance, also for an instance that was created but never
 *     started (startup rolled back); stop must therefore be safe without start. After stop no hot-path
 *     call is made. destroy is always the last call and is made exactly once for every non-NULL
 *     instance. Plugins never unload: the host never dlclose()s a library.
 *
 * ---------------------------------------------------------------------------------------------------
 * 7. Payloads
 * ---------------------------------------------------------------------------------------------------
 * Config, control requests and results are UTF-8 JSON objects with a top-level "v": 1. Readers ignore
 * unknown fields. Hot paths (handles, status codes, byte chunks) are plain C.
 */
#ifndef SECOND_PLUGIN_H
#define SECOND_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================================================ */
/* Versions and basic types                                                                          */
/* ================================================================================================ */

#define SECOND_PLUGIN_ABI_MAJOR 1
#define SECOND_PLUGIN_ABI_MINOR 2

/** True when a struct filled by the other side (with its own struct_size) contains FIELD.
 *  `ptr` is evaluated more than once: pass a plain pointer variable. */
#define SECOND_HAS_FIELD(ptr, type, field) \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/** A UTF-8 byte string; not NUL-terminated. ptr may be NULL only when len == 0. */
typedef struct second_str {
    const char *ptr;
    size_t len;
} second_str;

/** Status of every fallible call. Values are fixed forever; new ones are appended. */
typedef int32_t second_status;
enum {
    SECOND_OK = 0,               /**< success */
    SECOND_NOT_HANDLED = 1,      /**< not mine: the host asks the next component (auth chain) */
    SECOND_INVALID_CONFIG = 2,   /**< the instance config is wrong; the error says where */
    SECOND_INVALID_ARGUMENT = 3, /**< a request payload is malformed */
    SECOND_NOT_SUPPORTED = 4,    /**< optional operation not implemented */
    SECOND_UNAUTHENTICATED = 5,  /**< credentials missing or invalid */
    SECOND_DENIED = 6,           /**< authenticated, but refused */
    SECOND_UNAVAILABLE = 7,      /**< a dependency is down; retrying later may work */
    SECOND_TIMEOUT = 8,          /**< a deadline passed */
    SECOND_CANCELLED = 9,        /**< cancelled by the caller */
    SECOND_BACKPRESSURE = 10,    /**< a queue is full; nothing was taken, retry after waiting */
    SECOND_INTERNAL = 11         /**< a bug or an unexpected failure */
};

/** Log levels, most verbose first. */
typedef int32_t second_log_level;
enum {
    SECOND_LOG_TRACE = 0,
    SECOND_LOG_DEBUG = 1,
    SECOND_LOG_INFO = 2,
    SECOND_LOG_WARN = 3,
    SECOND_LOG_ERROR = 4
};

/** Component kinds. 0 is invalid; the host skips (with a warning) kinds it does not know. */
typedef int32_t second_kind;
enum {
    SECOND_KIND_AUTH_PROVIDER = 1,     /**< id prefix "auth"      */
    SECOND_KIND_OAUTH_PROVIDER = 2,    /**< id prefix "oauth"     */
    SECOND_KIND_RUNTIME_DRIVER = 3,    /**< id prefix "runtime"   */
    SECOND_KIND_TELEMETRY_SINK = 4     /**< id prefix "telemetry" */
};

/** How settled a component is; logged at startup (deprecated ones print a removal notice). */
typedef int32_t second_stability;
enum {
    SECOND_STABILITY_DEVELOPMENT = 0,
    SECOND_STABILITY_ALPHA = 1,
    SECOND_STABILITY_BETA = 2,
    SECOND_STABILITY_STABLE = 3,
    SECOND_STABILITY_DEPRECATED = 4
};

/* Opaque host-owned objects. Plugins only ever hold pointers to them. */
typedef struct second_error second_error;             /**< structured error slot, see error_set */
typedef struct second_out second_out;                 /**< result buffer, see out_write */
typedef struct second_sink second_sink;               /**< runtime event stream, see emit */
typedef struct second_instance_ctx second_instance_ctx; /**< the host's identity of one instance */
typedef struct second_process second_process;         /**< a host-spawned child process */

/* ================================================================================================ */
/* Magic block                                                                                        */
/* ================================================================================================ */

/** target_flags bits. */
#define SECOND_TARGET_PTR64 0x1u        /**< pointers are 64-bit */
#define SECOND_TARGET_BIG_ENDIAN 0x2u   /**< big-endian byte order */

/** The value a plugin should put in target_flags, computed by the compiler that builds it. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SECOND_TARGET_FLAGS_HERE_ENDIAN SECOND_TARGET_BIG_ENDIAN
#else
#define SECOND_TARGET_FLAGS_HERE_ENDIAN 0u
#endif
#define SECOND_TARGET_FLAGS_HERE \
    ((sizeof(void *) == 8 ? SECOND_TARGET_PTR64 : 0u) | SECOND_TARGET_FLAGS_HERE_ENDIAN)

/**
 * Compatibility block, returned by second_plugin_magic_v1().
 * Ownership: static plugin memory, valid for the life of the process. All strings NUL-terminated.
 */
typedef struct second_plugin_magic {
    uint32_t struct_size;        /**< sizeof(second_plugin_magic) as the plugin compiled it */
    uint16_t abi_major;          /**< SECOND_PLUGIN_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor;          /**< SECOND_PLUGIN_ABI_MINOR the plugin was built against */
    const char *plugin_name;     /**< unique name, [a-z0-9][a-z0-9-]{0,62}, e.g. "acme-auth" */
    const char *plugin_version;  /**< semantic version of the plugin, e.g. "1.2.0" */
    const char *sdk_version;     /**< "c" for plain C, else the SDK's version, e.g. "swift-kit 1.0.0" */
    const char *swift_compiler;  /**< Swift compiler version ("6.3.1"), or "" when not Swift */
    uint32_t target_flags;       /**< SECOND_TARGET_FLAGS_HERE */
} second_plugin_magic;

/* ================================================================================================ */
/* Completion callbacks                                                                               */
/* ================================================================================================ */

/**
 * The outcome of a long call, given to a second_completion.
 * Ownership: memory of whoever calls the completion; valid only during that call.
 */
typedef struct second_result {
    uint32_t struct_size;
    second_status status;
    second_str payload;       /**< JSON result on SECOND_OK or SECOND_DENIED (may be empty otherwise) */
    second_str message;       /**< human-readable error when status != OK; never contains secrets */
    second_str details_json;  /**< optional JSON object with details, e.g. {"path":"/client_id"} */
} second_result;

/**
 * A callback for a long-running call. The callee calls fn EXACTLY ONCE, from any thread, possibly
 * before the call that received it has returned. ctx is the caller's and is passed back untouched.
 * The callee must not touch the completion after calling it.
 */
typedef struct second_completion {
    void (*fn)(void *ctx, const second_result *result);
    void *ctx;
} second_completion;

/* ================================================================================================ */
/* Runtime event stream                                                                                */
/* ================================================================================================ */

/** Kinds of items a runtime driver emits into a session's sink. */
typedef int32_t second_event_kind;
enum {
    SECOND_EVENT_STDOUT = 1,      /**< raw bytes the process wrote to stdout (diagnostics only) */
    SECOND_EVENT_STDERR = 2,      /**< raw bytes the process wrote to stderr (diagnostics only) */
    SECOND_EVENT_JSON = 3,        /**< one normalized event, a JSON object with "v" and "type" */
    SECOND_EVENT_STATUS = 4,      /**< JSON {"v":1,"state":"starting|running|waiting|..."} */
    SECOND_EVENT_EXIT = 5         /**< JSON {"v":1,"code":N,"signal":N,"error":"..."}; exactly once, last */
};

/* ================================================================================================ */
/* Process spawning (host-owned)                                                                     */
/* ================================================================================================ */

/** Which stream a process output chunk came from. */
typedef int32_t second_stream;
enum { SECOND_STREAM_STDOUT = 1, SECOND_STREAM_STDERR = 2 };

/**
 * Callbacks the host calls for a spawned process. Both are called on a host reader thread owned by
 * that process, never concurrently for one process. Blocking in on_output (e.g. waiting on a full sink)
 * pauses reading, which back-pressures the child through its pipe.
 */
typedef struct second_process_callbacks {
    uint32_t struct_size;
    /** One chunk of output. With SECOND_SPAWN_LINES, exactly one line without its '\n' (lines longer
     *  than max_line_bytes of the spec are split). `data` is valid only during the call. May be NULL. */
    void (*on_output)(void *ctx, second_stream stream, second_str data);
    /** Called exactly once after both pipes closed and the child was reaped. exit_code is -1 when the
     *  child died of a signal; signal is 0 otherwise. After on_exit returns, the host makes no further
     *  call with ctx; the second_process handle stays valid until process_release. May be NULL. */
    void (*on_exit)(void *ctx, int32_t exit_code, int32_t signal);
    void *ctx;
} second_process_callbacks;

/* ================================================================================================ */
/* The host function table                                                                          */
/* ================================================================================================ */

/**
 * Passed once to second_plugin_entry_v1(). Ownership: the host's; valid for the life of the process
 * (plugins may keep the pointer). All functions are thread-safe.
 */
typedef struct second_host_api {
    uint32_t struct_size;
    uint16_t abi_major;       /**< the host's SECOND_PLUGIN_ABI_MAJOR */
    uint16_t abi_minor;       /**< the host's SECOND_PLUGIN_ABI_MINOR */
    const char *host_version; /**< e.g. "0.1.0"; static, NUL-terminated */

    /* ---- logging ---------------------------------------------------------------------------- */

    /** True when a message at `level` would be written; lets a plugin skip formatting.
     *  ctx may be NULL (plugin-wide). Cheap: safe on hot paths. */
    bool (*log_enabled)(const second_instance_ctx *ctx, second_log_level level);
    /** Writes one log line attributed to the plugin (and to the instance when ctx is not NULL).
     *  The host copies msg and never writes secrets it knows of; plugins must not log secrets.
     *  Plugins never write to stdout or stderr themselves. */
    void (*log)(const second_instance_ctx *ctx, second_log_level level, second_str msg);

    /* ---- memory ------------------------------------------------------------------------------ */

    /** Allocates `size` bytes from the host allocator (accounted in host metrics), or NULL.
     *  Free with host->free only. */
    void *(*alloc)(size_t size);
    /** Frees memory from host->alloc. NULL is allowed. */
    void (*free)(void *ptr);

    /* ---- results and errors (copying, host-owned targets) --------------------------------- */

    /** Appends `data` to a result buffer the host passed to a call. The host copies; `out` is valid
     *  only during that call. Returns OK, or INVALID_ARGUMENT when out is NULL. */
    second_status (*out_write)(second_out *out, second_str data);
    /** Records the error of the current call in `err` (the slot the host passed to that call).
     *  Copies everything. A second call replaces the first. message must not contain secrets;
     *  details_json (may be empty) is a JSON object such as {"path":"/tokens/0"}. */
    void (*error_set)(second_error *err, second_status code, second_str message, second_str details_json);

    /* ---- runtime event sink ------------------------------------------------------------------ */

    /** Emits one item into a session's sink. Copies `data`. Non-blocking: returns OK when taken,
     *  SECOND_BACKPRESSURE when the sink's bounded queue is full (nothing taken: wait with
     *  sink_wait and retry), SECOND_CANCELLED when the session's consumer has gone (stop producing),
     *  INVALID_ARGUMENT for an unknown kind or after EXIT was emitted. Thread-safe; items from one
     *  thread keep their order. */
    second_status (*emit)(second_sink *sink, second_event_kind kind, second_str data);
    /** Blocks until the sink can take an item or timeout_ms passes. Returns OK (space available),
     *  TIMEOUT, or CANCELLED (consumer gone). Call it from plugin or process-reader threads only. */
    second_status (*sink_wait)(second_sink *sink, uint32_t timeout_ms);

    /* ---- processes --------------------------------------------------------------------------- */

    /**
     * Spawns a child process for a runtime driver. The host owns all of it: posix_spawn in a new
     * process group, stdin/stdout/stderr pipes, an environment built ONLY from the spec's "env"
     * object plus the host's configured allowlist (the server's own environment is never inherited),
     * cwd, a wall-clock limit that kills the whole group, and a kill of every child at shutdown.
     *
     * spec_json: {"v":1, "argv":["/bin/cmd","arg"], "env":{"K":"V"}, "cwd":"/dir",
     *             "stdin":"pipe"|"null", "timeout_ms":N, "kill_grace_ms":N, "max_line_bytes":N,
     *             "lines":true}
     *   argv[0] is an absolute path or a name looked up on the allowlisted PATH. "lines" (default
     *   true) delivers output line by line; false delivers raw chunks.
     * callbacks: copied; see second_process_callbacks.
     * On OK *out_process is a handle the plugin must eventually pass to process_release.
     * Errors: INVALID_ARGUMENT (bad spec, the message names the field), UNAVAILABLE (spawn failed,
     * e.g. executable not found; the message says which), DENIED (the component did not declare
     * SECOND_COMPONENT_NEEDS_SPAWN, or ctx is a validation context). On error the host writes a
     * NUL-terminated message (truncated to fit) into err_buf when err_cap > 0; err_buf is the
     * caller's and may be NULL when err_cap is 0. No callback is ever called after an error.
     */
    second_status (*spawn)(const second_instance_ctx *ctx, second_str spec_json,
                           const second_process_callbacks *callbacks, second_process **out_process,
                           char *err_buf, size_t err_cap);
    /** Sends `signal` (e.g. 2 SIGINT, 15 SIGTERM, 9 SIGKILL) to the child's whole process group.
     *  Safe after exit (returns OK, does nothing). */
    second_status (*process_kill)(second_process *process, int32_t signal);
    /** Writes to the child's stdin (spawned with "stdin":"pipe"). Blocks only while the pipe is full.
     *  Returns UNAVAILABLE after the child closed stdin or exited. */
    second_status (*process_write)(second_process *process, second_str data);
    /** Closes the child's stdin. Idempotent. */
    void (*process_close_stdin)(second_process *process);
    /** The child's pid, or -1 after it was reaped. */
    int64_t (*process_pid)(const second_process *process);
    /** Releases the handle. If the child still runs, it is killed (SIGKILL to the group) first;
     *  on_exit is still delivered. After this call the handle must not be used. */
    void (*process_release)(second_process *process);

    /* ---- instance identity ----------------------------------------------------------------- */

    /** The component type of an instance context ("static_tokens" for "auth.static_tokens/main").
     *  Host memory, valid as long as ctx. Lets one set of C functions serve several components. */
    second_str (*instance_type)(const second_instance_ctx *ctx);
    /** The instance name ("main" for "auth.static_tokens/main"). Host memory, valid as long as ctx. */
    second_str (*instance_name)(const second_instance_ctx *ctx);
    /** The component kind of an instance context. */
    second_kind (*instance_kind)(const second_instance_ctx *ctx);

    /* ---- time and extensions --------------------------------------------------------------- */

    /** Milliseconds of a monotonic clock (for deadlines). */
    uint64_t (*monotonic_ms)(void);
    /**
     * Returns the table of a named optional host service, or NULL when this host does not offer it
     * at `min_version` or newer. Names are "second.<service>.v<major>", e.g. "second.secrets.v1".
     * The table starts with uint32_t struct_size and uint32_t version; it is host memory valid for
     * the life of the process.
     */
    const void *(*get_extension)(const char *name, uint32_t min_version);
} second_host_api;

/* ================================================================================================ */
/* Extension "second.secrets.v1"                                                                    */
/* ================================================================================================ */

/** Name of the secrets extension. */
#define SECOND_EXT_SECRETS "second.secrets.v1"

/**
 * Named secrets from the deployment's `secrets:` section (values from the environment or mounted
 * files). The host resolves them; they are never printed by the host.
 */
typedef struct second_secrets_v1 {
    uint32_t struct_size;
    uint32_t version;  /**< 1 */
    /** Copies the secret called `name` into the caller's buffer `buf` of `cap` bytes (no NUL added)
     *  and stores its full length in *out_len. When *out_len > cap only cap bytes were copied: call
     *  again with a larger buffer. buf may be NULL when cap is 0 (to ask for the length).
     *  Returns OK, or NOT_HANDLED when no such secret is configured. Thread-safe. The plugin must not
     *  log the value and should wipe its copy when done. */
    second_status (*get)(const second_instance_ctx *ctx, second_str name, char *buf, size_t cap,
                         size_t *out_len);
} second_secrets_v1;

/* ================================================================================================ */
/* Extension "second.identity.v1" (ABI 1.1)                                                          */
/* ================================================================================================ */

/** Name of the identity extension. */
#define SECOND_EXT_IDENTITY "second.identity.v1"

/**
 * Identity services for auth providers that sync users, memberships and invitations out of band
 * (for example from a `control` "sync" operation). Offered only to auth-provider instances (not to
 * validation contexts) of a server that has a store; otherwise get_extension returns NULL or the
 * call completes with DENIED / UNAVAILABLE.
 */
typedef struct second_identity_v1 {
    uint32_t struct_size;
    uint32_t version;  /**< 1 */
    /**
     * Performs one operation and completes exactly once (possibly on another thread). request_json
     * is copied before the call returns. Operations (results are JSON objects with "v":1):
     *   {"v":1,"op":"upsert_user","subject":"s","email":"a@b.c","name":"Ada"}        → {"user_id":".."}
     *   {"v":1,"op":"map_organization","organization_id":"org-1","name":"Acme"}      → {"workspace_id":".."}
     *   {"v":1,"op":"upsert_membership","workspace_id":"..","user_id":"..","role":"member"}
     *       → {"role":".."}; the role must be exactly owner, admin or member (else INVALID_ARGUMENT);
     *         the user also joins the workspace's General team
     *   {"v":1,"op":"invite","workspace_id":"..","email":"..","role":"member"}      → {"invitation_id":".."}
     *   {"v":1,"op":"revoke_invitation","workspace_id":"..","invitation_id":".."}   → {}
     *   {"v":1,"op":"resend_invitation","workspace_id":"..","invitation_id":".."}   → {} (renews expiry)
     *   {"v":1,"op":"reconcile_invitation","workspace_id":"..","invitation_id":"..",
     *    "status":"accepted|revoked|expired","user_id":".."}   (user_id only for accepted)
     *       → {"status":".."}; accepted adds the membership with the invited role and General
     *   {"v":1,"op":"accept_invitations","user_id":"..","email":".."}               → {"accepted":N}
     * Organizations map to workspaces per provider instance (the same id from two providers is two
     * workspaces). Errors: INVALID_ARGUMENT (the message names the field), NOT_SUPPORTED (unknown
     * op), DENIED (not an auth provider), UNAVAILABLE (store down). Thread-safe.
     */
    void (*call)(const second_instance_ctx *ctx, second_str request_json, second_completion done);
} second_identity_v1;

/* ================================================================================================ */
/* Component vtables                                                                                  */
/* ================================================================================================ */

/**
 * The lifecycle every kind shares; it is the first member of every kind's vtable.
 * base.struct_size holds sizeof() of the WHOLE kind vtable.
 */
typedef struct second_vtable_base {
    uint32_t struct_size;
    /**
     * Creates an instance from its config. config_json is the instance's validated, normalized config
     * (schema defaults filled), valid only during the call. ctx identifies the instance for host calls
     * (log, spawn, extensions) and stays valid until destroy returns. On OK store the plugin's instance
     * pointer in *out_instance. On failure, fill err and return non-OK; if *out_instance was set
     * anyway, destroy is called for it. Control thread. No threads, sockets or children yet.
     */
    second_status (*create)(second_instance_ctx *ctx, second_str config_json, void **out_instance,
                            second_error *err);
    /** Optional (may be NULL). Checks a config without creating anything (used by `second config
     *  check`). ctx is a validation-only context: instance_type/instance_name/log work, spawn is
     *  DENIED; it is valid only during the call. Must have no side effects: no network, no files
     *  written, no processes. Control thread. */
    second_status (*validate)(const second_instance_ctx *ctx, second_str config_json, second_error *err);
    /** Starts background work; returns quickly. On failure the host calls stop then destroy.
     *  Control thread. */
    second_status (*start)(void *instance, second_error *err);
    /** Stops work, flushes, cancels sessions, waits at most deadline_ms. Called at most once, also
     *  without a preceding start. Control thread. */
    void (*stop)(void *instance, uint32_t deadline_ms);
    /** Frees the instance. Always the last call for an instance. Control thread. */
    void (*destroy)(void *instance);
} second_vtable_base;

/**
 * Auth provider (kind "auth"). The host asks configured providers in order for every request that
 * needs an identity; each answers OK (principal), DENIED (stop; reason) or NOT_HANDLED (ask the next).
 */
typedef struct second_auth_provider_vtable {
    second_vtable_base base;
    /**
     * Resolves the actor of a request. request_json (valid during the call):
     *   {"v":1,"method":"GET","path":"/api/x","client_address":"10.0.0.2",
     *    "headers":{"authorization":"Bearer ..."},"cookies":{"name":"value"}}
     * Header names are lower-case; only headers/cookies the provider's config asked for are included;
     * the internal API token is never included.
     * Completion result: status OK with payload principal JSON
     *   {"v":1,"subject":"provider-stable-id","email":"a@b.c","name":"Ada",
     *    "organization":{"id":"org-1","name":"Acme"},"role":"owner|admin|member","claims":{...}}
     * or DENIED with message (and optional payload {"v":1,"reason":"..."}), or NOT_HANDLED, or an
     * error status (UNAVAILABLE...), which the host treats as a failed request, not as NOT_HANDLED.
     * Any thread; may complete on another thread.
     */
    void (*authenticate)(void *instance, second_str request_json, second_completion done);
    /**
     * Optional (may be NULL → NOT_SUPPORTED). Invitation and membership operations:
     *   {"v":1,"op":"create","workspace_id":"..","email":"..","role":"member","invited_by":".."}
     *   {"v":1,"op":"revoke"|"resend","invitation_id":".."}
     *   {"v":1,"op":"list","workspace_id":".."}
     *   {"v":1,"op":"sync","workspace_id":".."}   (reconcile memberships and invitations)
     * Result payload: {"v":1, ...op-specific...}. Any thread.
     */
    void (*control)(void *instance, second_str request_json, second_completion done);
} second_auth_provider_vtable;

/**
 * OAuth provider definition (kind "oauth"). Definitions are DATA; the host's OAuth client does the
 * flows. Hooks exist only for providers whose token responses are non-standard.
 */
typedef struct second_oauth_provider_vtable {
    second_vtable_base base;
    /**
     * Writes the definition JSON into out:
     *   {"v":1,"key":"github","display_name":"GitHub",
     *    "authorization_url":"https://...","token_url":"https://...","revocation_url":"https://..."|null,
     *    "userinfo_url":null,"scopes":["repo"],"scope_separator":" ",
     *    "client_auth_method":"client_secret_basic|client_secret_post|none",
     *    "pkce":"S256|plain|none","authorize_params":{"access_type":"offline"},
     *    "token_response":{"format":"json|form","access_token_path":"/access_token",
     *                      "error_in_success":false,"scope_path":"/scope"}}
     * Any thread. Returns OK or an error status with err filled.
     */
    second_status (*describe)(void *instance, second_out *out, second_error *err);
    /**
     * Optional (may be NULL: the host applies the definition's token_response rules).
     * Normalizes a raw token endpoint response into
     *   {"v":1,"access_token":"..","refresh_token":"..","expires_in":N,"scope":"..","token_type":".."}
     * raw_json: {"v":1,"status":200,"content_type":"..","body":"<raw text>"}. Returns OK, or
     * UNAUTHENTICATED / INVALID_ARGUMENT with err naming the provider's error. Any thread.
     * Never logs or echoes token values.
     */
    second_status (*normalize_token_response)(void *instance, second_str raw_json, second_out *out,
                                              second_error *err);
} second_oauth_provider_vtable;

/**
 * Runtime driver (kind "runtime"): runs an agent CLI (or any command) for a session and turns its
 * output into normalized events. The driver describes commands; the HOST spawns them (host->spawn).
 *
 * Normalized events (SECOND_EVENT_JSON, one JSON object per emit, each with "v":1) follow the
 * Claude-SDK shape the web understands (ABI 1.2 documents it; drivers built for 1.1 still load):
 *   {"type":"system","subtype":"init","session_id":"..","providerSessionState":{"runtimeId","sessionId","format"}}
 *   {"type":"stream_event","event":{"type":"content_block_start|content_block_delta|content_block_stop|message_start",..}}
 *   {"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text"}|{"type":"tool_use","id","name","input"}]}}
 *   {"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id","content"}]}}
 *   {"type":"tool_output_delta",..} {"type":"tool_use_summary","summary":".."}
 *   {"type":"result","total_cost_usd":N|null,"unpriced":bool,"duration_ms":N,"num_turns":N,"is_error":false,
 *    "modelUsage":{"<model>":{"inputTokens","outputTokens","cacheReadInputTokens","cacheCreationInputTokens","costUSD"}}}
 *   {"type":"error","error":".."}
 * The host reads "system/init" for the session id to resume next turn, "result" for usage, and
 * relays every event to viewers unchanged. Tool names are canonical (Read, Bash, mcp__<server>__<tool>).
 * A CLI error hidden behind a success exit code (e.g. claude "is_error":true) is a failure: emit
 * "error" and EXIT with an error. Events must never carry secrets (keys, the MCP token).
 */
typedef struct second_runtime_driver_vtable {
    second_vtable_base base;
    /**
     * Writes availability JSON into out:
     *   {"v":1,"available":true,"version":"2.1.3","features":{"json_output":true,"resume":true}}
     * Features are booleans only; "reason" (short, no paths or keys) may explain available:false.
     * May spawn a short probe (e.g. `cli --version`) through host->spawn and wait for it, within
     * timeout_ms. Ownership: `out` is the host's, valid during the call. Any thread; may block up to
     * timeout_ms.
     */
    second_status (*detect)(void *instance, uint32_t timeout_ms, second_out *out, second_error *err);
    /**
     * Starts one turn of a session. spec_json (host memory, valid only during the call; copy what you keep):
     *   {"v":1,
     *    "session_id":"<session key>",          builder: appId; app agent: "{appId}__agent__{runId}"
     *    "prompt":"..","system_prompt":".."|null,
     *    "cwd":"/abs/workdir",                   exists; the app's private working directory
     *    "home":"/abs/home","tmp":"/abs/home/tmp",  exist, 0700, private per runtime and session key
     *    "env":{..},                             non-secret variables the host allows (may be empty)
     *    "model":".."|null,"params":{..},        runtime settings of the app (null model: driver default)
     *    "resume":"<the runtime's own session id>"|null,
     *    "timeout_ms":N,                         wall-clock limit of the turn; pass it to host->spawn
     *    "allowed_tools":["mcp__app_tools__x","WebSearch"],  the only tools the turn may use
     *    "max_turns":N|null,
     *    "mcp":{"url":"http://127.0.0.1:3001/mcp/<id>","token":"..","servers":["second","app_tools","app_data"]}|null}
     * (ABI 1.2 added system_prompt, tmp, allowed_tools, max_turns and mcp.servers; drivers ignore
     * members they do not know.) Rules the driver keeps:
     *   - the child environment holds only what the driver puts in the spawn spec (host->spawn adds
     *     its own allowlist, never the server's environment): HOME/TMPDIR/XDG_* under "home", the
     *     provider key of the driver's own config, the CLI's traffic opt-outs, and SECOND_MCP_TOKEN;
     *   - the MCP token goes ONLY into the child env (never argv, never a file); each server's URL is
     *     "<mcp.url>?server=<name>";
     *   - stdin is "null" unless the driver writes to it.
     * sink: where the driver emits events; valid until close_session returns. The driver must emit
     * SECOND_EVENT_EXIT exactly once, last (also after cancel or a spawn failure).
     * On OK *out_session is the driver's session pointer for write_input/cancel/close_session.
     * On error nothing is emitted and no session exists. Any thread; returns quickly (never waits
     * for the turn).
     */
    second_status (*start_session)(void *instance, second_str spec_json, second_sink *sink,
                                   void **out_session, second_error *err);
    /** Optional (may be NULL → NOT_SUPPORTED). Sends input to a running session (e.g. a follow-up
     *  message on a CLI that reads stdin). `data` is valid during the call. Any thread. */
    second_status (*write_input)(void *session, second_str data, second_error *err);
    /** Cancels the session: SIGINT to the process group, then SIGTERM and SIGKILL after the driver's
     *  grace period. Idempotent, safe after the process exited. EXIT is still emitted (with
     *  "error":"cancelled"). Any thread; returns at once. */
    void (*cancel)(void *session);
    /** Releases the session; after EXIT was emitted or to abandon it (kills what still runs).
     *  Called exactly once per session, and always before the instance's destroy (at shutdown the
     *  host calls stop, then close_session for each open session, then destroy). The sink must not
     *  be used after this returns. Any thread. */
    void (*close_session)(void *session);
} second_runtime_driver_vtable;

/** Telemetry sink (kind "telemetry"): receives batches of anonymized events and errors. */
typedef struct second_telemetry_sink_vtable {
    second_vtable_base base;
    /**
     * Accepts one batch:
     *   {"v":1,"events":[{"name":"app_created","timestamp":"2026-..Z","distinct_id":"anon_..",
     *                     "properties":{...}}],
     *    "errors":[{"message":"..","type":"..","timestamp":"..","stack":[..],"tags":{...}}]}
     * The host has already applied the event allowlist and anonymization. Completion: OK, BACKPRESSURE
     * (batch refused; the host retries or drops and counts), UNAVAILABLE. Any thread.
     */
    void (*submit)(void *instance, second_str batch_json, second_completion done);
    /** Delivers everything buffered, within deadline_ms. Completion exactly once. Any thread. */
    void (*flush)(void *instance, uint32_t deadline_ms, second_completion done);
} second_telemetry_sink_vtable;

/* ================================================================================================ */
/* Descriptors                                                                                        */
/* ================================================================================================ */

/** Component flags. */
#define SECOND_COMPONENT_THREADSAFE_INSTANCE 0x1u /**< hot-path calls on one instance may overlap */
#define SECOND_COMPONENT_NEEDS_SPAWN 0x2u         /**< uses host->spawn (host grants it only then) */
#define SECOND_COMPONENT_NEEDS_NETWORK 0x4u       /**< opens outbound connections */

/**
 * One component. Static plugin memory, valid for the life of the process.
 */
typedef struct second_component_desc {
    uint32_t struct_size;
    second_kind kind;
    const char *type;               /**< [a-z][a-z0-9_]{0,62}; the id is "<kind prefix>.<type>" */
    second_stability stability;
    uint32_t flags;                 /**< SECOND_COMPONENT_* */
    const char *description;        /**< one line, for `second plugins list/inspect` */
    /** JSON Schema (draft 2020-12 subset) of the instance config, or NULL for "no config". The host
     *  validates configs against it, fills defaults, rejects unknown keys when the schema says
     *  additionalProperties:false, and never prints values marked "x-secret": true. */
    const char *config_schema_json;
    /** Points at the kind's vtable (second_auth_provider_vtable, ...); its base.struct_size tells
     *  the host how much of it the plugin filled. */
    const second_vtable_base *vtable;
} second_component_desc;

/**
 * The plugin descriptor returned by second_plugin_entry_v1(). Static plugin memory, valid for the
 * life of the process.
 */
typedef struct second_plugin_desc {
    uint32_t struct_size;
    const char *name;            /**< must equal magic->plugin_name */
    const char *version;         /**< must equal magic->plugin_version */
    const char *description;     /**< one line */
    const char *homepage;        /**< URL or NULL */
    uint32_t component_count;
    /** component_count pointers (an array of pointers, so component descriptors may grow). */
    const second_component_desc *const *components;
} second_plugin_desc;

/* ================================================================================================ */
/* The two exported symbols                                                                           */
/* ================================================================================================ */

/** Symbol names, for dlsym(). */
#define SECOND_PLUGIN_MAGIC_SYMBOL "second_plugin_magic_v1"
#define SECOND_PLUGIN_ENTRY_SYMBOL "second_plugin_entry_v1"

/** Visibility helper for C plugins built with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define SECOND_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SECOND_PLUGIN_EXPORT
#endif

/**
 * Returns the compatibility block. MUST be pure: no allocation, no globals initialised, no I/O.
 * Called first, on the control thread, possibly several times.
 */
typedef const second_plugin_magic *(*second_plugin_magic_fn)(void);

/**
 * Initialises the library and describes its components. Called once per library, on the control
 * thread, after the magic check passed. `host` is valid for the life of the process. On failure
 * return NULL after host->error_set(err, ...) (e.g. a missing dependency); the host then refuses the
 * plugin with that message and never calls it again.
 */
typedef const second_plugin_desc *(*second_plugin_entry_fn)(const second_host_api *host, second_error *err);

#ifdef SECOND_PLUGIN_DECLARE_ENTRY_POINTS
SECOND_PLUGIN_EXPORT const second_plugin_magic *second_plugin_magic_v1(void);
SECOND_PLUGIN_EXPORT const second_plugin_desc *second_plugin_entry_v1(const second_host_api *host, second_error *err);
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SECOND_PLUGIN_H */
