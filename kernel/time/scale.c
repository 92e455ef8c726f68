/*
 * TSC-to-nanoseconds scale in Xen's vcpu_time_info form, and calendar
 * arithmetic for the wallclock.
 *
 * A guest turns a TSC delta into nanoseconds with one shift and one
 * 32x32->64 multiply: ns = (shifted delta * mul) >> 32, where the shift
 * (left when positive) brings the frequency into the range where
 * mul = 2^32 * 1e9 / (hz shifted) fits 32 bits.  We pick the shift so that
 * mul is as large as possible (most precise).
 */
#include <hospes/time.h>

void time_scale_from_hz(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	uint64_t target = NSEC_PER_SEC; /* ns per second */
	int s = 0;
	/* mul < 2^32 needs hz > target; precision wants hz <= 2 * target. */
	while (hz <= target && s < 31) {
		hz <<= 1;
		s++;
	}
	while (hz > 2 * target) {
		hz >>= 1;
		s--;
	}
	*shift = (int8_t)s;
	*mul = (uint32_t)((target << 32) / hz);
}

uint64_t time_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
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
