// hiredis 0.14.1 (libhiredis-dev). RESP2 only; use redisCommandArgv (the variadic calls are not imported).
#include <sys/time.h>
#include <hiredis/hiredis.h>
