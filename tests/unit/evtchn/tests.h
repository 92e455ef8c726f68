#ifndef EVTCHN_TESTS_H
#define EVTCHN_TESTS_H
#include <stddef.h>
extern const struct CMUnitTest port_tests[];
extern const size_t nr_port_tests;
extern const struct CMUnitTest delivery_tests[];
extern const size_t nr_delivery_tests;
extern const struct CMUnitTest race_tests[];
extern const size_t nr_race_tests;
#endif
