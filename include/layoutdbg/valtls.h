/* Thread-local storage of a loaded library for one thread, without
 * libthread_db: the module id from the library's link map entry and the
 * block from the thread's DTV, at the offsets glibc itself publishes for
 * libthread_db (the _thread_db_* descriptors in libc.so.6). */
#ifndef LAYOUTDBG_VALTLS_H
#define LAYOUTDBG_VALTLS_H

#include <stdint.h>

#include "layoutdbg/objs.h"
#include "layoutdbg/session.h"

/* The runtime address of ob's TLS block in the thread whose thread
 * pointer is fs_base: 0, or -1 with the reason in err ("the TLS block of
 * libx.so is not allocated in this thread yet"). */
int ld_tls_block(struct ld_session *s, struct ld_obj *ob, uint64_t fs_base,
		 uint64_t *block, char *err, size_t errlen);

#endif
