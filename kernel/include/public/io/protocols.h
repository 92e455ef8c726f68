/*
 * Names of the ring layouts, written by a frontend to its "protocol"
 * XenStore key so the backend knows how the requests are laid out.
 * Hospes guests are 64-bit only.
 */
#ifndef PUBLIC_IO_PROTOCOLS_H
#define PUBLIC_IO_PROTOCOLS_H

#define XEN_IO_PROTO_ABI_X86_32 "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64 "x86_64-abi"
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_X86_64

#endif /* PUBLIC_IO_PROTOCOLS_H */
