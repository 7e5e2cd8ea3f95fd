/*
 * Prints the C compiler's view of every struct layout and constant in
 * _linux.ts, one "NAME.field value" line each, for the machine it runs on.
 * tools/check_linux_layouts.ts compiles it and compares the lines with
 * _linux.ts (x86_64 here; on an aarch64 machine it checks aarch64):
 *
 *   tools/deno run -A tools/check_linux_layouts.ts
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#define SIZE(name, type) printf(#name ".size %zu\n", sizeof(type))
#define FIELD(name, type, field) \
  printf(#name "." #field " %zu\n", offsetof(type, field))
#define CONSTANT(name) printf("LINUX." #name " %ld\n", (long)(name))
#define SYSCALL(name) printf("SYSCALLS." #name " %ld\n", (long)(SYS_##name))

int main(void) {
  SIZE(STATX, struct statx);
  FIELD(STATX, struct statx, stx_mode);
  FIELD(STATX, struct statx, stx_ino);
  SIZE(TCP_INFO, struct tcp_info);
  FIELD(TCP_INFO, struct tcp_info, tcpi_state);
  FIELD(TCP_INFO, struct tcp_info, tcpi_last_data_sent);
  FIELD(TCP_INFO, struct tcp_info, tcpi_last_data_recv);
  FIELD(TCP_INFO, struct tcp_info, tcpi_data_segs_in);
  FIELD(TCP_INFO, struct tcp_info, tcpi_data_segs_out);
  SIZE(UCRED, struct ucred);
  FIELD(UCRED, struct ucred, pid);
  FIELD(UCRED, struct ucred, uid);
  FIELD(UCRED, struct ucred, gid);
  SIZE(STAT, struct stat);
  FIELD(STAT, struct stat, st_ino);
  FIELD(STAT, struct stat, st_mode);
  SIZE(STATFS, struct statfs);
  FIELD(STATFS, struct statfs, f_type);
  FIELD(FILE_HANDLE, struct file_handle, handle_bytes);
  FIELD(FILE_HANDLE, struct file_handle, handle_type);
  FIELD(FILE_HANDLE, struct file_handle, f_handle);
  SIZE(EPOLL_EVENT, struct epoll_event);
  FIELD(EPOLL_EVENT, struct epoll_event, events);
  FIELD(EPOLL_EVENT, struct epoll_event, data);
  SIZE(TIMESPEC, struct timespec);
  FIELD(TIMESPEC, struct timespec, tv_sec);
  FIELD(TIMESPEC, struct timespec, tv_nsec);
  SIZE(MSGHDR, struct msghdr);
  FIELD(MSGHDR, struct msghdr, msg_name);
  FIELD(MSGHDR, struct msghdr, msg_namelen);
  FIELD(MSGHDR, struct msghdr, msg_iov);
  FIELD(MSGHDR, struct msghdr, msg_iovlen);
  FIELD(MSGHDR, struct msghdr, msg_control);
  FIELD(MSGHDR, struct msghdr, msg_controllen);
  FIELD(MSGHDR, struct msghdr, msg_flags);
  SIZE(IOVEC, struct iovec);
  FIELD(IOVEC, struct iovec, iov_base);
  FIELD(IOVEC, struct iovec, iov_len);
  SIZE(CMSGHDR, struct cmsghdr);
  FIELD(CMSGHDR, struct cmsghdr, cmsg_len);
  FIELD(CMSGHDR, struct cmsghdr, cmsg_level);
  FIELD(CMSGHDR, struct cmsghdr, cmsg_type);
  printf("CMSGHDR.data %zu\n", (size_t)CMSG_LEN(0));
  printf("CMSGHDR.align %zu\n", (size_t)CMSG_ALIGN(1));
  SIZE(SOCKADDR_STORAGE, struct sockaddr_storage);
  SIZE(SOCKADDR_IN, struct sockaddr_in);
  FIELD(SOCKADDR_IN, struct sockaddr_in, sin_family);
  FIELD(SOCKADDR_IN, struct sockaddr_in, sin_port);
  FIELD(SOCKADDR_IN, struct sockaddr_in, sin_addr);
  SIZE(SOCKADDR_IN6, struct sockaddr_in6);
  FIELD(SOCKADDR_IN6, struct sockaddr_in6, sin6_family);
  FIELD(SOCKADDR_IN6, struct sockaddr_in6, sin6_port);
  FIELD(SOCKADDR_IN6, struct sockaddr_in6, sin6_flowinfo);
  FIELD(SOCKADDR_IN6, struct sockaddr_in6, sin6_addr);
  FIELD(SOCKADDR_IN6, struct sockaddr_in6, sin6_scope_id);
  SIZE(SOCKADDR_UN, struct sockaddr_un);
  FIELD(SOCKADDR_UN, struct sockaddr_un, sun_family);
  FIELD(SOCKADDR_UN, struct sockaddr_un, sun_path);
  printf("SOCKADDR_UN.sun_path_size %zu\n",
         sizeof(((struct sockaddr_un *)0)->sun_path));
  SIZE(SOCKADDR_VM, struct sockaddr_vm);
  FIELD(SOCKADDR_VM, struct sockaddr_vm, svm_family);
  FIELD(SOCKADDR_VM, struct sockaddr_vm, svm_port);
  FIELD(SOCKADDR_VM, struct sockaddr_vm, svm_cid);
  printf("SPAWN.file_actions_size %zu\n", sizeof(posix_spawn_file_actions_t));
  printf("SPAWN.attr_size %zu\n", sizeof(posix_spawnattr_t));
  printf("SPAWN.sigset_size %zu\n", sizeof(sigset_t));

  CONSTANT(F_DUPFD_CLOEXEC); CONSTANT(F_GETFD); CONSTANT(F_SETFD);
  CONSTANT(F_GETFL); CONSTANT(F_SETFL); CONSTANT(FD_CLOEXEC);
  CONSTANT(O_RDONLY); CONSTANT(O_WRONLY); CONSTANT(O_RDWR);
  CONSTANT(O_ACCMODE); CONSTANT(O_NONBLOCK); CONSTANT(O_CLOEXEC);
  CONSTANT(AT_EMPTY_PATH); CONSTANT(SEEK_SET);
  CONSTANT(STATX_TYPE); CONSTANT(STATX_INO);
  CONSTANT(S_IFMT); CONSTANT(S_IFSOCK); CONSTANT(S_IFLNK); CONSTANT(S_IFREG);
  CONSTANT(S_IFBLK); CONSTANT(S_IFDIR); CONSTANT(S_IFCHR); CONSTANT(S_IFIFO);
  CONSTANT(AF_UNIX); CONSTANT(AF_INET); CONSTANT(AF_INET6); CONSTANT(AF_VSOCK);
  CONSTANT(SOCK_STREAM); CONSTANT(SOCK_DGRAM); CONSTANT(SOCK_RAW);
  CONSTANT(SOCK_SEQPACKET); CONSTANT(SOCK_NONBLOCK); CONSTANT(SOCK_CLOEXEC);
  CONSTANT(SOL_SOCKET); CONSTANT(SO_REUSEADDR); CONSTANT(SO_TYPE);
  CONSTANT(SO_SNDBUF); CONSTANT(SO_ACCEPTCONN); CONSTANT(SO_PROTOCOL);
  CONSTANT(SO_DOMAIN); CONSTANT(SCM_RIGHTS); CONSTANT(SCM_CREDENTIALS);
  CONSTANT(SO_PASSCRED); CONSTANT(FIONREAD); CONSTANT(IPPROTO_TCP); CONSTANT(TCP_INFO); CONSTANT(IPPROTO_IPV6);
  CONSTANT(IPV6_V6ONLY); CONSTANT(MSG_NOSIGNAL); CONSTANT(MSG_DONTWAIT);
  CONSTANT(MSG_CMSG_CLOEXEC); CONSTANT(MSG_CTRUNC); CONSTANT(SHUT_WR);
  CONSTANT(SHUT_RDWR);
  CONSTANT(EPOLL_CTL_ADD); CONSTANT(EPOLL_CTL_DEL); CONSTANT(EPOLL_CTL_MOD);
  CONSTANT(EPERM); CONSTANT(EINTR); CONSTANT(E2BIG); CONSTANT(EBADF); CONSTANT(EAGAIN);
  CONSTANT(ENOENT); CONSTANT(EEXIST); CONSTANT(EINVAL); CONSTANT(ENAMETOOLONG);
  CONSTANT(ENOSYS); CONSTANT(EPROTO); CONSTANT(EOVERFLOW); CONSTANT(EOPNOTSUPP);
  CONSTANT(WNOHANG); CONSTANT(MFD_CLOEXEC); CONSTANT(CLOCK_MONOTONIC);
  CONSTANT(POSIX_SPAWN_SETSIGDEF); CONSTANT(POSIX_SPAWN_SETSIGMASK);
  CONSTANT(SYS_pidfd_open); /* MQUEUE_MAGIC is in ipc/mqueue.c only */
  CONSTANT(AT_FDCWD);
  SYSCALL(read); SYSCALL(close); SYSCALL(getsockname); SYSCALL(getpeername);
  SYSCALL(socket); SYSCALL(bind); SYSCALL(listen); SYSCALL(ioctl);
  SYSCALL(getsockopt);
  SYSCALL(fcntl); SYSCALL(getdents64); SYSCALL(epoll_ctl); SYSCALL(openat);
  SYSCALL(readlinkat); SYSCALL(dup3); SYSCALL(statx);
#ifdef PIDFS_MAGIC /* linux/magic.h from 6.9 */
  CONSTANT(PIDFS_MAGIC);
#endif
  return 0;
}
