/*
 * hx's argument parsing: pure functions from words to settings, tested on
 * the host (tests/unit/hx).  Every function either fills its output and
 * returns 0, or returns -1 with a one-line message in err and leaves the
 * output as it was, so a bad command changes nothing.
 */
#ifndef DOM0_HX_ARGS_H
#define DOM0_HX_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_NAME_MAX	     32 /* with the NUL, as the hypervisor keeps it */
#define HX_CMDLINE_MAX	     128
#define HX_MEMORY_MIN_MIB    4
#define HX_MEMORY_MAX_MIB    65536
#define HX_VCPUS_MAX	     8 /* HOSPES_MAX_VCPUS */
#define HX_MEMORY_DEFAULT    32
#define HX_TOP_DEFAULT_SECS  1
#define HX_WAIT_DEFAULT_SECS 60
#define HX_WAIT_MAX_SECS     86400

#define HX_IMAGE_MAX 64 /* a boot module name, or /disk/<file> */

/* What becomes of a domain that shut down by itself (xl's on_poweroff=). */
enum hx_action {
	HX_PRESERVE, /* kept, shut down, until hx destroy (the default) */
	HX_DESTROY,  /* hx's reaper releases its devices and destroys it */
};

struct hx_create_args {
	char image[HX_IMAGE_MAX];     /* boot module name or /disk/<file> */
	char name[HX_NAME_MAX];	      /* default: the image's name */
	unsigned int memory_mib;      /* default HX_MEMORY_DEFAULT */
	unsigned int vcpus;	      /* default 1 */
	uint64_t cpus;		      /* cpus=: every vCPU's hard affinity; 0 = not given */
	uint64_t cpus_soft;	      /* cpus_soft=: every vCPU's soft affinity; 0 = not given */
	char disk[64];		      /* "" : none */
	char vif[64];		      /* "" : none */
	char cmdline[HX_CMDLINE_MAX]; /* args=a,b,c gives "a b c" */
	enum hx_action on_poweroff;   /* poweroff and reboot; default HX_PRESERVE */
	enum hx_action on_crash;      /* crash and watchdog; default HX_PRESERVE */
};

/* A domain named by number or by name. */
struct hx_target {
	bool by_name;
	unsigned int domid;
	char name[HX_NAME_MAX];
};

struct hx_console_args {
	struct hx_target target;
	bool follow;		   /* false with -n: print what is there and return */
	const char *until;	   /* --until WORDS (argv's string, lines.h), or NULL */
	unsigned int timeout_secs; /* --until's limit (--timeout S), default HX_WAIT_DEFAULT_SECS */
};

struct hx_wait_args {
	struct hx_target target;
	unsigned int timeout_secs; /* default HX_WAIT_DEFAULT_SECS */
};

struct hx_top_args {
	unsigned int iterations; /* 0: until a key is pressed */
	unsigned int delay_secs;
};

#define HX_WEIGHT_MAX 65535
#define HX_CAP_MAX    (100 * HX_VCPUS_MAX)
#define HX_SCHED_KEEP (-1L) /* a setting not given */

struct hx_sched_args {
	bool all; /* no domain given: list every domain */
	struct hx_target target;
	long weight, cap; /* HX_SCHED_KEEP or the new value */
};

#define HX_CPU_MAX  64
#define HX_CPUS_ALL (~0ULL)

struct hx_vcpu_pin_args {
	struct hx_target target;
	bool all_vcpus;
	unsigned int vcpu;
	uint64_t cpus; /* bit n = CPU n; HX_CPUS_ALL for "all" */
};

