/* The event source of bench/relay.sh, run by the runtime.command plugin: after an initial pause
 * (so the viewers are attached before anything flows) prints K JSON lines
 *   {"type":"bench","i":<1..K>,"ts_us":<CLOCK_REALTIME µs at the write>}
 * to stdout, as fast as it can (rate 0) or paced at `rate` lines per second.
 *
 * Usage: emit [K=50000] [pause_ms=1000] [rate=0] [ignored...]   (runtime.command appends the prompt)
 * Build: gcc -O2 -o emit emit.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

static long long now_us(void) {
    struct timespec t; clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static void write_all(const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0) { if (errno == EINTR) continue; exit(1); }
        p += w; n -= (size_t)w;
    }
}

int main(int argc, char **argv) {
    long k = argc > 1 ? atol(argv[1]) : 50000;
    long pause_ms = argc > 2 ? atol(argv[2]) : 1000;
    long rate = argc > 3 ? atol(argv[3]) : 0;
    if (k < 1) k = 1;
    if (pause_ms > 0) { struct timespec p = { pause_ms / 1000, (pause_ms % 1000) * 1000000L }; nanosleep(&p, NULL); }
    char buf[256];
    struct timespec start; clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 1; i <= k; i++) {
        if (rate > 0) {   /* absolute schedule: event i is due at start + (i-1)/rate */
            long long due_ns = (long long)(i - 1) * 1000000000LL / rate;
            struct timespec d = start;
            d.tv_sec += due_ns / 1000000000LL; d.tv_nsec += due_ns % 1000000000LL;
            if (d.tv_nsec >= 1000000000L) { d.tv_sec++; d.tv_nsec -= 1000000000L; }
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d, NULL) == EINTR) {}
        }
        /* One write per line: the timestamp is taken right before the line leaves the process. */
        int n = snprintf(buf, sizeof buf, "{\"type\":\"bench\",\"i\":%ld,\"ts_us\":%lld}\n", i, now_us());
        write_all(buf, (size_t)n);
    }
    return 0;
}
