/* The hx unit test groups (tests/unit/hx). */
#ifndef UNIT_HX_TESTS_H
#define UNIT_HX_TESTS_H

extern const struct CMUnitTest args_tests[], shell_tests[], trace_tests[], create_tests[];
extern const size_t args_tests_count, shell_tests_count, trace_tests_count, create_tests_count;

#endif
