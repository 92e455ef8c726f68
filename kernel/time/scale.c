/*
 * TSC-to-nanoseconds scale in Xen's vcpu_time_info form, and calendar
 * arithmetic for the wallclock.
 *
 * A guest turns a TSC delta into nanoseconds with one shift and one
 * 32x32->64 multiply: ns = (shifted delta * mul) >> 32, where the shift
 * (left when positive) brings the frequency into the range where
 * mul = 2^32 * 1e9 / (hz shifted) fits 32 bits.  We pick the shift so that
 * mul is as large as possible (most precise).  The same form, with the
 * ratio turned round, converts nanoseconds back to TSC ticks (for the
 * TSC-deadline timer) without a 128-bit division.
 */
#include <hospes/time.h>

void time_scale_ratio(uint64_t num, uint64_t den, uint32_t *mul, int8_t *shift)
{
	int s = 0;
	while (num >> 32) { /* keep num << 32 inside 64 bits */
		num >>= 1;
		den >>= 1;
	}
	/* mul < 2^32 needs den > num; precision wants den <= 2 * num. */
	while (den <= num && s < 31) {
		den <<= 1;
		s++;
	}
	while (den > 2 * num) {
		den >>= 1;
		s--;
	}
	*shift = (int8_t)s;
	*mul = (uint32_t)((num << 32) / den);
}

void time_scale_from_hz(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	time_scale_ratio(NSEC_PER_SEC, hz, mul, shift);
}

/* Howard Hinnant's days_from_civil algorithm (public-domain arithmetic). */
uint64_t time_days_from_civil(unsigned int year, unsigned int month, unsigned int day)
{
	int y = (int)year - (month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned int yoe = (unsigned int)(y - era * 400);
	unsigned int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)((int64_t)era * 146097 + (int64_t)doe - 719468);
}