/* Decimal in [min, max], nothing else (no sign, blanks or suffix). */
int hx_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* A domain name: 1..31 of [A-Za-z0-9._-], not all digits. */
bool hx_valid_name(const char *s);
/* argv = {"create", image, key=value...} */
int hx_parse_create(int argc, char **argv, struct hx_create_args *out, char *err, size_t errlen);
/* argv = {cmd, target}: exactly one domain id or name. */
int hx_parse_target(int argc, char **argv, struct hx_target *out, char *err, size_t errlen);
/*
 * argv = {"console", target, [-n | --until WORDS [--timeout S]]}: -n
 * prints the log and returns; --until follows until a line with the words
 * (lines.h) came, for at most S seconds.
 */
int hx_parse_console(int argc, char **argv, struct hx_console_args *out, char *err, size_t errlen);
/* argv = {"wait", target, [seconds]} */
int hx_parse_wait(int argc, char **argv, struct hx_wait_args *out, char *err, size_t errlen);
/*
 * One line of the hx.cfg boot module into hx create's words: argv[0] =
 * "create", then the line's words, a leading "hx create" dropped.  The
 * line is split in place.  Returns the word count, 0 for a blank or
 * comment ('#') line, -1 if it has more than max - 1 words.
 */
int hx_parse_cfg_line(char *line, char **argv, int max);

/*
 * What an hx.cfg line may hold: whatever can be typed at dom0# (the line
 * editor's LE_LINE_MAX, with its NUL; the shell's SHELL_MAX_ARGS words),
 * plus argv[0] = "create" in front of its words (hx_parse_cfg_line).
 */
#define HX_CFG_LINE_MAX 256
#define HX_CFG_WORDS	(32 + 1)

/* create_args.c: hx create's words from elsewhere than a typed line. */
/*
 * The next image of hx.boot=<image>[,<image>...] at *p (the list ends at a
 * blank or the string's end): copied into word[size], *p moved past it
 * and its comma; 1.  0 at the list's end; -1 for an empty name or one
 * that does not fit (*p unchanged).
 */
int hx_boot_next(const char **p, char *word, size_t size);
/*
 * The next line of a config text (len bytes, '\n'-separated; the last
 * line may lack it) from *at, copied into line[size] without its '\n':
 * its length.  HX_CFG_TOO_LONG if it does not fit (skipped: *at is past
 * it), HX_CFG_END when nothing is left.
 */
#define HX_CFG_END	-2
#define HX_CFG_TOO_LONG -1
int hx_cfg_next_line(const char *text, size_t len, size_t *at, char *line, size_t size);
/* disk=/disk/<file>[,r]: the file's path (spec without ",r") into path[size]; 0 or -1. */
int hx_disk_file_path(const char *spec, char *path, size_t size);
/* argv = {"top", [-n N] [-d S]} */
int hx_parse_top(int argc, char **argv, struct hx_top_args *out, char *err, size_t errlen);

/*
 * argv = {"block-attach" | "network-attach", target, spec} (spec as
 * create's `key`=: disk= or vif=) when attaching, else {"...-detach",
 * target}.
 */
struct hx_dev_args {
	struct hx_target target;
	char spec[64]; /* attach: as hx_create_args.disk / .vif */
};
int hx_parse_dev(int argc, char **argv, const char *key, bool attach, struct hx_dev_args *out,
		 char *err, size_t errlen);

/* argv = {"sched", [target [weight=N] [cap=N]]} (sched_args.c) */
int hx_parse_sched(int argc, char **argv, struct hx_sched_args *out, char *err, size_t errlen);

/* vcpu_args.c.  A CPU list ("all", "2", "0-1", "0,2-3") into a mask; 0 or -1. */
int hx_parse_cpus(const char *s, uint64_t *out);
/* argv = {"vcpu-pin", target, vcpu|all, cpus} */
int hx_parse_vcpu_pin(int argc, char **argv, struct hx_vcpu_pin_args *out, char *err,
		      size_t errlen);
/* A mask as xl prints it: "all" (every one of nr_cpus), "0,2-3", or "none". */
void hx_format_cpus(uint64_t mask, unsigned int nr_cpus, char *out, size_t len);
#endif
