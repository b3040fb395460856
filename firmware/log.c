// SPDX-License-Identifier: MIT
/*
 * The firmware log: a byte ring in DMEM of printable text lines.
 *
 * LOG_BASE is the ring's DMEM offset, LOG_SIZE its size (a power of two),
 * LOG_HEAD the number of bytes ever written (a free-running u32). Byte n of
 * the log stream is at ring[n % LOG_SIZE]; the host reads the last
 * min(LOG_HEAD, LOG_SIZE) bytes through BAR4. LOG_HEAD is written after
 * each complete line, so it always ends on a line boundary.
 *
 * A line is "[IIIIIIII] text\n": the low 32 bits of INSTRET in hex, then
 * the message. Bytes outside 0x20..0x7e in the message become '?', and a
 * line longer than FW_LOG_LINE_MAX is cut (it still ends with '\n').
 *
 * fw_log() takes a small printf subset: %s, %c, %x, %u, %%, with an
 * optional '0' flag and width (%08x). Numbers are uint32_t. No division:
 * decimal digits come from subtracting powers of ten.
 */
#include <stdarg.h>
#include <stdint.h>

#include "fw.h"
#include "fw_io.h"

struct line {
	char buf[FW_LOG_LINE_MAX];
	uint32_t len;
};

static void put(struct line *l, char c)
{
	/* Keep one byte for the newline. */
	if (l->len + 1 < FW_LOG_LINE_MAX)
		l->buf[l->len++] = (c >= 0x20 && c <= 0x7e) ? c : '?';
}

static void put_hex(struct line *l, uint32_t v, uint32_t width, char pad)
{
	char digits[8];
	uint32_t n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v && n < 8);
	while (width > n && width--)
		put(l, pad);
	while (n)
		put(l, digits[--n]);
}

static const uint32_t pow10[] = {
	1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
	10000u, 1000u, 100u, 10u, 1u,
};

static void put_dec(struct line *l, uint32_t v, uint32_t width, char pad)
{
	char digits[10];
	uint32_t i, n = 0;

	for (i = 0; i < 10; i++) {
		char d = '0';

		while (v >= pow10[i]) {
			v -= pow10[i];
			d++;
		}
		if (d != '0' || n || i == 9)
			digits[n++] = d;
	}
	while (width > n && width--)
		put(l, pad);
	for (i = 0; i < n; i++)
		put(l, digits[i]);
}

static void publish(struct line *l)
{
	uint32_t i, head = fw.log_head;

	l->buf[l->len++] = '\n';
	for (i = 0; i < l->len; i++, head++)
		fw_dmem.log[head & (FW_LOG_SIZE - 1)] = l->buf[i];
	fw.log_head = head;
	if (fw.log_ready)
		fw_io_write(POTNPU_IO_LOG_HEAD, head);
}

static void vlog(const char *fmt, va_list ap)
{
	struct line l;
	const char *s;

	l.len = 0;
	put(&l, '[');
	put_hex(&l, fw_io_read(POTNPU_IO_INSTRET_LO), 8, '0');
	put(&l, ']');
	put(&l, ' ');
	for (; *fmt; fmt++) {
		uint32_t width = 0;
		char pad = ' ';

		if (*fmt != '%') {
			put(&l, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = (width << 3) + (width << 1) + (uint32_t)(*fmt - '0');
			fmt++;
		}
		switch (*fmt) {
		case 'x':
			put_hex(&l, va_arg(ap, uint32_t), width, pad);
			break;
		case 'u':
			put_dec(&l, va_arg(ap, uint32_t), width, pad);
			break;
		case 'c':
			put(&l, (char)va_arg(ap, int));
			break;
		case 's':
			for (s = va_arg(ap, const char *); s && *s; s++)
				put(&l, *s);
			break;
		case '%':
			put(&l, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&l, '%');
			put(&l, *fmt);
			break;
		}
	}
	publish(&l);
}

void fw_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void fw_log_str(const char *s)
{
	fw_log("%s", s);
}

/*
 * Publish the ring. Lines logged before (a trap very early in boot) are
 * kept: LOG_HEAD tells the host how many bytes there are.
 */
void fw_log_init(void)
{
	fw_io_write(POTNPU_IO_LOG_BASE, fw_dmem_off(fw_dmem.log));
	fw_io_write(POTNPU_IO_LOG_SIZE, FW_LOG_SIZE);
	fw_io_write(POTNPU_IO_LOG_HEAD, fw.log_head);
	fw.log_ready = 1;
}
