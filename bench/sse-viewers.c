/* N concurrent Server-Sent Events viewers of one URL (plain HTTP/1.1, IPv4, one epoll thread).
 * Each viewer parses `id:` / `event:` / `data:` lines, counts events, checks that it saw ids 1..K
 * exactly once and in order, and, for events whose data carries "ts_us":<CLOCK_REALTIME µs>,
 * records the latency (arrival − ts_us). A viewer is done at `event: end` (or when the server
 * closes); the run ends when every viewer is done or at the timeout. Prints one JSON line on stdout.
 *
 * Usage: sse-viewers [-n clients=100] [-k expected_events] [-t timeout_s=120] [-H 'Name: value']...
 *                    [-r ready_file] http://127.0.0.1:PORT/path?query
 * per_viewer_events_per_s = events_total / clients / first_to_last_event_s (≈ K / window when all arrive).
 *   -k    the K the ids must cover (lost = K − distinct ids seen, per viewer); default: the highest id seen
 *   -r    written (with the count) once every viewer has its response headers
 * Build: gcc -O2 -o sse-viewers sse-viewers.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ST_CONNECTING, ST_HEADERS, ST_BODY, ST_DONE };
enum { CH_SIZE, CH_DATA, CH_TRAILER };

typedef struct {
    int fd, state;
    char head[8192]; size_t head_len;
    int chunked, ch_state; size_t ch_left; char ch_line[32]; size_t ch_line_len;
    char line[16384]; size_t line_len; int line_overflow;
    long long cur_id; int cur_end; long long cur_ts; int cur_has_data;
    long long last_id;
    long long events, dup, out_of_order, gaps, bad_lines;
    uint8_t *seen; long long seen_cap;
    int got_end, http_status;
    long long headers_at_us;
} client_t;

static long long mono_us(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000; }
static long long real_us(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000; }

static long long *lat; static size_t lat_len, lat_cap;
static long long first_event_us = -1, last_event_us = -1, arrival_real_us;
static long long expected_k = 0;

static void lat_push(long long v) {
    if (lat_len == lat_cap) { lat_cap = lat_cap ? lat_cap * 2 : 1 << 20; lat = realloc(lat, lat_cap * sizeof *lat); if (!lat) { perror("realloc"); exit(2); } }
    lat[lat_len++] = v;
}

static void mark_seen(client_t *c, long long id) {
    if (id < 1) { c->bad_lines++; return; }
    if (id > c->seen_cap) {
        long long cap = c->seen_cap ? c->seen_cap : 65536;
        while (cap < id) cap *= 2;
        c->seen = realloc(c->seen, (size_t)(cap / 8 + 1));
        memset(c->seen + c->seen_cap / 8, 0, (size_t)((cap - c->seen_cap) / 8 + 1));
        c->seen_cap = cap;
    }
    uint8_t bit = (uint8_t)(1u << (id & 7));
    if (c->seen[id >> 3] & bit) c->dup++;
    c->seen[id >> 3] |= bit;
}

static void dispatch(client_t *c) {
    if (c->cur_end) { c->got_end = 1; c->state = ST_DONE; }
    else if (c->cur_id >= 0 && c->cur_has_data) {
        long long now = mono_us();
        if (first_event_us < 0) first_event_us = now;
        last_event_us = now;
        c->events++;
        if (c->cur_id <= c->last_id) c->out_of_order++;
        else if (c->cur_id > c->last_id + 1) c->gaps++;
        mark_seen(c, c->cur_id);
        if (c->cur_id > c->last_id) c->last_id = c->cur_id;
        if (c->cur_ts > 0) lat_push(arrival_real_us - c->cur_ts);
    }
    c->cur_id = -1; c->cur_end = 0; c->cur_ts = 0; c->cur_has_data = 0;
}

static void sse_line(client_t *c, char *l, size_t n) {
    if (n && l[n - 1] == '\r') n--;
    if (n == 0) { dispatch(c); return; }
    if (l[0] == ':') return;                                  /* comment / heartbeat */
    l[n] = 0;
    if (n >= 3 && !memcmp(l, "id:", 3)) { c->cur_id = atoll(l + 3 + (l[3] == ' ')); return; }
    if (n >= 6 && !memcmp(l, "event:", 6)) { const char *v = l + 6 + (l[6] == ' '); c->cur_end = !strcmp(v, "end"); return; }
    if (n >= 5 && !memcmp(l, "data:", 5)) {
        c->cur_has_data = 1;
        const char *t = memmem(l, n, "\"ts_us\":", 8);
        if (t) c->cur_ts = atoll(t + 8);
        return;
    }
    c->bad_lines++;
}

