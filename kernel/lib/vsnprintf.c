/*
 * vsnprintf: the formatter behind printk and snprintf.
 *
 * Supports what C code in a kernel uses: %d %i %u %x %X %o %c %s %p %%,
 * the flags '-' '0' '+' ' ' '#', a field width and precision (numbers or
 * '*'), and the length modifiers hh h l ll z t j.  No floating point (the
 * hypervisor runs without SSE).  %p prints 0x and 16 hex digits; a NULL %s
 * prints "(null)".
 *
 * Contract (C11): at most size bytes are written including the final NUL,
 * which is always written when size > 0; the return value is the length
 * the full output would have had, so a caller can detect truncation.
 * Host-tested in tests/unit/printk.
 */
#include <hospes/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, written or not */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
	int base;
	bool upper;
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, const struct spec *sp, unsigned long long v, bool neg)
{
	const char *digits = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	while (v) {
		tmp[n++] = digits[v % (unsigned)sp->base];
		v /= (unsigned)sp->base;
	}
	int ndig = n;
	if (sp->prec >= 0 && sp->prec > ndig)
		ndig = sp->prec;
	else if (sp->prec < 0 && ndig == 0)
		ndig = 1;

	const char *prefix = "";
	if (neg)
		prefix = "-";
	else if (sp->plus)
		prefix = "+";
	else if (sp->space)
		prefix = " ";
	else if (sp->alt && sp->base == 16 && n)
		prefix = sp->upper ? "0X" : "0x";
	else if (sp->alt && sp->base == 8 && ndig <= n)
		prefix = "0";

	int plen = (int)strlen(prefix);
	int fill = sp->width - plen - ndig;
	bool zeros = sp->zero && !sp->left && sp->prec < 0;
	if (!sp->left && !zeros)
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (zeros)
		pad(o, '0', fill);
	pad(o, '0', ndig - n);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			sp->left = true;
			break;
		case '0':
			sp->zero = true;
			break;
		case '+':
			sp->plus = true;
			break;
		case ' ':
			sp->space = true;
			break;
		case '#':
			sp->alt = true;
			break;
		default:
			return f;
		}
	}
}

static const char *parse_int(const char *f, int *v, va_list *ap)
{
	if (*f == '*') {
		*v = va_arg(*ap, int);
		return f + 1;
	}
	*v = 0;
	while (*f >= '0' && *f <= '9')
		*v = *v * 10 + (*f++ - '0');
	return f;
}

/* Length modifier -> size class: 0 int, 1 char, 2 short, 3 long/ll/z/t/j. */
static const char *parse_length(const char *f, int *len)
{
	*len = 0;
	if (f[0] == 'h' && f[1] == 'h')
		return *len = 1, f + 2;
	if (f[0] == 'h')
		return *len = 2, f + 1;
	if (f[0] == 'l' && f[1] == 'l')
		return *len = 3, f + 2;
	if (f[0] == 'l' || f[0] == 'z' || f[0] == 't' || f[0] == 'j')
		return *len = 3, f + 1;
	return f;
}

static unsigned long long arg_unsigned(int len, va_list *ap)
{
	switch (len) {
	case 1:
		return (unsigned char)va_arg(*ap, unsigned int);
	case 2:
		return (unsigned short)va_arg(*ap, unsigned int);
	case 3:
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static long long arg_signed(int len, va_list *ap)
{
	switch (len) {
	case 1:
		return (signed char)va_arg(*ap, int);
	case 2:
		return (short)va_arg(*ap, int);
	case 3:
		return va_arg(*ap, long long);
	default:
		return va_arg(*ap, int);
	}
}

/* One conversion: c is the conversion character, len its size class. */
static void convert(struct out *o, struct spec *sp, char c, int len, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		long long v = arg_signed(len, ap);
		unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
		sp->base = 10;
		put_num(o, sp, mag, v < 0);
		break;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		sp->base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
		sp->upper = c == 'X';
		put_num(o, sp, arg_unsigned(len, ap), false);
		break;
	case 'p':
		sp->base = 16;
		sp->alt = true;
		sp->prec = 16;
		put_num(o, sp, (unsigned long)va_arg(*ap, void *), false);
		break;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		put(o, ch);
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	}
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case '%':
		put(o, '%');
		break;
	default: /* unknown conversion: print it as written */
		put(o, '%');
		if (c)
			put(o, c);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = {buf, size, 0};
	va_list ap;
	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		struct spec sp = {.prec = -1};
		int len;
		f = parse_flags(f + 1, &sp);
		f = parse_int(f, &sp.width, &ap);
		if (sp.width < 0) {
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*f == '.') {
			f = parse_int(f + 1, &sp.prec, &ap);
			if (sp.prec < 0)
				sp.prec = -1;
		}
		f = parse_length(f, &len);
		convert(&o, &sp, *f, len, &ap);
		if (!*f)
			break;
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
