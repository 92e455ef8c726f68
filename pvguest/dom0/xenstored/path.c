/*
 * Paths and permissions, Xen's rules.
 *
 * A path is absolute ("/local/domain/3/device") or relative to the caller's
 * home, /local/domain/<domid> ("device/vif/0").  Components are non-empty
 * and use only [A-Za-z0-9-_@]; no trailing '/' except the root itself.  A
 * relative path may have at most XENSTORE_REL_PATH_MAX characters, the
 * absolute result at most XENSTORE_ABS_PATH_MAX.  Names starting with '@'
 * at the top (@introduceDomain, @releaseDomain) are watch-only specials.
 *
 * Permissions: entry 0 names the owner and gives the default for domains
 * not listed; later entries grant one domain n(one), r(ead), w(rite) or
 * b(oth).  The owner and privileged domains may do anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const char *const err_names[] = {"OK", XSD_ERROR_NAMES};

const char *xsd_err_name(enum xsd_err e)
{
	if ((unsigned int)e >= sizeof(err_names) / sizeof(err_names[0]))
		return "EINVAL";
	return err_names[e];
}

/* Characters allowed in a path: [A-Za-z0-9-_@/]. */
static bool valid_char(unsigned char ch)
{
	static const uint32_t ok[8] = {
		0,	    /* control characters */
		0x03ffa000, /* '-' '/' and digits */
		0x87ffffff, /* '@', A-Z and '_' */
		0x07fffffe, /* a-z */
	};
	return ok[ch >> 5] >> (ch & 31) & 1;
}

static bool valid_abs(const char *p)
{
	if (p[0] != '/')
		return false;
	if (p[1] == '\0')
		return true;
	for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
		if (!valid_char(*s))
			return false;
		if (s[0] == '/' && (s[1] == '/' || s[1] == '\0'))
			return false;
	}
	return true;
}

enum xsd_err path_canonical(const char *in, uint16_t domid, char *out)
{
	size_t len = strlen(in);

	if (in[0] == '/') {
		if (len > XENSTORE_ABS_PATH_MAX)
			return XSD_EINVAL;
		memcpy(out, in, len + 1);
	} else {
		if (len == 0 || len > XENSTORE_REL_PATH_MAX)
			return XSD_EINVAL;
		int n = snprintf(out, XSD_PATH_BUF, "/local/domain/%u/%s", domid, in);
		if (n < 0 || n > XENSTORE_ABS_PATH_MAX)
			return XSD_EINVAL;
	}
	return valid_abs(out) ? XSD_OK : XSD_EINVAL;
}

bool path_is_special(const char *p)
{
	return strcmp(p, "@introduceDomain") == 0 || strcmp(p, "@releaseDomain") == 0;
}

bool path_within(const char *p, const char *base)
{
	size_t bl = strlen(base);

	if (strcmp(base, "/") == 0)
		return p[0] == '/';
	return strncmp(p, base, bl) == 0 && (p[bl] == '\0' || p[bl] == '/');
}

unsigned int perm_for(const struct xs_perms *perms, uint16_t domid, bool privileged)
{
	if (privileged || perms->p[0].domid == domid)
		return PERM_BOTH | PERM_OWNER;
	for (unsigned int i = 1; i < perms->num; i++)
		if (perms->p[i].domid == domid)
			return perms->p[i].mode;
	return perms->p[0].mode;
}

static const char perm_letters[] = "nrwb"; /* index = PERM_* mode */

enum xsd_err perms_parse(const char *s, unsigned int n, struct xs_perms *perms)
{
	for (unsigned int i = 0; i < n; i++, s += strlen(s) + 1) {
		const char *l = s[0] ? strchr(perm_letters, s[0]) : NULL;
		unsigned long id = 0;
		if (!l || s[1] == '\0' || strlen(s + 1) > 5)
			return XSD_EINVAL;
		for (const char *d = s + 1; *d; d++) {
			if (*d < '0' || *d > '9')
				return XSD_EINVAL;
			id = id * 10 + (unsigned long)(*d - '0');
		}
		if (id > 0xffff)
			return XSD_EINVAL;
		perms->p[i] = (struct xs_perm){(uint16_t)id, (uint8_t)(l - perm_letters)};
	}
	perms->num = n;
	return n ? XSD_OK : XSD_EINVAL;
}

unsigned int perms_format(const struct xs_perms *perms, char *buf, unsigned int size)
{
	unsigned int used = 0;

	for (unsigned int i = 0; i < perms->num; i++) {
		int n = snprintf(buf + used, size - used, "%c%u",
				 perm_letters[perms->p[i].mode & 3], perms->p[i].domid);
		if (n < 0 || (unsigned int)n + 1 > size - used)
			break;
		used += (unsigned int)n + 1; /* keep the NUL */
	}
	return used;
}