static void sse_feed(client_t *c, const char *p, size_t n) {
    while (n > 0 && c->state != ST_DONE) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        if (c->line_len + take < sizeof c->line - 1) { memcpy(c->line + c->line_len, p, take); c->line_len += take; }
        else c->line_overflow = 1;
        if (!nl) return;
        if (!c->line_overflow) sse_line(c, c->line, c->line_len); else c->bad_lines++;
        c->line_len = 0; c->line_overflow = 0;
        p += take + 1; n -= take + 1;
    }
}

/* Transfer-Encoding: chunked → SSE bytes. */
static void body_feed(client_t *c, const char *p, size_t n) {
    if (!c->chunked) { sse_feed(c, p, n); return; }
    while (n > 0 && c->state != ST_DONE) {
        if (c->ch_state == CH_DATA) {
            size_t take = n < c->ch_left ? n : c->ch_left;
            sse_feed(c, p, take);
            p += take; n -= take; c->ch_left -= take;
            if (c->ch_left == 0) c->ch_state = CH_TRAILER;
        } else {                                              /* a line: chunk size, or the CRLF after data */
            char ch = *p++; n--;
            if (ch != '\n') { if (c->ch_line_len < sizeof c->ch_line - 1) c->ch_line[c->ch_line_len++] = ch; continue; }
            c->ch_line[c->ch_line_len] = 0; c->ch_line_len = 0;
            if (c->ch_state == CH_TRAILER) { c->ch_state = CH_SIZE; continue; }
            c->ch_left = strtoul(c->ch_line, NULL, 16);
            if (c->ch_left == 0) { c->state = ST_DONE; return; }   /* last chunk: the server ended the body */
            c->ch_state = CH_DATA;
        }
    }
}

static int headers_feed(client_t *c, const char *p, size_t n) {   /* returns bytes consumed */
    size_t room = sizeof c->head - 1 - c->head_len, take = n < room ? n : room;
    memcpy(c->head + c->head_len, p, take); c->head_len += take; c->head[c->head_len] = 0;
    char *end = strstr(c->head, "\r\n\r\n");
    if (!end) { if (take == room) { c->state = ST_DONE; c->http_status = -1; } return (int)take; }
    size_t hdr = (size_t)(end + 4 - c->head);
    size_t consumed = take - (c->head_len - hdr);
    c->http_status = atoi(c->head + 9);
    for (char *h = c->head; (h = strcasestr(h, "\r\ntransfer-encoding:")); h += 2) {
        char *v = h + 20, *e = strstr(v, "\r\n");
        if (e && memmem(v, (size_t)(e - v), "chunked", 7)) c->chunked = 1;
    }
    c->headers_at_us = mono_us();
    c->state = c->http_status == 200 ? ST_BODY : ST_DONE;
    return (int)consumed;
}

