// GNU/Linux process helpers that Swift's Glibc module does not import (they need _GNU_SOURCE).
#ifndef CSECONDSYS_H
#define CSECONDSYS_H
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC). Returns 0 or -1 with errno set.
int second_sys_pipe_cloexec(int fds[2]);
/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29).
int second_sys_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// posix_spawn_file_actions_addclosefrom_np (glibc >= 2.34): close every fd >= from in the child.
int second_sys_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
#endif
