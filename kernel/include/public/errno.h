/* TEMP (until ipc lands public/): Xen error numbers, returned negated. */
#ifndef PUBLIC_ERRNO_H
#define PUBLIC_ERRNO_H
#define XEN_EPERM    1
#define XEN_ENOENT   2
#define XEN_ESRCH    3
#define XEN_E2BIG    7
#define XEN_EAGAIN   11
#define XEN_ENOMEM   12
#define XEN_EACCES   13
#define XEN_EFAULT   14
#define XEN_EBUSY    16
#define XEN_EEXIST   17
#define XEN_EINVAL   22
#define XEN_ENOSPC   28
#define XEN_ENOSYS   38
#define XEN_EALREADY 114
#endif