static int cmp_ll(const void *a, const void *b) { long long x = *(const long long *)a, y = *(const long long *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    int n = 100, timeout_s = 120; const char *url = NULL, *ready_file = NULL;
    char extra[4096] = ""; size_t extra_len = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-k") && i + 1 < argc) expected_k = atoll(argv[++i]);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc) timeout_s = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) ready_file = argv[++i];
        else if (!strcmp(argv[i], "-H") && i + 1 < argc) extra_len += (size_t)snprintf(extra + extra_len, sizeof extra - extra_len, "%s\r\n", argv[++i]);
        else url = argv[i];
    }
    char host[256]; int port = 80; char path[4096] = "/";
    if (!url || sscanf(url, "http://%255[^:/]:%d%4095s", host, &port, path) < 2) {
        fprintf(stderr, "usage: %s [-n clients] [-k K] [-t timeout_s] [-H 'Name: value']... [-r ready_file] http://HOST:PORT/path\n", argv[0]);
        return 2;
    }
    char req[8192];
    int req_len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n%s\r\n", path, host, port, extra);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { fprintf(stderr, "host must be an IPv4 address\n"); return 2; }

    client_t *cs = calloc((size_t)n, sizeof *cs);
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        client_t *c = &cs[i];
        c->cur_id = -1;
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1; setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
        c->state = ST_CONNECTING;
        struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    }
    static char buf[1 << 16];
    struct epoll_event evs[256];
    long long start = mono_us(), deadline = start + (long long)timeout_s * 1000000LL;
    int done = 0, attached = 0, ready_written = 0, timed_out = 0, conn_errors = 0;
    while (done < n) {
        long long now = mono_us();
        if (now >= deadline) { timed_out = 1; break; }
        int k = epoll_wait(ep, evs, 256, (int)((deadline - now) / 1000) + 1);
        if (k < 0) { if (errno == EINTR) continue; perror("epoll_wait"); break; }
        for (int e = 0; e < k; e++) {
            client_t *c = &cs[evs[e].data.u32];
            if (c->state == ST_DONE) continue;
            if (c->state == ST_CONNECTING) {
                int err = 0; socklen_t l = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
                if (err || write(c->fd, req, (size_t)req_len) != req_len) { conn_errors++; c->state = ST_DONE; c->http_status = -1; close(c->fd); done++; continue; }
                c->state = ST_HEADERS;
                struct epoll_event ev = { .events = EPOLLIN, .data.u32 = evs[e].data.u32 };
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            for (;;) {
                ssize_t r = read(c->fd, buf, sizeof buf);
                if (r < 0 && errno == EINTR) continue;
                if (r < 0 && errno == EAGAIN) break;
                if (r <= 0) { c->state = ST_DONE; break; }            /* closed by the server (or error) */
                arrival_real_us = real_us();
                size_t off = 0;
                if (c->state == ST_HEADERS) {
                    off = (size_t)headers_feed(c, buf, (size_t)r);
                    if (c->state != ST_HEADERS && c->http_status == 200) {
                        attached++;
                        if (attached == n && ready_file && !ready_written) {
                            FILE *f = fopen(ready_file, "w"); if (f) { fprintf(f, "%d\n", attached); fclose(f); } ready_written = 1;
                        }
                    }
                }
                if (c->state == ST_BODY && off < (size_t)r) body_feed(c, buf + off, (size_t)r - off);
                if (c->state == ST_DONE) break;
            }
            if (c->state == ST_DONE) { close(c->fd); done++; }
        }
    }
    long long end_us = mono_us();

    long long total = 0, dup = 0, ooo = 0, lost = 0, bad = 0, min_ev = -1, max_ev = 0, max_id = 0;
    int ended = 0, http_ok = 0, attached_early = 0, bad_status = 0;
    for (int i = 0; i < n; i++) if (cs[i].last_id > max_id) max_id = cs[i].last_id;
    long long k_eff = expected_k > 0 ? expected_k : max_id;
    for (int i = 0; i < n; i++) {
        client_t *c = &cs[i];
        total += c->events; dup += c->dup; ooo += c->out_of_order; bad += c->bad_lines;
        if (min_ev < 0 || c->events < min_ev) min_ev = c->events;
        if (c->events > max_ev) max_ev = c->events;
        ended += c->got_end; http_ok += c->http_status == 200;
        if (c->http_status != 200 && !bad_status) { bad_status = c->http_status; fprintf(stderr, "viewer %d: HTTP %d\n%.*s\n", i, c->http_status, (int)c->head_len, c->head); }
        if (c->http_status == 200 && (first_event_us < 0 || c->headers_at_us <= first_event_us)) attached_early++;
        long long distinct = 0;
        for (long long id = 1; id <= k_eff; id++) if (id <= c->seen_cap && (c->seen[id >> 3] & (1u << (id & 7)))) distinct++;
        lost += k_eff - distinct;
    }
    double window = first_event_us >= 0 && last_event_us > first_event_us ? (double)(last_event_us - first_event_us) / 1e6 : 0;
    printf("{\"clients\":%d,\"http_200\":%d,\"first_bad_status\":%d,\"attached_before_first_event\":%d,\"ended\":%d,\"timed_out\":%s,\"connect_errors\":%d,"
           "\"expected_events\":%lld,\"events_per_client_min\":%lld,\"events_per_client_max\":%lld,\"events_total\":%lld,"
           "\"lost\":%lld,\"dup\":%lld,\"out_of_order\":%lld,\"bad_lines\":%lld,"
           "\"first_to_last_event_s\":%.6f,\"aggregate_events_per_s\":%.0f,\"per_viewer_events_per_s\":%.0f,\"wall_s\":%.3f",
           n, http_ok, bad_status, attached_early, ended, timed_out ? "true" : "false", conn_errors,
           k_eff, min_ev < 0 ? 0 : min_ev, max_ev, total, lost, dup, ooo, bad,
           window, window > 0 ? (double)total / window : 0, window > 0 ? (double)total / n / window : 0, (double)(end_us - start) / 1e6);
    if (lat_len) {
        qsort(lat, lat_len, sizeof *lat, cmp_ll);
        printf(",\"latency_samples\":%zu,\"latency_p50_us\":%lld,\"latency_p99_us\":%lld,\"latency_max_us\":%lld}\n",
               lat_len, lat[lat_len / 2], lat[(size_t)((double)lat_len * 0.99)], lat[lat_len - 1]);
    } else {
        printf(",\"latency_samples\":0,\"latency_p50_us\":null,\"latency_p99_us\":null,\"latency_max_us\":null}\n");
    }
    return 0;
}
