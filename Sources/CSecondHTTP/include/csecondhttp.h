// libmicrohttpd for Swift: the library header plus non-variadic wrappers for the calls Swift
// cannot make (MHD_start_daemon is variadic and its options take function pointers).
#ifndef CSECONDHTTP_H
#define CSECONDHTTP_H
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Starts an epoll daemon with an internal thread pool, suspend/resume allowed, bound to
/// `host` (IPv4 dotted quad or NULL for all interfaces) and `port` (0 = ephemeral).
/// `completed` is MHD_OPTION_NOTIFY_COMPLETED. Returns NULL on failure (errno may tell why).
struct MHD_Daemon *second_http_start(const char *host, uint16_t port, unsigned int threads,
                                     unsigned int connection_limit, unsigned int timeout_seconds,
                                     MHD_AccessHandlerCallback handler, void *handler_cls,
                                     MHD_RequestCompletedCallback completed, void *completed_cls);

/// The port the daemon listens on (useful with port 0).
uint16_t second_http_port(struct MHD_Daemon *daemon);

/// The client's IPv4/IPv6 address as text into buf (empty on failure).
void second_http_client_address(struct MHD_Connection *connection, char *buf, size_t cap);

/// MHD_SIZE_UNKNOWN, which Swift cannot import (a cast macro).
uint64_t second_http_size_unknown(void);
#endif
