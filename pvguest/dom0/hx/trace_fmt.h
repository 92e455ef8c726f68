/*
 * hx trace's pure half, tested on the host (tests/unit/hx): the command's
 * arguments, the names of hypercalls and their sub-operations, and one
 * trace record (public/sysctl.h, struct hospes_trace_rec) as one line.
 */
#ifndef DOM0_HX_TRACE_FMT_H
#define DOM0_HX_TRACE_FMT_H

#include "args.h"
#include "lines.h"
#include <public/sysctl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_TRACE_MAX_RECORDS 1000000

struct hx_trace_args {
	bool events;		 /* --events: event deliveries and vCPU switches */
	bool all;		 /* no domain given (only with --events): every domain */
	struct hx_target target; /* the domain, unless all */
	unsigned long count;	 /* -n: stop after this many records; 0: until Ctrl-] */
	const char *until;	 /* --until WORDS (argv's string), or NULL */
};

/* argv = {"trace", [--events], [target], [-n N], [--until WORDS]} in any order. */
int hx_parse_trace(int argc, char **argv, struct hx_trace_args *out, char *err, size_t errlen);

/* "sched_op", or NULL for a number Xen does not define. */
const char *hx_hypercall_name(unsigned int nr);

/*
 * One record as one line (no newline): microseconds since t0 (TSC at
 * khz kHz), the CPU, the domain and vCPU, then what happened; a
 * hypercall with its arguments decoded where they name a sub-operation,
 * its result (errors by name) and its cost in cycles.  Returns the
 * length snprintf would give.
 */
int hx_trace_format(const struct hospes_trace_rec *r, uint64_t t0, uint32_t khz, char *out,
		    size_t len);

/*
 * --until's end of a trace (its words as in lines.h: "d1v0,VIRQ_TIMER"
 * is domain 1's timer event): called for each record shown, in order, with
 * its line and how many were shown with it; true once this record has the
 * words, follows an earlier one that had them, and at least count
 * records (-n) were shown.  *matches (0 at the start) counts the records
 * with the words.
 */
bool hx_trace_until_ends(const char *words, const char *line, unsigned long shown,
			 unsigned long count, unsigned long *matches);

/* Sort records by time stamp, keeping the order of equal ones. */
void hx_trace_sort(struct hospes_trace_rec *r, size_t n);

#endif
