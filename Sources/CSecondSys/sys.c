#define _GNU_SOURCE
#include "csecondsys.h"
#include <fcntl.h>
#include <unistd.h>

int second_sys_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int second_sys_spawn_addchdir(posix_spawn_file_actions_t *a, const char *path) { return posix_spawn_file_actions_addchdir_np(a, path); }
int second_sys_spawn_addclosefrom(posix_spawn_file_actions_t *a, int from) { return posix_spawn_file_actions_addclosefrom_np(a, from); }
