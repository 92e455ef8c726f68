/*
 * Tests that expect a panic (a caught double free, a broken invariant):
 *
 *   EXPECT_PANIC(frame_free(m, 0), "double free");
 *
 * runs the statement with panic() redirected here; the test fails unless
 * it panicked with a message containing the given text.
 */
#ifndef FAKE_PANIC_H
#define FAKE_PANIC_H

#include <setjmp.h>
#include <string.h>

extern jmp_buf *fake_panic_catch;
extern char fake_panic_msg[512];

#define EXPECT_PANIC(stmt, text)                                                                   \
	do {                                                                                       \
		jmp_buf jb_;                                                                       \
		fake_panic_msg[0] = '\0';                                                          \
		if (setjmp(jb_) == 0) {                                                            \
			fake_panic_catch = &jb_;                                                   \
			stmt;                                                                      \
			fake_panic_catch = NULL;                                                   \
			fail_msg("expected a panic containing '%s'", text);                        \
		}                                                                                  \
		assert_non_null(strstr(fake_panic_msg, text));                                     \
	} while (0)

#endif
